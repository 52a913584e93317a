package io.dubstream.job.inference.dub;

import static io.dubstream.job.audio.Signals.autocorrelationPitch;
import static io.dubstream.job.audio.Signals.db;
import static io.dubstream.job.audio.Signals.rms;
import static io.dubstream.job.audio.Signals.zeroCrossingFrequency;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import io.dubstream.job.audio.Signals;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TimeStretchTest {

    static final int RATE = 48_000;

    /** Harmonics 1 to {@code count} of {@code f0} at amplitude {@code 0.5 / h}, scaled to peak below 1. */
    static float[] harmonicTone(double f0, int count, int n, int rate) {
        float[] x = new float[n];
        for (int h = 1; h <= count; h++) {
            float[] partial = Signals.tone(f0 * h, 0.5 / h, n, rate);
            for (int i = 0; i < n; i++) {
                x[i] += partial[i] / 2;
            }
        }
        return x;
    }

    /**
     * Speech-like: a 150 Hz harmonic voice (12 harmonics) under a 4 Hz syllable envelope that swings
     * from 0.2 to 1.
     */
    static float[] speechLike(int n, int rate) {
        float[] x = harmonicTone(150, 12, n, rate);
        for (int i = 0; i < n; i++) {
            x[i] *= (float) (0.6 - 0.4 * Math.cos(2 * Math.PI * 4 * i / rate));
        }
        return x;
    }

    /** The length of {@code in} played at {@code speed}. */
    static int lengthAt(int in, double speed) {
        return (int) Math.round(in / speed);
    }

    @ParameterizedTest
    @CsvSource({"220, 0.8", "220, 1.25", "440, 0.8", "440, 1.25", "220, 1.1", "440, 0.9"})
    void aToneKeepsItsPitchAndTheOutputHasTheExactLength(double frequency, double speed) {
        float[] in = Signals.tone(frequency, 0.5, RATE, RATE);
        int outLength = lengthAt(in.length, speed);
        float[] out = TimeStretch.stretch(in, RATE, outLength);

        assertThat(out).hasSize(outLength);
        int edge = RATE / 20;
        double zeroCrossings = zeroCrossingFrequency(out, edge, out.length - edge, RATE);
        double autocorrelation = autocorrelationPitch(out, edge, out.length - edge, RATE, 100, 1_000);
        System.out.printf(Locale.ROOT, "time stretch %.0f Hz tone x%.2f: zero crossings %.2f Hz (%+.3f%%),"
                + " autocorrelation %.2f Hz (%+.3f%%)%n", frequency, speed, zeroCrossings,
                100 * (zeroCrossings / frequency - 1), autocorrelation, 100 * (autocorrelation / frequency - 1));
        assertThat(zeroCrossings).isCloseTo(frequency, offset(frequency * 0.02));
        assertThat(autocorrelation).isCloseTo(frequency, offset(frequency * 0.02));
        // The level stays: the frames add in phase, so no comb-filter dips.
        assertThat(db(rms(out, edge, out.length - edge) / rms(in, edge, in.length - edge))).isCloseTo(0, offset(1.0));
    }

    @ParameterizedTest
    @CsvSource({"220, 0.8", "220, 1.25", "110, 1.25", "110, 0.8"})
    void aHarmonicToneKeepsItsFundamental(double f0, double speed) {
        float[] in = harmonicTone(f0, 6, RATE, RATE);
        float[] out = TimeStretch.stretch(in, RATE, lengthAt(in.length, speed));

        int edge = RATE / 20;
        double pitch = autocorrelationPitch(out, edge, out.length - edge, RATE, 70, 600);
        System.out.printf(Locale.ROOT, "time stretch %.0f Hz harmonic tone x%.2f: fundamental %.2f Hz (%+.3f%%)%n",
                f0, speed, pitch, 100 * (pitch / f0 - 1));
        assertThat(pitch).isCloseTo(f0, offset(f0 * 0.02));
    }

    @ParameterizedTest
    @CsvSource({"0.8", "1.25"})
    void speechLikeAudioKeepsItsPitchWhileItsSyllablesSpeedUp(double speed) {
        int rate = 24_000;
        float[] in = speechLike(3 * rate, rate);
        float[] out = TimeStretch.stretch(in, rate, lengthAt(in.length, speed));

        assertThat(out).hasSize(lengthAt(in.length, speed));
        int edge = rate / 10;
        double pitch = autocorrelationPitch(out, edge, out.length - edge, rate, 70, 600);
        // The syllable rate, from the envelope's autocorrelation: RMS over blocks of one voice period,
        // so a 150 Hz series free of the voice's own ripple.
        float[] envelope = envelope(out, rate / 150);
        double syllables = autocorrelationPitch(envelope, 0, envelope.length, 150, 2, 8);
        System.out.printf(Locale.ROOT, "time stretch speech-like x%.2f: fundamental %.2f Hz (%+.3f%%),"
                + " syllable rate %.3f Hz (expected %.3f)%n", speed, pitch, 100 * (pitch / 150 - 1), syllables, 4 * speed);
        assertThat(pitch).isCloseTo(150, offset(150 * 0.02));
        assertThat(syllables).isCloseTo(4 * speed, offset(4 * speed * 0.03));
    }

    /** The RMS of each whole {@code block} of {@code x}, less their mean. */
    static float[] envelope(float[] x, int block) {
        float[] e = new float[x.length / block];
        double mean = 0;
        for (int b = 0; b < e.length; b++) {
            e[b] = (float) rms(x, b * block, (b + 1) * block);
            mean += e[b] / e.length;
        }
        for (int b = 0; b < e.length; b++) {
            e[b] -= (float) mean;
        }
        return e;
    }

    @Test
    void everyLengthIsExactIncludingInputsShorterThanAFrame() {
        float[] in = Signals.tone(300, 0.5, 1_001, 16_000);
        for (int outLength : new int[] {0, 1, 2, 3, 199, 200, 201, 800, 1_000, 1_002, 1_251, 2_000}) {
            assertThat(TimeStretch.stretch(in, 16_000, outLength)).as("%d samples", outLength).hasSize(outLength);
        }
        assertThat(TimeStretch.stretch(new float[0], 16_000, 50)).containsOnly(0f).hasSize(50);
        assertThat(TimeStretch.stretch(new float[7], 16_000, 5)).hasSize(5);
    }

    @Test
    void equalLengthsReturnTheInputUnchangedAndStretchingIsDeterministic() {
        float[] in = speechLike(24_000, 24_000);
        assertThat(TimeStretch.stretch(in, 24_000, in.length)).isEqualTo(in).isNotSameAs(in);
        assertThat(TimeStretch.stretch(in, 24_000, 20_000)).isEqualTo(TimeStretch.stretch(in, 24_000, 20_000));
    }

    @Test
    void refusesABadRateOrLength() {
        assertThatThrownBy(() -> TimeStretch.stretch(new float[10], 0, 5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sample rate");
        assertThatThrownBy(() -> TimeStretch.stretch(new float[10], 16_000, -1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("output length");
    }

    @Test
    void tenSecondsAt48kHz() {
        float[] in = speechLike(10 * RATE, RATE);
        TimeStretch.stretch(in, RATE, lengthAt(RATE, 1.25)); // warm up
        long best = Long.MAX_VALUE;
        for (int run = 0; run < 3; run++) {
            long t0 = System.nanoTime();
            TimeStretch.stretch(in, RATE, lengthAt(in.length, 1.25));
            best = Math.min(best, System.nanoTime() - t0);
        }
        System.out.printf(Locale.ROOT, "time stretch: 10 s of 48 kHz mono x1.25 in %.0f ms (best of 3)%n", best / 1e6);
        assertThat(best).isPositive();
    }
}
