package io.dubstream.job.inference.dub;

import static io.dubstream.job.audio.Signals.autocorrelationPitch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import io.dubstream.job.audio.Signals;
import io.dubstream.job.inference.dub.FittedLine.Outcome;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SlotFitterTest {

    static final int RATE = 48_000;
    /** The default margin before the next line, 100 ms. */
    static final int MARGIN = 4_800;
    static final SlotFitter FITTER = new SlotFitter(DubSettings.DEFAULTS, RATE);

    /** A line's slot: one second from 1 s. */
    static final int SLOT_START = 48_000;
    static final int SLOT_END = 96_000;

    static float[] speech(double seconds) {
        return TimeStretchTest.speechLike((int) Math.round(seconds * RATE), RATE);
    }

    @Test
    void aLineThatFitsIsPlacedAtTheSlotStartUnchanged() {
        float[] speech = speech(0.5);
        FittedLine line = FITTER.fit(speech, SLOT_START, SLOT_END, 200_000);

        assertThat(line.outcome()).isEqualTo(Outcome.FITS);
        assertThat(line.start()).isEqualTo(SLOT_START);
        assertThat(line.end()).isEqualTo(SLOT_START + 24_000);
        assertThat(line.samples()).isEqualTo(speech).isNotSameAs(speech);
        assertThat(line.speed()).isEqualTo(1);
    }

    @Test
    void aLineAsLongAsItsSlotFitsWhenTheNextLineKeepsItsMargin() {
        assertThat(FITTER.fit(speech(1.0), SLOT_START, SLOT_END, SLOT_END + MARGIN).outcome()).isEqualTo(Outcome.FITS);
        // A next line right at the slot's end takes the margin out of the slot.
        FittedLine line = FITTER.fit(speech(1.0), SLOT_START, SLOT_END, SLOT_END);
        assertThat(line.outcome()).isEqualTo(Outcome.STRETCHED);
        assertThat(line.end()).isEqualTo(SLOT_END - MARGIN);
    }

    @Test
    void aLongerLineTakesTheSilenceAfterItsSlotUnchanged() {
        float[] speech = speech(1.2); // 57 600 samples; room up to 120 000 - 4 800
        FittedLine line = FITTER.fit(speech, SLOT_START, SLOT_END, 120_000);

        assertThat(line.outcome()).isEqualTo(Outcome.EXTENDED);
        assertThat(line.start()).isEqualTo(SLOT_START);
        assertThat(line.end()).isEqualTo(SLOT_START + 57_600);
        assertThat(line.samples()).isEqualTo(speech);
        assertThat(line.speed()).isEqualTo(1);
    }

    @Test
    void aLineTooLongForTheExtendedSlotIsSpedUpToEndAtTheNextLineLessTheMargin() {
        float[] speech = speech(1.2); // 57 600 samples into a room of 50 000: x1.152
        int nextStart = SLOT_START + 50_000 + MARGIN;
        FittedLine line = FITTER.fit(speech, SLOT_START, SLOT_END, nextStart);

        assertThat(line.outcome()).isEqualTo(Outcome.STRETCHED);
        assertThat(line.start()).isEqualTo(SLOT_START);
        assertThat(line.end()).isEqualTo(nextStart - MARGIN);
        assertThat(line.speed()).isCloseTo(1.152, offset(1e-9));
        assertThat(line.samples()).isEqualTo(TimeStretch.stretch(speech, RATE, 50_000));
        double pitch = autocorrelationPitch(line.samples(), 2_400, 47_600, RATE, 70, 600);
        System.out.printf(Locale.ROOT, "slot fitting: a line sped up x%.3f keeps its 150 Hz voice at %.2f Hz%n",
                line.speed(), pitch);
        assertThat(pitch).isCloseTo(150, offset(3.0));
    }

    @Test
    void aLineTooLongEvenAtTheMaximumSpeedIsCutWithAFadeOut() {
        float[] speech = speech(2.0); // 96 000 samples: 76 800 at x1.25, room 43 200
        FittedLine line = FITTER.fit(speech, SLOT_START, SLOT_END, SLOT_END);

        assertThat(line.outcome()).isEqualTo(Outcome.CUT);
        assertThat(line.start()).isEqualTo(SLOT_START);
        assertThat(line.end()).isEqualTo(SLOT_END - MARGIN);
        assertThat(line.speed()).isEqualTo(1.25);
        float[] fast = TimeStretch.stretch(speech, RATE, 76_800);
        int fade = 720; // 15 ms
        int fadeStart = 43_200 - fade;
        assertThat(Arrays.copyOf(line.samples(), fadeStart)).isEqualTo(Arrays.copyOf(fast, fadeStart));
        for (int i = fadeStart; i < 43_200; i++) {
            float gain = (float) (43_199 - i) / fade;
            assertThat(line.samples()[i]).as("sample %d", i).isEqualTo(fast[i] * gain);
        }
        assertThat(line.samples()[43_199]).isZero();
    }

    @Test
    void anOuterBoundEndsTheLineBeforeTheNextLineWouldAndInsideItsSlot() {
        // the bound at 110 000 comes before the next line less the margin (115 200): room 62 000
        FittedLine extended = FITTER.fit(speech(1.2), SLOT_START, SLOT_END, SLOT_END + 24_000, 110_000);
        assertThat(extended.end()).isEqualTo(SLOT_START + 57_600);
        assertThat(extended.outcome()).isEqualTo(Outcome.EXTENDED);
        FittedLine stretched = FITTER.fit(speech(1.4), SLOT_START, SLOT_END, SLOT_END + 24_000, 110_000);
        assertThat(stretched.outcome()).isEqualTo(Outcome.STRETCHED);
        assertThat(stretched.end()).isEqualTo(110_000);
        // inside the slot, and at its start: nothing left of the line
        FittedLine inside = FITTER.fit(speech(1.0), SLOT_START, SLOT_END, SLOT_END + 24_000, SLOT_START + 10_000);
        assertThat(inside.outcome()).isEqualTo(Outcome.CUT);
        assertThat(inside.end()).isEqualTo(SLOT_START + 10_000);
        assertThat(FITTER.fit(speech(1.0), SLOT_START, SLOT_END, SLOT_END + 24_000, SLOT_START - 5).samples()).isEmpty();
    }

    @Test
    void aNextLineInsideTheSlotShortensIt() {
        int nextStart = 72_000; // room to 67 200: 19 200 samples
        assertThat(FITTER.fit(speech(0.3), SLOT_START, SLOT_END, nextStart).outcome()).isEqualTo(Outcome.FITS);
        FittedLine atTheMaximum = FITTER.fit(speech(0.5), SLOT_START, SLOT_END, nextStart);
        assertThat(atTheMaximum.outcome()).isEqualTo(Outcome.STRETCHED);
        assertThat(atTheMaximum.speed()).isEqualTo(1.25);
        assertThat(atTheMaximum.end()).isEqualTo(67_200);
        FittedLine beyond = FITTER.fit(speech(0.51), SLOT_START, SLOT_END, nextStart);
        assertThat(beyond.outcome()).isEqualTo(Outcome.CUT);
        assertThat(beyond.end()).isEqualTo(67_200);
    }

    @Test
    void aNextLineWithinTheMarginOfTheSlotStartLeavesNoRoom() {
        FittedLine line = FITTER.fit(speech(0.2), SLOT_START, SLOT_END, SLOT_START + 1_000);

        assertThat(line.outcome()).isEqualTo(Outcome.CUT);
        assertThat(line.start()).isEqualTo(SLOT_START);
        assertThat(line.samples()).isEmpty();
        assertThat(FITTER.fit(new float[0], SLOT_START, SLOT_END, SLOT_START).outcome()).isEqualTo(Outcome.FITS);
    }

    @Test
    void neverStartsBeforeItsSlotNorRunsIntoTheNextLinesMargin() {
        int rate = 16_000;
        SlotFitter fitter = new SlotFitter(DubSettings.DEFAULTS, rate);
        int margin = 1_600;
        Random random = new Random(7);
        int[] counts = new int[Outcome.values().length];
        for (int trial = 0; trial < 400; trial++) {
            int slotStart = random.nextInt(32_000);
            int slotEnd = slotStart + 1 + random.nextInt(24_000);
            int nextStart = slotStart + random.nextInt(40_000);
            float[] speech = Signals.tone(200, 0.3, random.nextInt(32_000), rate);
            FittedLine line = fitter.fit(speech, slotStart, slotEnd, nextStart);

            String what = String.format(Locale.ROOT, "%d samples into [%d, %d), next at %d: %s", speech.length,
                    slotStart, slotEnd, nextStart, line.outcome());
            int hardEnd = Math.max(slotStart, nextStart - margin);
            assertThat(line.start()).as(what).isEqualTo(slotStart);
            assertThat(line.end()).as(what).isLessThanOrEqualTo(hardEnd);
            assertThat(line.speed()).as(what).isBetween(1.0, 1.25);
            switch (line.outcome()) {
                case FITS -> assertThat(line.end()).as(what).isLessThanOrEqualTo(Math.min(slotEnd, hardEnd))
                        .isEqualTo(slotStart + speech.length);
                case EXTENDED -> assertThat(line.end()).as(what).isGreaterThan(slotEnd)
                        .isEqualTo(slotStart + speech.length);
                case STRETCHED -> assertThat(line.end()).as(what).isEqualTo(hardEnd);
                case CUT -> {
                    assertThat(line.end()).as(what).isEqualTo(hardEnd);
                    assertThat(speech.length).as(what).isGreaterThan((int) ((hardEnd - slotStart) * 1.25));
                }
            }
            counts[line.outcome().ordinal()]++;
        }
        assertThat(counts).as("every outcome is exercised").doesNotContain(0);
    }

    @Test
    void refusesASlotThatEndsBeforeItStartsOrANextLineBeforeIt() {
        assertThatThrownBy(() -> FITTER.fit(new float[10], 100, 100, 200))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("slot must end after its start");
        assertThatThrownBy(() -> FITTER.fit(new float[10], 100, 200, 99))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("before this line's slot");
        assertThatThrownBy(() -> new SlotFitter(DubSettings.DEFAULTS, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sample rate");
    }
}
