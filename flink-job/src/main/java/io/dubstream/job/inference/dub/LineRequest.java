package io.dubstream.job.inference.dub;

import java.util.Objects;

/**
 * One script line to be spoken: its text, language and speaker, its time slot in the clip, and the
 * source audio under the slot as the speaker prompt that zero-shot voice-cloning models (VALL-E X
 * class) take.
 *
 * @param clipId the clip the line belongs to
 * @param lineIndex the line's index in the clip's script
 * @param text what to say
 * @param language a BCP 47 tag ({@code fr}, {@code pt-BR}), or empty when not stated
 * @param speaker who says it, or empty
 * @param startMicros the slot's start, in the clip's presentation time
 * @param endMicros the slot's end
 * @param prompt the source audio under the slot, mono, in [-1, 1]; may be empty
 * @param promptRate the prompt's sample rate, in Hz
 */
public record LineRequest(String clipId, int lineIndex, String text, String language, String speaker,
        long startMicros, long endMicros, float[] prompt, int promptRate) {

    public LineRequest {
        Objects.requireNonNull(text);
        Objects.requireNonNull(language);
        Objects.requireNonNull(speaker);
        Objects.requireNonNull(prompt);
        if (endMicros <= startMicros) {
            throw new IllegalArgumentException("line " + lineIndex + " ends at " + endMicros + " us, not after its start "
                    + startMicros + " us");
        }
    }

    /** The slot's length in microseconds. */
    public long slotMicros() {
        return endMicros - startMicros;
    }
}
