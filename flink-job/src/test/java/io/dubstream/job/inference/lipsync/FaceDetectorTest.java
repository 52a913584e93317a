package io.dubstream.job.inference.lipsync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.dubstream.job.inference.lipsync.FaceDetector.Pick;
import io.dubstream.job.inference.lipsync.FaceDetector.Settings;
import io.dubstream.job.inference.lipsync.TestFrames.Frame;

class FaceDetectorTest {

    private static FaceDetector detector;

    @BeforeAll
    static void open() {
        detector = new FaceDetector();
    }

    @AfterAll
    static void close() {
        detector.close();
    }

    @Test
    void findsTheFaceInOpenCvsSamplePhoto() {
        Frame messi = TestFrames.messi();

        Optional<FaceBox> box = detector.detect(messi.bgr(), messi.width(), messi.height());

        System.out.println("messi5.jpg, default detector: " + box.orElse(null));
        assertThat(box).isPresent();
        // the box lies on the face: most of it inside the hand-checked region, and its centre too
        FaceBox face = box.get();
        assertThat((double) face.intersection(TestFrames.MESSI_FACE) / face.area()).isGreaterThan(0.8);
        assertThat(centreInside(face, TestFrames.MESSI_FACE)).isTrue();
        assertThat(face.width()).isBetween(30, 55);
    }

    @Test
    void aSearchNearTheFaceBeforeFindsTheFaceMovedAFewPixels() {
        Frame messi = TestFrames.messi();
        FaceBox before = detector.detect(messi.bgr(), messi.width(), messi.height()).orElseThrow();
        Frame moved = shift(messi, 7, 4);
        FaceBox whole = detector.detect(moved.bgr(), moved.width(), moved.height()).orElseThrow();

        FaceBox near = detector.detectNear(moved.bgr(), moved.width(), moved.height(), before).orElseThrow();

        System.out.println("messi5.jpg moved by (7, 4): near the face before " + near + ", whole frame " + whole);
        assertThat(TestFrames.iou(near, whole)).isGreaterThan(0.8);
        FaceBox movedFace = new FaceBox(TestFrames.MESSI_FACE.x1() + 7, TestFrames.MESSI_FACE.y1() + 4,
                TestFrames.MESSI_FACE.x2() + 7, TestFrames.MESSI_FACE.y2() + 4);
        assertThat(centreInside(near, movedFace)).isTrue();
    }

    @Test
    void aFaceFarFromTheOneBeforeIsFoundBySearchingTheWholeFrame() {
        Frame messi = TestFrames.messi();
        FaceBox elsewhere = new FaceBox(440, 250, 480, 290);

        Optional<FaceBox> near = detector.detectNear(messi.bgr(), messi.width(), messi.height(), elsewhere);

        assertThat(near).isEqualTo(detector.detect(messi.bgr(), messi.width(), messi.height()));
        assertThatThrownBy(() -> detector.detectNear(messi.bgr(), messi.width(), messi.height(),
                new FaceBox(500, 300, 600, 400))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not inside");
    }

    /** The frame moved right by {@code dx} and down by {@code dy}, the uncovered edge black. */
    private static Frame shift(Frame f, int dx, int dy) {
        byte[] out = new byte[f.bgr().length];
        int row = f.width() * 3;
        for (int y = dy; y < f.height(); y++) {
            System.arraycopy(f.bgr(), (y - dy) * row, out, y * row + dx * 3, row - dx * 3);
        }
        return new Frame(out, f.width(), f.height());
    }

    @Test
    void theLargestDetectionInThatPhotoIsAFalseFaceInTheCrowd() {
        // why the default picks the most supported detection rather than the largest
        Frame messi = TestFrames.messi();
        Settings largest = new Settings(Settings.DEFAULT.cascade(), 1.1, 3, 0.08, 480, Pick.LARGEST);
        try (FaceDetector d = new FaceDetector(largest)) {
            FaceBox box = d.detect(messi.bgr(), messi.width(), messi.height()).orElseThrow();
            assertThat(centreInside(box, TestFrames.MESSI_FACE)).isFalse();
            assertThat(box.width()).isGreaterThan(60);
        }
    }

    @Test
    void largeFramesAreShrunkForDetectionAndTheBoxScaledBack() {
        Frame messi = TestFrames.messi();
        Frame twice = upscale2x(messi);

        FaceBox box = detector.detect(twice.bgr(), twice.width(), twice.height()).orElseThrow();

        FaceBox region = new FaceBox(2 * TestFrames.MESSI_FACE.x1(), 2 * TestFrames.MESSI_FACE.y1(),
                2 * TestFrames.MESSI_FACE.x2(), 2 * TestFrames.MESSI_FACE.y2());
        assertThat(centreInside(box, region)).isTrue();
        assertThat(box.width()).isBetween(60, 110);
    }

    @Test
    void findsNoFaceInSyntheticFrames() {
        Frame smooth = TestFrames.smooth(640, 360);
        assertThat(detector.detect(smooth.bgr(), 640, 360)).isEmpty();
        Frame grey = new Frame(new byte[320 * 240 * 3], 320, 240);
        java.util.Arrays.fill(grey.bgr(), (byte) 128);
        assertThat(detector.detect(grey.bgr(), 320, 240)).isEmpty();
    }

    @Test
    void refusesAFrameOfTheWrongSize() {
        assertThatThrownBy(() -> detector.detect(new byte[100], 640, 360)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("640x360");
    }

    @Test
    void everyCascadeLoadsFromTheOpenCvJar() {
        for (FaceDetector.Cascade cascade : FaceDetector.Cascade.values()) {
            try (FaceDetector d = new FaceDetector(new Settings(cascade, 1.2, 3, 0.1, 320, Pick.MOST_NEIGHBOURS))) {
                Frame smooth = TestFrames.smooth(160, 120);
                assertThat(d.detect(smooth.bgr(), 160, 120)).as("%s", cascade).isEmpty();
            }
        }
    }

    private static boolean centreInside(FaceBox box, FaceBox region) {
        int cx = (box.x1() + box.x2()) / 2;
        int cy = (box.y1() + box.y2()) / 2;
        return cx >= region.x1() && cx < region.x2() && cy >= region.y1() && cy < region.y2();
    }

    private static Frame upscale2x(Frame f) {
        int w = f.width() * 2;
        int h = f.height() * 2;
        byte[] out = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                System.arraycopy(f.bgr(), ((y / 2) * f.width() + x / 2) * 3, out, (y * w + x) * 3, 3);
            }
        }
        return new Frame(out, w, h);
    }
}
