package io.dubstream.connectors.media;

/** Measures tones in decoded audio, for tests that check which note a channel plays. */
public final class ToneAnalysis {

    private ToneAnalysis() {}

    /** Power of {@code samples} at {@code frequency} (Goertzel). */
    public static double power(short[] samples, double frequency, int sampleRate) {
        double coefficient = 2 * Math.cos(2 * Math.PI * frequency / sampleRate);
        double s1 = 0;
        double s2 = 0;
        for (short sample : samples) {
            double s0 = sample + coefficient * s1 - s2;
            s2 = s1;
            s1 = s0;
        }
        return s1 * s1 + s2 * s2 - coefficient * s1 * s2;
    }

    /** Samples {@code first .. first + count - 1} of channel {@code channel} of interleaved audio. */
    public static short[] channel(short[] interleaved, int channels, int channel, int first, int count) {
        short[] out = new short[count];
        for (int i = 0; i < count; i++) {
            out[i] = interleaved[(first + i) * channels + channel];
        }
        return out;
    }

    /** The note the left channel of a generated clip plays during {@code second}. */
    public static double leftFrequency(long second) {
        return new ToneSignal(48_000, 2).frequency(second);
    }

    /** The note the right channel of a generated clip plays during {@code second}. */
    public static double rightFrequency(long second) {
        return new ToneSignal(48_000, 2).rightFrequency(second);
    }
}
