package io.dubstream.job.inference.voice;

import static io.dubstream.job.audio.Signals.db;
import static io.dubstream.job.audio.Signals.rms;
import static io.dubstream.job.audio.Signals.rmsDifference;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.withinPercentage;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.dubstream.job.audio.Signals;

class VoiceStageTest {

    @Test
    void everyLengthComesBackExactlyThroughTheModelRate() {
        TestingVoiceModel model = TestingVoiceModel.gain(24_000, 1);
        try (VoiceStage stage = new VoiceStage(model)) {
            for (int rate : new int[] {16_000, 44_100, 48_000, 8_000}) {
                for (int channels : new int[] {1, 2}) {
                    for (int n : new int[] {1, 2, 3, 7, 160, 161, 1_001}) {
                        short[] in = s16(Signals.tone(440, 0.3, n * channels, rate));
                        short[] out = stage.process(in, rate, channels);
                        assertThat(out).as("%d samples x %d channels at %d Hz", n, channels, rate).hasSize(in.length);
                        int atModelRate = (int) Math.ceil((double) n * 24_000 / rate - 1e-9);
                        assertThat(model.lastLength).as("%d samples at %d Hz", n, rate).isEqualTo(atModelRate);
                    }
                }
            }
        }
        assertThat(model.closed).as("the stage closes its model").isTrue();
    }

    @Test
    void theIdentityModelGivesA16kHzSweepBack() {
        int n = 16_000;
        float[] sweep = Signals.linearSweep(20, 7_900, 0.5, n, 16_000);
        short[] in = s16(sweep);
        try (VoiceStage stage = new VoiceStage(VoiceModels.open("voice-identity"))) {
            short[] out = stage.process(in, 16_000, 1);
            assertThat(out).hasSize(n);
            float[] x = toFloat(in);
            float[] y = toFloat(out);
            double errorDb = db(rmsDifference(x, y, 20, n - 20) / rms(x, 20, n - 20));
            System.out.printf("voice stage: voice-identity, 16 kHz sweep via 24 kHz, RMS error %.1f dB%n", errorDb);
            assertThat(errorDb).isLessThan(-40);
            // away from the edges no more than s16 rounding
            for (int i = 500; i < n - 500; i++) {
                assertThat(Math.abs(out[i] - in[i])).as("sample %d", i).isLessThanOrEqualTo(1);
            }
        }
    }

    @Test
    void atTheModelRateNothingIsResampledAndEachChannelKeepsItsOwnSound() {
        try (VoiceStage stage = new VoiceStage(VoiceModels.open("voice-identity"))) {
            short[] mono = {0, 1, -1, 32_767, -32_768, 12_345};
            assertThat(stage.process(mono, 24_000, 1)).containsExactly(mono);
            short[] stereo = {100, -300, 1_000, 3_001, 32_767, 32_767, -32_768, -32_768, 5, 6};
            assertThat(stage.process(stereo, 24_000, 2)).containsExactly(stereo);
            short[] surround = {1, 2, 3, 4, 5, 6, -1, -2, -3, -4, -5, -6};
            assertThat(stage.process(surround, 24_000, 6)).containsExactly(surround);
        }
    }

    @Test
    void eachChannelIsARowOfTheModelsBatch() {
        // a model that keeps row 0 and silences the others: only the left channel survives
        TestingVoiceModel firstRowOnly = new TestingVoiceModel(24_000, batch -> {
            float[][] out = new float[batch.length][batch[0].length];
            out[0] = batch[0].clone();
            return out;
        });
        try (VoiceStage stage = new VoiceStage(firstRowOnly)) {
            assertThat(stage.process(new short[] {100, 200, -300, 400}, 24_000, 2)).containsExactly(100, 0, -300, 0);
            assertThat(firstRowOnly.lastBatchSize).isEqualTo(2);
            assertThat(firstRowOnly.lastLength).isEqualTo(2);
        }
    }

    /**
     * 48 kHz stereo through {@code voice-identity} (24 kHz) comes back 48 kHz stereo of the same length,
     * each channel its own signal within s16 rounding away from the edges.
     */
    @Test
    void theIdentityModelGives48kHzStereoBack() {
        int n = 48_000;
        short[] left = s16(Signals.linearSweep(20, 11_000, 0.5, n, 48_000));
        short[] right = s16(Signals.tone(1_000, 0.3, n, 48_000));
        short[] in = new short[2 * n];
        for (int i = 0; i < n; i++) {
            in[2 * i] = left[i];
            in[2 * i + 1] = right[i];
        }
        try (VoiceStage stage = new VoiceStage(VoiceModels.open("voice-identity"))) {
            short[] out = stage.process(in, 48_000, 2);

            assertThat(out).hasSize(in.length);
            for (int c = 0; c < 2; c++) {
                float[] x = new float[n];
                float[] y = new float[n];
                int worst = 0;
                for (int i = 0; i < n; i++) {
                    x[i] = in[2 * i + c] / 32768f;
                    y[i] = out[2 * i + c] / 32768f;
                    if (i >= 500 && i < n - 500) {
                        worst = Math.max(worst, Math.abs(out[2 * i + c] - in[2 * i + c]));
                    }
                }
                double errorDb = db(rmsDifference(x, y, 20, n - 20) / rms(x, 20, n - 20));
                System.out.printf("voice stage: voice-identity, 48 kHz stereo via 24 kHz, channel %d: RMS error %.1f dB,"
                        + " at most %d LSB away from the edges%n", c, errorDb, worst);
                assertThat(errorDb).isLessThan(-40);
                // away from the edges no more than s16 rounding
                assertThat(worst).as("channel %d", c).isLessThanOrEqualTo(1);
            }
        }
    }

    @Test
    void theOutputIsRoundedAndClipped() {
        TestingVoiceModel loud = TestingVoiceModel.gain(16_000, 2);
        try (VoiceStage stage = new VoiceStage(loud)) {
            assertThat(stage.process(new short[] {100, -100, 20_000, -20_000, 16_384, -16_384}, 16_000, 1))
                    .containsExactly(200, -200, 32_767, -32_768, 32_767, -32_768);
        }
        TestingVoiceModel third = TestingVoiceModel.gain(16_000, 1f / 3);
        try (VoiceStage stage = new VoiceStage(third)) {
            // 10 / 3 = 3.33 -> 3; 20 / 3 = 6.67 -> 7; -20 / 3 = -6.67 -> -7
            assertThat(stage.process(new short[] {10, 20, -20}, 16_000, 1)).containsExactly(3, 7, -7);
        }
    }

    @Test
    void thePitchShiftIsHeardThroughTheStage() {
        int n = 16_000;
        short[] in = s16(Signals.tone(220, 0.5, n, 16_000));
        try (VoiceStage stage = new VoiceStage(VoiceModels.open("voice-pitch-shift"))) {
            short[] out = stage.process(in, 16_000, 1);
            assertThat(out).hasSize(n);
            double peak = Signals.peakFrequency(toFloat(out), 16_000, 150, 450, 0.5);
            assertThat(peak).isCloseTo(220 * Math.pow(2, 4 / 12.0), withinPercentage(3));
        }
    }

    @Test
    void aBatchOfChunksIsOneModelCallPaddedToTheLongest() {
        TestingVoiceModel model = TestingVoiceModel.gain(24_000, 0.5f);
        short[] a = s16(Signals.tone(300, 0.5, 16_000, 16_000));
        short[] b = s16(Signals.tone(700, 0.5, 8_001, 16_000));
        short[] empty = {};
        try (VoiceStage stage = new VoiceStage(model)) {
            List<short[]> out = stage.process(List.of(a, empty, b), 16_000, 1);
            assertThat(model.calls).isEqualTo(1);
            assertThat(model.lastBatchSize).as("the empty chunk is not sent").isEqualTo(2);
            assertThat(model.lastLength).isEqualTo(24_000);
            assertThat(out).hasSize(3);
            assertThat(out.get(0)).hasSize(16_000);
            assertThat(out.get(1)).isEmpty();
            assertThat(out.get(2)).hasSize(8_001);
            // a per-sample model gives each chunk what it gives it alone
            assertThat(out.get(0)).containsExactly(stage.process(a, 16_000, 1));
            assertThat(out.get(2)).containsExactly(stage.process(b, 16_000, 1));
        }
    }

    @Test
    void aBatchThroughTheTorchScriptFixtureEqualsEachChunkAlone() throws Exception {
        short[] a = s16(Signals.linearSweep(50, 7_000, 0.5, 4_000, 16_000));
        short[] b = s16(Signals.tone(1_000, 0.4, 2_999, 16_000));
        try (VoiceStage stage = new VoiceStage(
                VoiceModels.open(VoiceFixtureModelTest.model("voice-fixture.pt").toString()))) {
            List<short[]> both = stage.process(List.of(a, b), 16_000, 1);
            short[] aloneA = stage.process(a, 16_000, 1);
            short[] aloneB = stage.process(b, 16_000, 1);
            // the fixture's FIR sees zeros past the end either way: equal up to float rounding
            for (int i = 0; i < a.length; i++) {
                assertThat(Math.abs(both.get(0)[i] - aloneA[i])).isLessThanOrEqualTo(1);
            }
            for (int i = 0; i < b.length; i++) {
                assertThat(Math.abs(both.get(1)[i] - aloneB[i])).isLessThanOrEqualTo(1);
            }
            // gain 0.8 on a 1 kHz tone (well inside the 6 kHz pass band)
            double level = Signals.amplitudeAt(toFloat(aloneB), 500, 2_500, 1_000, 16_000);
            assertThat(level).isCloseTo(0.4 * 0.8, withinPercentage(1));
        }
    }

    @Test
    void emptyAudioGivesEmptyAudioWithoutTheModel() {
        TestingVoiceModel model = TestingVoiceModel.gain(24_000, 1);
        try (VoiceStage stage = new VoiceStage(model)) {
            assertThat(stage.process(new short[0], 16_000, 2)).isEmpty();
            assertThat(stage.process(List.of(), 16_000, 1)).isEmpty();
            assertThat(model.calls).isZero();
        }
    }

    @Test
    void aFailingModelFailsTheCallNamingIt() {
        TestingVoiceModel throwing = new TestingVoiceModel(24_000, batch -> {
            throw new IllegalStateException("out of memory");
        });
        try (VoiceStage stage = new VoiceStage(throwing)) {
            assertThatThrownBy(() -> stage.process(new short[160], 16_000, 1))
                    .isInstanceOf(VoiceModelException.class)
                    .hasMessage("voice model testing-voice failed on a batch of 1 x 240 samples at 24000 Hz: out of memory")
                    .hasCauseInstanceOf(IllegalStateException.class);
        }
        TestingVoiceModel nan = new TestingVoiceModel(24_000, batch -> {
            float[][] out = new float[batch.length][batch[0].length];
            out[0][7] = Float.NaN;
            return out;
        });
        try (VoiceStage stage = new VoiceStage(nan)) {
            assertThatThrownBy(() -> stage.process(new short[160], 16_000, 1))
                    .isInstanceOf(VoiceModelException.class)
                    .hasMessage("voice model testing-voice returned a non-finite value (NaN) at sample 7 of signal 0");
        }
        TestingVoiceModel shorter = new TestingVoiceModel(24_000, batch -> new float[][] {new float[batch[0].length - 1]});
        try (VoiceStage stage = new VoiceStage(shorter)) {
            assertThatThrownBy(() -> stage.process(new short[160], 16_000, 1))
                    .isInstanceOf(VoiceModelException.class)
                    .hasMessage("voice model testing-voice returned 239 samples for signal 0 of 240 "
                            + "(it must keep the shape 1 x 240)");
        }
        TestingVoiceModel fewer = new TestingVoiceModel(24_000, batch -> new float[0][]);
        try (VoiceStage stage = new VoiceStage(fewer)) {
            assertThatThrownBy(() -> stage.process(new short[160], 16_000, 1))
                    .isInstanceOf(VoiceModelException.class)
                    .hasMessage("voice model testing-voice returned 0 signals for a batch of 1 (it must keep the shape 1 x 240)");
        }
    }

    @Test
    void aTorchScriptModelThatBreaksTheContractFailsTheCallNamingIt() throws Exception {
        String path = VoiceFixtureModelTest.model("voice-broken-nan.pt").toString();
        try (VoiceStage stage = new VoiceStage(VoiceModels.open(path))) {
            assertThatThrownBy(() -> stage.process(new short[160], 16_000, 1))
                    .isInstanceOf(VoiceModelException.class)
                    .hasMessageStartingWith("voice model " + path + " returned a non-finite value");
        }
    }

    @Test
    void refusesAudioThatDoesNotFitItsLayout() {
        try (VoiceStage stage = new VoiceStage(TestingVoiceModel.gain(24_000, 1))) {
            assertThatThrownBy(() -> stage.process(new short[3], 16_000, 2))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("chunk 0 of the batch has 3 values, not a multiple of its 2 channels");
            assertThatThrownBy(() -> stage.process(new short[2], 0, 1)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> stage.process(new short[2], 16_000, 0)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    static short[] s16(float[] x) {
        short[] s = new short[x.length];
        for (int i = 0; i < x.length; i++) {
            s[i] = (short) Math.round(x[i] * 32767.0);
        }
        return s;
    }

    static float[] toFloat(short[] s) {
        float[] x = new float[s.length];
        for (int i = 0; i < s.length; i++) {
            x[i] = s[i] / 32768f;
        }
        return x;
    }
}
