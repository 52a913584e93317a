package io.dubstream.job.inference.dub;

import java.util.Objects;

/**
 * One line's speech as placed in the chunk: what to play, from where, and how it was made to fit.
 *
 * @param samples the speech to play, mono, at the transport rate
 * @param start the sample (frame, per channel) it starts at, in the chunk's audio
 * @param outcome how it was fitted
 * @param speed the playback speed it was stretched by: input samples per output sample before any
 *     cut (1 for {@link Outcome#FITS} and {@link Outcome#EXTENDED})
 */
public record FittedLine(float[] samples, int start, Outcome outcome, double speed) {

    /** How a line was fitted into its room, in the order the {@link SlotFitter} tries them. */
    public enum Outcome {
        /** Within its slot, unchanged. */
        FITS,
        /** Unchanged, running into the silence after its slot, up to the next line's start less the margin. */
        EXTENDED,
        /** Sped up, within the maximum speed-up, to end where the extended slot ends. */
        STRETCHED,
        /** Sped up by the maximum and still too long: cut at the extended slot's end with a short fade-out. */
        CUT
    }

    public FittedLine {
        Objects.requireNonNull(samples);
        Objects.requireNonNull(outcome);
    }

    /** The sample after its last: {@code start + samples.length}. */
    public int end() {
        return start + samples.length;
    }
}
