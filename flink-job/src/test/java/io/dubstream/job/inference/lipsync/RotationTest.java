package io.dubstream.job.inference.lipsync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.dubstream.job.inference.lipsync.TestFrames.Frame;

class RotationTest {

    /** A 3x2 frame whose pixel (x, y) has blue x, green y, red 7. */
    private static byte[] labelled(int width, int height) {
        byte[] bgr = new byte[width * height * 3];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                bgr[(y * width + x) * 3] = (byte) x;
                bgr[(y * width + x) * 3 + 1] = (byte) y;
                bgr[(y * width + x) * 3 + 2] = 7;
            }
        }
        return bgr;
    }

    /** The (x, y) label of pixel (x, y) of a rotated labelled frame {@code width} wide. */
    private static int[] at(byte[] bgr, int width, int x, int y) {
        int p = (y * width + x) * 3;
        return new int[] {bgr[p], bgr[p + 1]};
    }

    @Test
    void quarterTurnsAreClockwise() {
        byte[] stored = labelled(3, 2); // top row (0,0) (1,0) (2,0), bottom row (0,1) (1,1) (2,1)

        // clockwise by 90: 2 wide, 3 high; the stored bottom-left pixel is now the top-left one
        byte[] cw90 = Rotation.CLOCKWISE_90.apply(stored, 3, 2);
        assertThat(at(cw90, 2, 0, 0)).containsExactly(0, 1);
        assertThat(at(cw90, 2, 1, 0)).containsExactly(0, 0);
        assertThat(at(cw90, 2, 1, 2)).containsExactly(2, 0);
        byte[] half = Rotation.CLOCKWISE_180.apply(stored, 3, 2);
        assertThat(at(half, 3, 0, 0)).containsExactly(2, 1);
        assertThat(at(half, 3, 2, 1)).containsExactly(0, 0);
        byte[] cw270 = Rotation.CLOCKWISE_270.apply(stored, 3, 2);
        assertThat(at(cw270, 2, 0, 0)).containsExactly(2, 0);
        assertThat(at(cw270, 2, 0, 2)).containsExactly(0, 0);
        assertThat(at(cw270, 2, 1, 2)).containsExactly(0, 1);
        assertThat(Rotation.NONE.apply(stored, 3, 2)).isSameAs(stored);
        for (int i = 0; i < stored.length; i += 3) {
            assertThat(cw90[i + 2]).isEqualTo((byte) 7);
        }
    }

    @ParameterizedTest
    @EnumSource(Rotation.class)
    void aTurnAndItsInverseGiveTheFrameBack(Rotation rotation) {
        Frame f = TestFrames.noise(37, 23, 5);
        byte[] turned = rotation.apply(f.bgr(), 37, 23);
        assertThat(rotation.width(37, 23)).isEqualTo(rotation.swapsSides() ? 23 : 37);
        assertThat(rotation.inverse().apply(turned, rotation.width(37, 23), rotation.height(37, 23)))
                .isEqualTo(f.bgr());
        assertThat(Rotation.of(rotation.degrees())).isSameAs(rotation);
    }

    @ParameterizedTest
    @EnumSource(Rotation.class)
    void aBoxTurnsWithItsPixels(Rotation rotation) {
        int w = 40;
        int h = 30;
        FaceBox box = new FaceBox(5, 7, 16, 26);
        byte[] frame = new byte[w * h * 3];
        for (int y = box.y1(); y < box.y2(); y++) {
            for (int x = box.x1(); x < box.x2(); x++) {
                frame[(y * w + x) * 3] = 1;
            }
        }
        int rw = rotation.width(w, h);
        byte[] turned = rotation.apply(frame, w, h);

        FaceBox moved = rotation.apply(box, w, h);

        for (int y = 0; y < rotation.height(w, h); y++) {
            for (int x = 0; x < rw; x++) {
                boolean inside = x >= moved.x1() && x < moved.x2() && y >= moved.y1() && y < moved.y2();
                assertThat(turned[(y * rw + x) * 3]).as("(%d, %d)", x, y).isEqualTo((byte) (inside ? 1 : 0));
            }
        }
        assertThat(rotation.undo(moved, w, h)).isEqualTo(box);
    }

    @Test
    void onlyQuarterTurnsAreRotations() {
        assertThat(Rotation.of(90).inverse()).isEqualTo(Rotation.CLOCKWISE_270);
        assertThat(Rotation.of(180).inverse()).isEqualTo(Rotation.CLOCKWISE_180);
        assertThatThrownBy(() -> Rotation.of(45)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a display rotation is 0, 90, 180 or 270 degrees, got 45");
        assertThatThrownBy(() -> Rotation.CLOCKWISE_90.apply(new FaceBox(0, 0, 10, 31), 40, 30))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("outside the 40x30 frame");
    }
}
