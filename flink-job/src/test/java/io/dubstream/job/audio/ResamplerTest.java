package io.dubstream.job.audio;

import static io.dubstream.job.audio.Signals.amplitudeAt;
import static io.dubstream.job.audio.Signals.db;
import static io.dubstream.job.audio.Signals.rms;
import static io.dubstream.job.audio.Signals.rmsDifference;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ResamplerTest {

    private static final Resampler UP = new Resampler(16_000, 24_000);
    private static final Resampler DOWN = new Resampler(24_000, 16_000);

    @ParameterizedTest
    @CsvSource({"16000, 24000", "24000, 16000", "44100, 24000", "48000, 24000", "22050, 24000", "8000, 24000",
            "16000, 16000"})
    void outputLengthIsTheCeilingOfNTimesTheRatio(int in, int out) {
        Resampler r = new Resampler(in, out);
        int[] lengths = {0, 1, 2, 3, 4, 5, 7, 11, 13, 100, 101, 147, 148, 159, 160, 161, 999, 1001, 16_000, 16_001};
        for (int n : lengths) {
            long expected = (long) Math.ceil((double) n * out / in - 1e-9);
            assertThat(r.outputLength(n)).as("%d samples %d -> %d", n, in, out).isEqualTo(expected);
            assertThat(r.resample(new float[n])).as("%d samples %d -> %d", n, in, out).hasSize((int) expected);
        }
    }

    @Test
    void knownLengthsAtTheVoiceRates() {
        assertThat(UP.outputLength(0)).isZero();
        assertThat(UP.outputLength(1)).isEqualTo(2);
        assertThat(UP.outputLength(2)).isEqualTo(3);
        assertThat(UP.outputLength(3)).isEqualTo(5);
        assertThat(UP.outputLength(16_000)).isEqualTo(24_000);
        assertThat(DOWN.outputLength(1)).isEqualTo(1);
        assertThat(DOWN.outputLength(4)).isEqualTo(3);
        assertThat(DOWN.outputLength(5)).isEqualTo(4);
        // a round trip of an odd length is one sample longer; of an even one exact
        assertThat(DOWN.outputLength(UP.outputLength(16_001))).isEqualTo(16_002);
        assertThat(DOWN.outputLength(UP.outputLength(16_000))).isEqualTo(16_000);
    }

    @Test
    void anImpulseStaysAtTheSameTime() {
        float[] x = new float[2_000];
        x[1_000] = 1;
        float[] up = UP.resample(x);
        assertThat(argMax(up)).isEqualTo(1_500);
        assertThat(up[1_500]).isCloseTo(1f, offset(1e-3f));
        float[] back = DOWN.resample(up);
        assertThat(argMax(back)).isEqualTo(1_000);
        // an impulse between two output positions: 24k sample 1 is at 16k position 2/3
        float[] odd = new float[2_001];
        odd[1_001] = 1;
        float[] oddUp = UP.resample(odd);
        assertThat(oddUp[1_501]).as("24k sample 1501 is 16k position 1000.67").isCloseTo(oddUp[1_502], offset(0.02f));
    }

    @Test
    void aSweepSurvivesTheRoundTripTo24kHzAndBack() {
        int n = 16_000;
        float[] sweep = Signals.linearSweep(20, 7_900, 0.5, n, 16_000);
        float[] back = DOWN.resample(UP.resample(sweep));
        assertThat(back).hasSize(n);
        int edge = 20;
        double errorDb = db(rmsDifference(back, sweep, edge, n - edge) / rms(sweep, edge, n - edge));
        System.out.printf("resampler: 20 Hz..7.9 kHz sweep 16k -> 24k -> 16k, RMS error %.1f dB%n", errorDb);
        assertThat(errorDb).isLessThan(-40);
    }

    @Test
    void aToneAbove8kHzIsRemovedWhenGoingDownTo16kHz() {
        int n = 24_000;
        float[] tone = Signals.fade(Signals.tone(10_000, 0.5, n, 24_000), 480);
        float[] down = DOWN.resample(tone);
        double attenuationDb = db(rms(tone, 0, n) / rms(down, 0, down.length));
        double aliasDb = db(amplitudeAt(tone, 480, n - 480, 10_000, 24_000)
                / amplitudeAt(down, 320, down.length - 320, 6_000, 16_000));
        System.out.printf("resampler: 10 kHz at 24k -> 16k attenuated by %.1f dB (its 6 kHz alias by %.1f dB)%n",
                attenuationDb, aliasDb);
        assertThat(attenuationDb).isGreaterThan(50);
        assertThat(aliasDb).isGreaterThan(50);
    }

    @ParameterizedTest
    @CsvSource({"16000, 24000", "24000, 16000", "44100, 24000", "24000, 48000"})
    void aOneKilohertzToneKeepsItsFrequencyAndAmplitude(int in, int out) {
        float[] tone = Signals.tone(1_000, 0.5, in, in); // one second
        float[] y = new Resampler(in, out).resample(tone);
        assertThat(y).hasSize(out);
        // the middle 0.8 s: whole periods, away from the edges
        int from = out / 10;
        int to = out - out / 10;
        double frequency = Signals.zeroCrossingFrequency(y, from, to, out);
        double gainDb = db(amplitudeAt(y, from, to, 1_000, out) / 0.5);
        System.out.printf("resampler: 1 kHz tone %d -> %d Hz: %.4f Hz, gain %.4f dB%n", in, out, frequency, gainDb);
        assertThat(frequency).isCloseTo(1_000, offset(0.05));
        assertThat(gainDb).isCloseTo(0, offset(0.1));
        // and it is where the input's tone was: output sample k is at input time k / out
        float[] expected = Signals.tone(1_000, 0.5, out, out);
        assertThat(rmsDifference(y, expected, from, to)).isLessThan(0.5 * 1e-3);
    }

    @Test
    void equalRatesCopy() {
        float[] x = {0.1f, -0.2f, 0.3f};
        assertThat(new Resampler(16_000, 16_000).resample(x)).containsExactly(0.1f, -0.2f, 0.3f);
    }

    @Test
    void refusesBadSettings() {
        assertThatThrownBy(() -> new Resampler(0, 16_000)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("positive");
        assertThatThrownBy(() -> new Resampler(16_000, 24_000, 0, 80)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Resampler(16_000, 24_000, 0.03, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> UP.outputLength(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    private static int argMax(float[] x) {
        int best = 0;
        for (int i = 1; i < x.length; i++) {
            if (x[i] > x[best]) {
                best = i;
            }
        }
        return best;
    }

    /**
     * A part of a signal resampled on the whole signal's output grid: every output whose filter lies in
     * the part equals the whole signal's bit for bit, wherever the part starts (44.1 kHz to 16 kHz lines
     * up only every 441 input samples).
     */
    @ParameterizedTest(name = "{0} -> {1} Hz from sample {2}")
    @CsvSource({"44100, 16000, 12347", "48000, 16000, 7001", "16000, 24000, 999", "44100, 16000, 0"})
    void aPartResampledOnTheWholeSignalsGridEqualsItBitForBit(int in, int out, int from) {
        Resampler r = new Resampler(in, out);
        float[] whole = new float[3 * in];
        java.util.Random random = new java.util.Random(7);
        for (int i = 0; i < whole.length; i++) {
            whole[i] = (float) (0.3 * Math.sin(2 * Math.PI * 440 * i / in) + 0.1 * random.nextGaussian());
        }
        float[] wholeOut = r.resample(whole);
        int length = in;
        float[] part = r.resample(java.util.Arrays.copyOfRange(whole, from, from + length), from);
        long first = r.firstOutput(from);
        assertThat(part).hasSize((int) (r.firstOutput(from + length) - first));
        // the output grid: the first output lies at or after the part's first input
        assertThat(first * in).isGreaterThanOrEqualTo((long) from * out);
        assertThat((first - 1) * in).isLessThan((long) from * out);
        int margin = (int) Math.ceil((double) r.halfWidth() * out / in) + 1;
        for (int k = 0; k < part.length; k++) {
            if (from == 0 ? k < part.length - margin : k >= margin && k < part.length - margin) {
                assertThat(part[k]).as("output %d", first + k).isEqualTo(wholeOut[(int) (first + k)]);
            }
        }
    }
}
