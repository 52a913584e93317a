package io.dubstream.job.inference.dub;

/**
 * Pitch-preserving time stretch of mono audio by WSOLA (waveform-similarity overlap-add).
 *
 * <p><b>Frames.</b> Periodic Hann frames of {@value #FRAME_MICROS} us (an even number of samples
 * {@code N}) are overlap-added at a synthesis hop of {@code N / 2}, where the windows sum to exactly
 * one. Output frame {@code k} is centred on output sample {@code k * N/2}; the input frame it copies is
 * centred near {@code k * N/2 * speed}, {@code speed = in.length / outLength}, so the first output
 * sample lines up with the first input sample and the last with the last.
 *
 * <p><b>Search.</b> Each input frame's centre is moved by up to ±{@value #TOLERANCE_MICROS} us from
 * that nominal position to where it best continues the previous frame: the offset maximises the
 * normalised cross-correlation between the candidate frame and the input that naturally followed the
 * previous frame (its centre plus {@code N / 2}). Whole periods are thus skipped or repeated, never
 * resampled, which keeps the pitch. The search runs on every {@code rate / 16000}-th sample and lag
 * first, then on every lag within one step of the best; ties keep the candidate found first (the
 * nominal position first), so the result is deterministic.
 *
 * <p><b>Edges.</b> The input is taken as zero outside {@code [0, in.length)}. Equal lengths return a
 * copy of the input unchanged.
 *
 * <p>Stateless: safe to share.
 */
public final class TimeStretch {

    /** The analysis and synthesis frame length. */
    public static final long FRAME_MICROS = 25_000;
    /** How far an input frame may move from its nominal position to match the previous one. */
    public static final long TOLERANCE_MICROS = 10_000;

    private TimeStretch() {}

    /**
     * Stretches {@code in} to exactly {@code outLength} samples at the same pitch.
     *
     * @param in mono samples
     * @param sampleRate their rate, in Hz
     * @param outLength the output's length in samples; a speed of {@code in.length / outLength}
     * @return {@code outLength} samples
     */
    public static float[] stretch(float[] in, int sampleRate, int outLength) {
        if (sampleRate <= 0) {
            throw new IllegalArgumentException("the sample rate must be positive, got " + sampleRate);
        }
        if (outLength < 0) {
            throw new IllegalArgumentException("the output length must not be negative, got " + outLength);
        }
        if (outLength == in.length) {
            return in.clone();
        }
        float[] out = new float[outLength];
        if (in.length == 0 || outLength == 0) {
            return out;
        }
        int hop = Math.max(1, DubSettings.samples(FRAME_MICROS, sampleRate) / 2);
        int frame = 2 * hop;
        int tolerance = DubSettings.samples(TOLERANCE_MICROS, sampleRate);
        int step = Math.max(1, sampleRate / 16_000);
        float[] window = new float[frame];
        for (int j = 0; j < frame; j++) {
            window[j] = (float) (0.5 - 0.5 * Math.cos(2 * Math.PI * j / frame));
        }
        // The input with a frame and a search range of zeros each side, so frames never index outside.
        int pad = 2 * frame + tolerance + step;
        float[] x = new float[in.length + 2 * pad];
        System.arraycopy(in, 0, x, pad, in.length);
        double speed = (double) in.length / outLength;

        int previous = 0; // the previous frame's centre in the input
        for (int k = 0; (long) k * hop - hop < outLength; k++) {
            int centre;
            if (k == 0) {
                centre = 0;
            } else {
                // Centres stay within a half frame of the input, so every frame holds some of it.
                int nominal = (int) Math.max(-hop, Math.min(in.length + hop, Math.round((double) k * hop * speed)));
                int lo = Math.max(nominal - tolerance, -hop);
                int hi = Math.min(nominal + tolerance, in.length + hop);
                centre = bestMatch(x, pad, previous + hop, nominal, lo, hi, frame, step);
            }
            int from = pad + centre - hop;
            int to = k * hop - hop; // output position of the frame's first sample
            for (int j = 0; j < frame; j++) {
                int o = to + j;
                if (o >= 0 && o < outLength) {
                    out[o] += window[j] * x[from + j];
                }
            }
            previous = centre;
        }
        return out;
    }

    /**
     * The centre in {@code [lo, hi]} whose frame best matches the frame centred on {@code template}:
     * a coarse pass on every {@code step}-th lag and sample, then every lag within one step of the best.
     */
    private static int bestMatch(float[] x, int pad, int template, int nominal, int lo, int hi, int frame, int step) {
        int t = pad + template - frame / 2;
        int best = nominal;
        double bestScore = similarity(x, t, pad + nominal - frame / 2, frame, step);
        for (int c = nominal - step; c >= lo; c -= step) {
            double s = similarity(x, t, pad + c - frame / 2, frame, step);
            if (s > bestScore) {
                bestScore = s;
                best = c;
            }
        }
        for (int c = nominal + step; c <= hi; c += step) {
            double s = similarity(x, t, pad + c - frame / 2, frame, step);
            if (s > bestScore) {
                bestScore = s;
                best = c;
            }
        }
        if (step == 1) {
            return best;
        }
        int coarse = best;
        bestScore = similarity(x, t, pad + coarse - frame / 2, frame, 1);
        for (int d = 1; d < step; d++) {
            for (int c : new int[] {coarse - d, coarse + d}) {
                if (c < lo || c > hi) {
                    continue;
                }
                double s = similarity(x, t, pad + c - frame / 2, frame, 1);
                if (s > bestScore) {
                    bestScore = s;
                    best = c;
                }
            }
        }
        return best;
    }

    /**
     * The cross-correlation of {@code x[a, a + n)} and {@code x[b, b + n)} on every {@code step}-th
     * sample, divided by the second range's energy's square root (the first is the same for every
     * candidate); 0 where the candidate is silent.
     */
    private static double similarity(float[] x, int a, int b, int n, int step) {
        double dot = 0;
        double energy = 0;
        for (int j = 0; j < n; j += step) {
            float v = x[b + j];
            dot += x[a + j] * v;
            energy += v * v;
        }
        return energy <= 0 ? 0 : dot / Math.sqrt(energy);
    }
}
