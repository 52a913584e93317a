package io.dubstream.connectors.media;

/**
 * A deterministic test tone: each second plays the next note of the A minor scale, A4 (440 Hz) to A5,
 * fading in and out over 10 ms so the steps do not click. In stereo the right channel plays a fifth
 * above the left (1.5 times its frequency, {@link #rightFrequency}) at 70 % of the level, so a test
 * can tell the channels apart (and see that they were not swapped or mixed).
 */
final class ToneSignal {

    private static final int[] SCALE_SEMITONES = {0, 2, 3, 5, 7, 8, 10, 12};
    private static final double LEVEL = 0.3 * Short.MAX_VALUE;
    private static final double FADE_SECONDS = 0.010;

    private final int sampleRate;
    private final int channels;
    private final int fadeSamples;

    ToneSignal(int sampleRate, int channels) {
        this.sampleRate = sampleRate;
        this.channels = channels;
        this.fadeSamples = Math.max(1, (int) Math.round(FADE_SECONDS * sampleRate));
    }

    /** The frequency played during second {@code second} of the clip. */
    double frequency(long second) {
        return 440.0 * Math.pow(2, SCALE_SEMITONES[(int) (second % SCALE_SEMITONES.length)] / 12.0);
    }

    /** The frequency the right channel plays during second {@code second}: a fifth above the left. */
    double rightFrequency(long second) {
        return 1.5 * frequency(second);
    }

    /** Interleaved samples {@code first .. first + frames - 1} of the signal. */
    short[] samples(long first, int frames) {
        short[] out = new short[frames * channels];
        for (int i = 0; i < frames; i++) {
            long n = first + i;
            long second = n / sampleRate;
            int inSecond = (int) (n % sampleRate);
            double envelope = envelope(inSecond);
            double t = (double) inSecond / sampleRate;
            out[i * channels] = (short) Math.round(LEVEL * envelope * Math.sin(2 * Math.PI * frequency(second) * t));
            if (channels > 1) {
                out[i * channels + 1] = (short) Math.round(0.7 * LEVEL * envelope
                        * Math.sin(2 * Math.PI * rightFrequency(second) * t));
            }
        }
        return out;
    }

    /** Raised-cosine fade over the first and last 10 ms of each second. */
    private double envelope(int inSecond) {
        int fromEdge = Math.min(inSecond, sampleRate - 1 - inSecond);
        if (fromEdge >= fadeSamples) {
            return 1.0;
        }
        return 0.5 - 0.5 * Math.cos(Math.PI * fromEdge / fadeSamples);
    }
}
