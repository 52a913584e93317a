package io.dubstream.job.inference.dub;

import java.util.Arrays;
import java.util.List;

/**
 * Mixes placed lines into a chunk's interleaved s16 audio, ducking the original under them.
 *
 * <p><b>Gain.</b> Under each line, from its start to its end, and under each slot given without
 * speech (a script line's time, {@link #mix(short[], int, List, List)}), the original is scaled by
 * {@link DubSettings#duckGain()}. Over the {@link DubSettings#duckRampMicros() ramp} of {@code R}
 * samples before the start the gain falls along a raised cosine from 1 to that gain, and rises the
 * same way over {@code R} samples after the end: ramp sample {@code j} (from the side away from the
 * line) has {@code 1 - (1 - gain) * (0.5 - 0.5 cos(pi (j + 1) / (R + 1)))}, strictly between the two.
 * Where lines' ducked ranges overlap the lower gain wins (ducks do not compound).
 *
 * <p><b>Mix.</b> Each line's mono samples ({@code x} in [-1, 1], as {@code s / 32768}) are added to
 * every channel: {@code out = round(original * gain + x * 32768)}, clipped to s16. Outside every
 * ducked range (ramps included) the output is a copy of the original, sample for sample. Lines or
 * ramps that reach outside the chunk are cut at its edges.
 *
 * <p>Pure: the original is not changed; stateless after construction.
 */
public final class DuckingMixer {

    private final double gain;
    private final int ramp;

    /**
     * @param settings the ducking gain and ramp length
     * @param sampleRate the chunk audio's rate, in Hz
     */
    public DuckingMixer(DubSettings settings, int sampleRate) {
        if (sampleRate <= 0) {
            throw new IllegalArgumentException("the sample rate must be positive, got " + sampleRate);
        }
        this.gain = settings.duckGain();
        this.ramp = DubSettings.samples(settings.duckRampMicros(), sampleRate);
    }

    /**
     * @param original the chunk's audio, interleaved s16
     * @param channels its channel count
     * @param lines the placed lines, positions in samples per channel from the chunk's start
     * @return a new buffer of the original's length
     */
    public short[] mix(short[] original, int channels, List<FittedLine> lines) {
        return mix(original, channels, lines, List.of());
    }

    /**
     * As {@link #mix(short[], int, List)}, ducking also under {@code slots}, each {@code [start, end)}
     * in samples per channel from the chunk's start, with the same ramps, adding nothing there.
     */
    public short[] mix(short[] original, int channels, List<FittedLine> lines, List<int[]> slots) {
        if (channels <= 0) {
            throw new IllegalArgumentException("the channel count must be positive, got " + channels);
        }
        if (original.length % channels != 0) {
            throw new IllegalArgumentException(
                    original.length + " samples are not a whole number of frames of " + channels + " channels");
        }
        short[] out = original.clone();
        int frames = original.length / channels;
        if ((lines.isEmpty() && slots.isEmpty()) || frames == 0) {
            return out;
        }
        // Per frame: the gain (1 where untouched), the dub, and whether any ducked range covers it.
        double[] gains = new double[frames];
        Arrays.fill(gains, 1);
        double[] dub = new double[frames];
        boolean[] touched = new boolean[frames];
        for (FittedLine line : lines) {
            duck(gains, touched, line.start(), line.end());
            for (int i = Math.max(0, line.start()); i < Math.min(frames, line.end()); i++) {
                dub[i] += line.samples()[i - line.start()] * 32768.0;
            }
        }
        for (int[] slot : slots) {
            duck(gains, touched, slot[0], slot[1]);
        }
        for (int i = 0; i < frames; i++) {
            if (!touched[i]) {
                continue;
            }
            for (int c = 0; c < channels; c++) {
                int k = i * channels + c;
                long v = Math.round(original[k] * gains[i] + dub[i]);
                out[k] = (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, v));
            }
        }
        return out;
    }

    /** Lowers {@code gains} to the ducked gain over {@code [start, end)} and along the ramps around it. */
    private void duck(double[] gains, boolean[] touched, int start, int end) {
        long from = Math.max(0L, (long) start - ramp);
        long to = Math.min(gains.length, (long) end + ramp);
        for (int i = (int) from; i < to; i++) {
            double g = i < start ? rampGain(start - 1 - i) : i >= end ? rampGain(i - end) : gain;
            gains[i] = Math.min(gains[i], g);
            touched[i] = true;
        }
    }

    /** The gain {@code d} samples away from a line's edge, within the ramp ({@code 0 <= d < R}). */
    private double rampGain(int d) {
        double towardsLine = 0.5 - 0.5 * Math.cos(Math.PI * (ramp - d) / (ramp + 1));
        return 1 - (1 - gain) * towardsLine;
    }
}
