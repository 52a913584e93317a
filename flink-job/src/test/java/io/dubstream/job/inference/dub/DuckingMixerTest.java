package io.dubstream.job.inference.dub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;
import static org.assertj.core.api.Assertions.within;

import io.dubstream.job.audio.Signals;
import io.dubstream.job.inference.dub.FittedLine.Outcome;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DuckingMixerTest {

    static final int RATE = 48_000;
    /** The default 50 ms ramp. */
    static final int RAMP = 2_400;
    static final DuckingMixer MIXER = new DuckingMixer(DubSettings.DEFAULTS, RATE);

    /** A line of {@code samples} at {@code start}. */
    static FittedLine line(int start, float[] samples) {
        return new FittedLine(samples, start, Outcome.FITS, 1);
    }

    static short[] noise(int frames, int channels, long seed) {
        Random random = new Random(seed);
        short[] pcm = new short[frames * channels];
        for (int i = 0; i < pcm.length; i++) {
            pcm[i] = (short) random.nextInt(-20_000, 20_000);
        }
        return pcm;
    }

    static short[] constant(int n, int value) {
        short[] pcm = new short[n];
        Arrays.fill(pcm, (short) value);
        return pcm;
    }

    @Test
    void underASilentLineTheOriginalIsTwentyDecibelsDown() {
        short[] original = constant(96_000, 20_000);
        short[] out = MIXER.mix(original, 1, List.of(line(24_000, new float[24_000])));

        for (int i = 24_000; i < 48_000; i++) {
            assertThat(out[i]).as("sample %d", i).isEqualTo((short) 2_000);
        }
        double ratio = out[30_000] / 20_000.0;
        System.out.printf(Locale.ROOT, "ducking: gain under a line %.4f (%.2f dB)%n", ratio, Signals.db(ratio));
        assertThat(Signals.db(ratio)).isCloseTo(-20, offset(0.01));
    }

    @Test
    void aSlotWithoutSpeechIsDuckedLikeALineAndNothingIsAdded() {
        short[] original = noise(96_000, 2, 7);
        short[] asLine = MIXER.mix(original, 2, List.of(line(24_000, new float[24_000])));
        short[] asSlot = MIXER.mix(original, 2, List.of(), List.of(new int[] {24_000, 48_000}));
        assertThat(asSlot).isEqualTo(asLine);
        // a slot and a longer line over it duck the union of the two, ramps at its ends
        short[] both = MIXER.mix(original, 2, List.of(line(24_000, new float[36_000])), List.of(new int[] {24_000, 48_000}));
        assertThat(both).isEqualTo(MIXER.mix(original, 2, List.of(line(24_000, new float[36_000]))));
        assertThat(Arrays.copyOfRange(both, 2 * (60_000 + RAMP), both.length))
                .isEqualTo(Arrays.copyOfRange(original, 2 * (60_000 + RAMP), original.length));
    }

    @Test
    void theRampsAreMonotonicAndOfTheSetLengthAndTheRestIsUntouched() {
        short[] original = constant(96_000, 20_000);
        short[] out = MIXER.mix(original, 1, List.of(line(24_000, new float[24_000])));

        // Down: 2 400 samples on a raised cosine from full level to the ducked one, falling.
        assertThat(out[24_000 - RAMP - 1]).isEqualTo((short) 20_000);
        for (int j = 0; j < RAMP; j++) {
            int i = 24_000 - RAMP + j;
            double gain = 1 - 0.9 * (0.5 - 0.5 * Math.cos(Math.PI * (j + 1) / (RAMP + 1)));
            assertThat(out[i]).as("sample %d", i).isEqualTo((short) Math.round(20_000 * gain))
                    .isLessThanOrEqualTo(out[i - 1]);
        }
        assertThat((int) out[24_000 - RAMP / 2]).isCloseTo(11_000, within(20));
        assertThat(out[24_000]).isEqualTo((short) 2_000);
        // Up: the mirror image after the line's end.
        for (int d = 0; d < RAMP; d++) {
            int i = 48_000 + d;
            assertThat(out[i]).as("sample %d", i).isGreaterThanOrEqualTo(out[i - 1]).isEqualTo(out[24_000 - 1 - d]);
        }
        assertThat(out[48_000 + RAMP]).isEqualTo((short) 20_000);
    }

    @Test
    void outsideTheDuckedRangesTheOriginalIsBitIdentical() {
        short[] original = noise(96_000, 2, 11);
        short[] copy = original.clone();
        float[] dub = Signals.tone(300, 0.4, 12_000, RATE);
        List<FittedLine> lines = List.of(line(10_000, dub), line(60_000, dub));
        short[] out = MIXER.mix(original, 2, lines);

        assertThat(original).as("the original is not changed").isEqualTo(copy);
        int changedInside = 0;
        for (int frame = 0; frame < 96_000; frame++) {
            boolean ducked = (frame >= 10_000 - RAMP && frame < 22_000 + RAMP)
                    || (frame >= 60_000 - RAMP && frame < 72_000 + RAMP);
            for (int c = 0; c < 2; c++) {
                int k = frame * 2 + c;
                if (!ducked) {
                    assertThat(out[k]).as("frame %d channel %d", frame, c).isEqualTo(original[k]);
                } else if (out[k] != original[k]) {
                    changedInside++;
                }
            }
        }
        assertThat(changedInside).isGreaterThan(2 * 2 * (12_000 + 2 * RAMP) * 9 / 10);
    }

    @Test
    void stereoGetsTheDubInBothChannelsOverItsDuckedOriginal() {
        short[] original = new short[2 * 48_000];
        for (int i = 0; i < 48_000; i++) {
            original[2 * i] = 10_000;
            original[2 * i + 1] = -6_000;
        }
        float[] dub = Signals.tone(440, 0.25, 9_600, RATE);
        short[] out = MIXER.mix(original, 2, List.of(line(20_000, dub)));

        for (int i = 0; i < dub.length; i++) {
            int frame = 20_000 + i;
            assertThat(out[2 * frame]).isEqualTo((short) Math.round(1_000 + dub[i] * 32768.0));
            assertThat(out[2 * frame + 1]).isEqualTo((short) Math.round(-600 + dub[i] * 32768.0));
        }
        // Over silence the dub comes out as it went in, in both channels.
        short[] overSilence = MIXER.mix(new short[2 * 48_000], 2, List.of(line(20_000, dub)));
        for (int i = 0; i < dub.length; i++) {
            assertThat(overSilence[2 * (20_000 + i)]).isEqualTo(overSilence[2 * (20_000 + i) + 1])
                    .isEqualTo((short) Math.round(dub[i] * 32768.0));
        }
    }

    @Test
    void theMixIsClippedToS16() {
        float[] loud = new float[100];
        Arrays.fill(loud, 0.99f);
        float[] quiet = new float[100];
        Arrays.fill(quiet, -0.99f);
        short[] up = MIXER.mix(constant(10_000, 32_000), 1, List.of(line(5_000, loud)));
        short[] down = MIXER.mix(constant(10_000, -32_000), 1, List.of(line(5_000, quiet)));

        assertThat(up[5_050]).isEqualTo(Short.MAX_VALUE);
        assertThat(down[5_050]).isEqualTo(Short.MIN_VALUE);
    }

    @Test
    void linesAndRampsReachingPastTheChunkAreCutAtItsEdges() {
        short[] original = constant(10_000, 8_000);
        short[] out = MIXER.mix(original, 1, List.of(line(-500, new float[1_000]), line(9_500, new float[1_000])));

        assertThat(out).hasSize(10_000);
        assertThat(out[0]).isEqualTo((short) 800);
        assertThat(out[499]).isEqualTo((short) 800);
        assertThat((int) out[500 + RAMP / 2]).isCloseTo(4_400, within(20));
        assertThat(out[500 + RAMP]).isEqualTo((short) 8_000);
        assertThat(out[9_500]).isEqualTo((short) 800);
        assertThat(out[9_999]).isEqualTo((short) 800);
        assertThat(out[5_000]).isEqualTo((short) 8_000);
    }

    @Test
    void nearbyLinesDoNotDuckTwice() {
        short[] original = constant(48_000, 20_000);
        short[] out = MIXER.mix(original, 1, List.of(line(10_000, new float[5_000]), line(16_000, new float[5_000])));

        for (int i = 10_000 - RAMP; i < 21_000 + RAMP; i++) {
            boolean under = i >= 10_000 && i < 15_000 || i >= 16_000 && i < 21_000;
            if (under) {
                assertThat(out[i]).as("sample %d", i).isEqualTo((short) 2_000);
            } else {
                assertThat(out[i]).as("sample %d", i).isBetween((short) 2_000, (short) 20_000);
            }
        }
        // In the gap each line's ramp has come part of the way back: the lower gain of the two holds.
        assertThat(out[15_500]).isBetween((short) 2_000, (short) 5_000);
    }

    @Test
    void refusesABadLayout() {
        assertThatThrownBy(() -> MIXER.mix(new short[3], 2, List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2 channels");
        assertThatThrownBy(() -> MIXER.mix(new short[4], 0, List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("channel count");
    }
}
