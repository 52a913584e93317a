package io.dubstream.job.inference.voice;

import static io.dubstream.job.audio.Signals.db;
import static io.dubstream.job.audio.Signals.rms;
import static io.dubstream.job.audio.Signals.rmsDifference;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;
import static org.assertj.core.api.Assertions.withinPercentage;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.dubstream.job.audio.Signals;

class PitchShiftVoiceModelTest {

    private static final int RATE = PitchShiftVoiceModel.SAMPLE_RATE;
    private static PitchShiftVoiceModel model;

    @BeforeAll
    static void open() {
        model = new PitchShiftVoiceModel();
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void aToneComesOutFourSemitonesHigherWithTheSameLength() {
        float[] tone = Signals.tone(220, 0.5, RATE, RATE); // one second
        float[][] out = model.process(new float[][] {tone});
        assertThat(out).hasDimensions(1, RATE);
        double expected = 220 * Math.pow(2, 4 / 12.0); // 277.18 Hz
        double peak = Signals.peakFrequency(out[0], RATE, 150, 450, 0.5);
        System.out.printf("pitch shift: 220 Hz -> peak at %.1f Hz (2^(4/12) gives %.2f Hz, the hops %.2f Hz)%n", peak,
                expected, 220 * model.ratio());
        assertThat(peak).isCloseTo(expected, withinPercentage(3));
        assertThat(peak).isCloseTo(220 * model.ratio(), offset(1.0));
        // and most of the energy is that tone, at about the input's level, away from the edges
        int from = RATE / 10;
        int to = RATE - RATE / 10;
        double level = Signals.amplitudeAt(out[0], from, to, 220 * model.ratio(), RATE);
        assertThat(db(level / 0.5)).isCloseTo(0, offset(1.0));
        assertThat(Signals.amplitudeAt(out[0], from, to, 220, RATE)).isLessThan(0.01);
    }

    @Test
    void theRatioIsTheNearestTheHopsAllow() {
        assertThat(model.semitones()).isEqualTo(4.0);
        assertThat(model.ratio()).isEqualTo(323.0 / 256);
        try (PitchShiftVoiceModel down = new PitchShiftVoiceModel(-12)) {
            assertThat(down.ratio()).isEqualTo(0.5);
        }
    }

    @Test
    void everyLengthAndEveryItemOfABatchIsKept() {
        for (int n : new int[] {1, 2, 255, 1_000, 3_001}) {
            float[][] batch = {Signals.tone(300, 0.3, n, RATE), Signals.tone(500, 0.2, n, RATE)};
            float[][] out = model.process(batch);
            assertThat(out).as("n = %d", n).hasDimensions(2, n);
            for (float[] row : out) {
                for (float v : row) {
                    assertThat(Float.isFinite(v)).isTrue();
                }
            }
        }
        assertThat(model.process(new float[][] {{}, {}})).hasDimensions(2, 0);
    }

    @Test
    void aBatchGivesWhatEachSignalGivesAlone() {
        float[] a = Signals.tone(220, 0.4, 6_000, RATE);
        float[] b = Signals.linearSweep(100, 3_000, 0.3, 6_000, RATE);
        float[][] both = model.process(new float[][] {a, b});
        assertThat(rmsDifference(both[0], model.process(new float[][] {a})[0], 0, 6_000)).isLessThan(1e-5);
        assertThat(rmsDifference(both[1], model.process(new float[][] {b})[0], 0, 6_000)).isLessThan(1e-5);
    }

    @Test
    void silenceStaysSilence() {
        float[][] out = model.process(new float[][] {new float[5_000]});
        assertThat(out[0]).hasSize(5_000);
        for (float v : out[0]) {
            assertThat(v).isEqualTo(0f);
        }
    }

    @Test
    void noShiftGivesTheInputBack() {
        try (PitchShiftVoiceModel none = new PitchShiftVoiceModel(0)) {
            float[] x = Signals.linearSweep(50, 8_000, 0.5, 12_000, RATE);
            float[] y = none.process(new float[][] {x})[0];
            double errorDb = db(rmsDifference(x, y, 0, x.length) / rms(x, 0, x.length));
            assertThat(errorDb).isLessThan(-60);
        }
    }

    @Test
    void refusesShiftsBeyondAnOctave() {
        assertThatThrownBy(() -> new PitchShiftVoiceModel(12.5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("between -12 and +12 semitones");
    }
}
