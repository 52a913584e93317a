package io.dubstream.job.merge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CrossfadeTest {

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 50, 60, 32_000})
    void weightsAreComplementaryMonotonicAndSymmetric(int n) {
        double previous = 0;
        for (int j = 0; j < n; j++) {
            double w = Crossfade.weight(j, n);
            assertThat(w).isStrictlyBetween(0.0, 1.0);
            assertThat(w + (1 - w)).isEqualTo(1.0);
            assertThat(w).isGreaterThan(previous);
            assertThat(w + Crossfade.weight(n - 1 - j, n)).isCloseTo(1.0, offset(1e-12));
            previous = w;
        }
    }

    @Test
    void weightIsTheRaisedCosineAtTheMiddleOfEachPosition() {
        assertThat(Crossfade.weight(0, 1)).isCloseTo(0.5, offset(1e-15));
        assertThat(Crossfade.weight(0, 2)).isCloseTo(0.1464466094, offset(1e-10)); // (1 - cos 45°) / 2
        assertThat(Crossfade.weight(1, 2)).isCloseTo(0.8535533906, offset(1e-10));
        assertThat(Crossfade.weight(1, 3)).isCloseTo(0.5, offset(1e-15));
        assertThat(Crossfade.weight(0, 50)).isCloseTo(0.0002467198, offset(1e-10));
        assertThat(Crossfade.weight(49, 50)).isCloseTo(0.9997532802, offset(1e-10));
    }

    @Test
    void weightRefusesPositionsOutsideTheOverlap() {
        assertThatThrownBy(() -> Crossfade.weight(2, 2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("position 2 is outside an overlap of 2");
        assertThatThrownBy(() -> Crossfade.weight(-1, 2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Crossfade.weight(0, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void blendingASampleWithItselfGivesItBackExactly() {
        double[] weights = {0.0, 1e-9, 0.1, 0.3, 0.5, 0.7, 0.9, 1 - 1e-9, 1.0, Crossfade.weight(17, 32_000)};
        for (double w : weights) {
            for (int s = Short.MIN_VALUE; s <= Short.MAX_VALUE; s++) {
                if (Crossfade.blend((short) s, (short) s, w) != s) {
                    throw new AssertionError("blend(" + s + ", " + s + ", " + w + ") = "
                            + Crossfade.blend((short) s, (short) s, w));
                }
            }
        }
    }

    @Test
    void blendRoundsToNearestAndStaysInRange() {
        assertThat(Crossfade.blend((short) 0, (short) 100, 0.25)).isEqualTo((short) 25);
        assertThat(Crossfade.blend((short) 0, (short) 3, 0.5)).isEqualTo((short) 2); // 1.5, tie up
        assertThat(Crossfade.blend((short) 0, (short) -3, 0.5)).isEqualTo((short) -1); // -1.5, tie up
        assertThat(Crossfade.blend((short) 10, (short) 20, 0.44)).isEqualTo((short) 14); // 14.4
        assertThat(Crossfade.blend((short) 10, (short) 20, 0.46)).isEqualTo((short) 15); // 14.6
        assertThat(Crossfade.blend(Short.MIN_VALUE, Short.MAX_VALUE, 0.0)).isEqualTo(Short.MIN_VALUE);
        assertThat(Crossfade.blend(Short.MIN_VALUE, Short.MAX_VALUE, 1.0)).isEqualTo(Short.MAX_VALUE);
        assertThat(Crossfade.blend(Short.MAX_VALUE, Short.MAX_VALUE, 0.3)).isEqualTo(Short.MAX_VALUE);
        assertThat(Crossfade.blend(Short.MIN_VALUE, Short.MIN_VALUE, 0.3)).isEqualTo(Short.MIN_VALUE);
        // weights a hair outside 0..1 are clamped, not wrapped
        assertThat(Crossfade.blend((short) 32_000, Short.MAX_VALUE, 1.5)).isEqualTo(Short.MAX_VALUE);
    }

    @Test
    void blendBgrBlendsEveryByteUnsigned() {
        byte[] out = {0, (byte) 200, (byte) 255, 10, 77};
        byte[] in = {(byte) 255, (byte) 100, (byte) 255, 11, 77};
        assertThat(Crossfade.blendBgr(out, in, 0.2)).containsExactly(
                (byte) 51, (byte) 180, (byte) 255, (byte) 10, (byte) 77);
        assertThat(Crossfade.blendBgr(out, in, 0.5)).containsExactly(
                (byte) 128, (byte) 150, (byte) 255, (byte) 11, (byte) 77); // 127.5 and 10.5 round up
        assertThat(Crossfade.blendBgr(out, in, 0.0)).containsExactly(out);
        assertThat(Crossfade.blendBgr(out, in, 1.0)).containsExactly(in);
        assertThat(Crossfade.blendBgr(out, in, 0.2)).isNotSameAs(out).isNotSameAs(in);
    }

    @Test
    void blendBgrOfAFrameWithItselfIsTheFrame() {
        byte[] frame = new byte[256 * 3];
        for (int i = 0; i < frame.length; i++) {
            frame[i] = (byte) (i * 7);
        }
        for (int j = 0; j < 50; j++) {
            assertThat(Crossfade.blendBgr(frame, frame, Crossfade.weight(j, 50))).containsExactly(frame);
        }
    }

    @Test
    void blendBgrRefusesFramesOfDifferentSizes() {
        assertThatThrownBy(() -> Crossfade.blendBgr(new byte[6], new byte[3], 0.5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cannot blend frames of 6 and 3 bytes");
    }
}
