package io.dubstream.job.inference.lipsync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.dubstream.job.inference.lipsync.TestFrames.Frame;

class FaceCropsTest {

    private static final int PLANE = 96 * 96;

    @Test
    void aBoxOf96x96IsCutOutPixelForPixel() {
        Frame f = TestFrames.noise(200, 150, 1);
        FaceBox box = new FaceBox(37, 41, 133, 137);

        byte[] crop = FaceCrops.crop(f.bgr(), 200, 150, box);

        for (int y = 0; y < 96; y++) {
            for (int x = 0; x < 96; x++) {
                for (int c = 0; c < 3; c++) {
                    assertThat(crop[(y * 96 + x) * 3 + c]).isEqualTo(f.bgr()[((41 + y) * 200 + 37 + x) * 3 + c]);
                }
            }
        }
    }

    @Test
    void theModelInputIsTheMaskedCropThenTheCropInBgrOrder() {
        Frame f = TestFrames.noise(120, 100, 2);
        byte[] crop = FaceCrops.crop(f.bgr(), 120, 100, new FaceBox(3, 1, 117, 99));

        float[] input = FaceCrops.modelInput(crop);

        assertThat(input).hasSize(6 * PLANE);
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 96; y++) {
                for (int x = 0; x < 96; x++) {
                    int p = y * 96 + x;
                    float reference = input[(3 + c) * PLANE + p];
                    // channels 3..5: B, G, R of the crop in [0, 1]
                    assertThat(reference).isEqualTo((float) ((crop[p * 3 + c] & 0xff) / 255.0));
                    // channels 0..2: the same, lower half (rows 48..95) exactly 0
                    assertThat(input[c * PLANE + p]).isEqualTo(y < 48 ? reference : 0f);
                }
            }
        }
    }

    @Test
    void channelOrderIsBlueGreenRed() {
        byte[] frame = new byte[64 * 64 * 3];
        for (int p = 0; p < 64 * 64; p++) {
            frame[p * 3] = 10;
            frame[p * 3 + 1] = 20;
            frame[p * 3 + 2] = (byte) 255;
        }
        float[] input = FaceCrops.modelInput(FaceCrops.crop(frame, 64, 64, new FaceBox(0, 0, 64, 64)));
        assertThat(input[3 * PLANE]).isEqualTo(10 / 255f);
        assertThat(input[4 * PLANE + 5000]).isEqualTo(20 / 255f);
        assertThat(input[5 * PLANE + PLANE - 1]).isEqualTo(1f);
        assertThat(input[2 * PLANE + 100]).isEqualTo(1f); // upper half of the masked red channel
    }

    @Test
    void pasteScalesTruncatesAndTouchesOnlyTheBox() {
        Frame f = TestFrames.noise(160, 120, 3);
        FaceBox box = new FaceBox(20, 10, 116, 106); // 96x96: no resampling
        float[] output = new float[3 * PLANE];
        java.util.Arrays.fill(output, 0, PLANE, 0.5f); // B: 127.5 -> 127 (numpy astype truncates)
        java.util.Arrays.fill(output, PLANE, 2 * PLANE, 1.2f); // G: clamped to 255
        java.util.Arrays.fill(output, 2 * PLANE, 3 * PLANE, 0.999f); // R: 254.7 -> 254

        byte[] out = FaceCrops.paste(f.bgr(), 160, 120, box, output, 0);

        for (int y = 0; y < 120; y++) {
            for (int x = 0; x < 160; x++) {
                int p = (y * 160 + x) * 3;
                boolean inside = x >= 20 && x < 116 && y >= 10 && y < 106;
                if (inside) {
                    assertThat(new int[] {out[p] & 0xff, out[p + 1] & 0xff, out[p + 2] & 0xff})
                            .containsExactly(127, 255, 254);
                } else {
                    assertThat(new byte[] {out[p], out[p + 1], out[p + 2]})
                            .containsExactly(f.bgr()[p], f.bgr()[p + 1], f.bgr()[p + 2]);
                }
            }
        }
        assertThat(f.bgr()).as("the input frame is not modified").isEqualTo(TestFrames.noise(160, 120, 3).bgr());
    }

    @Test
    void anIdentityLipSyncRoundTripsThroughTheCrop() {
        Frame f = TestFrames.smooth(640, 360);
        FaceBox box = new FaceBox(250, 90, 381, 241); // 131x151: resized down to 96 and back up

        byte[] crop = FaceCrops.crop(f.bgr(), 640, 360, box);
        float[] input = FaceCrops.modelInput(crop);
        float[] output = java.util.Arrays.copyOfRange(input, 3 * PLANE, 6 * PLANE); // "the model": the reference
        byte[] out = FaceCrops.paste(f.bgr(), 640, 360, box, output, 0);

        long sum = 0;
        int max = 0;
        for (int y = 0; y < 360; y++) {
            for (int x = 0; x < 640; x++) {
                for (int c = 0; c < 3; c++) {
                    int p = (y * 640 + x) * 3 + c;
                    int diff = Math.abs((out[p] & 0xff) - (f.bgr()[p] & 0xff));
                    if (x < box.x1() || x >= box.x2() || y < box.y1() || y >= box.y2()) {
                        assertThat(out[p]).isEqualTo(f.bgr()[p]);
                    } else {
                        sum += diff;
                        max = Math.max(max, diff);
                    }
                }
            }
        }
        double mean = (double) sum / (box.area() * 3);
        System.out.printf("crop/paste round trip, %dx%d box: mean abs error %.2f, max %d%n", box.width(),
                box.height(), mean, max);
        // bilinear down to 96 and back, and numpy's truncation of v / 255 * 255: about 0.2, max 1
        assertThat(mean).isLessThan(1.0);
        assertThat(max).isLessThanOrEqualTo(4);
    }

    @Test
    void anIdentityLipSyncRoundTripsARealFace() {
        Frame f = TestFrames.messi();
        FaceBox box = FaceTrack.Padding.WAV2LIP.apply(new FaceBox(227, 94, 264, 132), f.width(), f.height());

        float[] input = FaceCrops.modelInput(FaceCrops.crop(f.bgr(), f.width(), f.height(), box));
        byte[] out = FaceCrops.paste(f.bgr(), f.width(), f.height(), box,
                java.util.Arrays.copyOfRange(input, 3 * PLANE, 6 * PLANE), 0);

        long sum = 0;
        for (int y = box.y1(); y < box.y2(); y++) {
            for (int x = box.x1() * 3; x < box.x2() * 3; x++) {
                int p = y * f.width() * 3 + x;
                sum += Math.abs((out[p] & 0xff) - (f.bgr()[p] & 0xff));
            }
        }
        double mean = (double) sum / (box.area() * 3);
        System.out.printf("crop/paste round trip on the face of messi5.jpg, %dx%d box: mean abs error %.2f%n",
                box.width(), box.height(), mean);
        assertThat(mean).isLessThan(6);
    }

    /**
     * A frame stored turned: its crop is the crop of the upright frame, and the face pasted into it is the
     * face pasted into the upright frame, turned back; exactly, for a box that is resized both ways.
     */
    @ParameterizedTest
    @EnumSource(Rotation.class)
    void aTurnedFrameIsCutUprightAndPastedBackAsStored(Rotation upright) {
        Frame stored = TestFrames.smooth(200, 170);
        int uw = upright.width(200, 170);
        int uh = upright.height(200, 170);
        byte[] turned = upright.apply(stored.bgr(), 200, 170);
        FaceBox box = new FaceBox(21, 12, 152, 163); // in the upright frame, 131x151
        float[] output = new float[3 * PLANE];
        for (int i = 0; i < output.length; i++) {
            output[i] = (i * 37 % 101) / 100f;
        }

        byte[] crop = FaceCrops.crop(stored.bgr(), 200, 170, upright, box);
        byte[] pasted = FaceCrops.paste(stored.bgr(), 200, 170, upright, box, output, 0);

        assertThat(crop).isEqualTo(FaceCrops.crop(turned, uw, uh, box));
        assertThat(pasted).isEqualTo(upright.inverse().apply(FaceCrops.paste(turned, uw, uh, box, output, 0), uw, uh));
    }

    @Test
    void refusesBoxesOutsideTheFrameAndBadOutputs() {
        Frame f = TestFrames.noise(100, 100, 4);
        assertThatThrownBy(() -> FaceCrops.crop(f.bgr(), 100, 100, new FaceBox(50, 50, 101, 90)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("outside the 100x100 frame");
        float[] output = new float[3 * PLANE];
        output[1234] = Float.NaN;
        assertThatThrownBy(() -> FaceCrops.paste(f.bgr(), 100, 100, new FaceBox(0, 0, 50, 50), output, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NaN at channel 0, row 12, column 82");
    }
}
