package io.dubstream.job.inference.lipsync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.dubstream.connectors.media.JpegCodec;
import io.dubstream.connectors.records.ClipManifest;
import io.dubstream.connectors.records.TestManifests;
import io.dubstream.job.records.Chunk;
import io.dubstream.job.inference.lipsync.TestFrames.Frame;

class LipSyncFramesTest {

    private static final int PLANE = 96 * 96;

    private static LipSyncFrames frames;

    @BeforeAll
    static void open() {
        frames = new LipSyncFrames();
    }

    @AfterAll
    static void close() {
        frames.close();
    }

    /**
     * Six frames from 10 s at 25 fps: the photo with a face, except frame 3 (no face); 0.5 s of audio
     * from 10 s.
     */
    private static Chunk chunk(Frame messi, int sampleRate) {
        int w = messi.width();
        int h = messi.height();
        byte[] face = JpegCodec.encode(messi.bgr(), w, h, 0.9f);
        byte[] noFace = JpegCodec.encode(TestFrames.smooth(w, h).bgr(), w, h, 0.9f);
        byte[][] images = {face, face, face, noFace, face, face};
        short[] samples = new short[sampleRate / 2];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = (short) (8000 * Math.sin(2 * Math.PI * 220 * i / sampleRate) * Math.sin(Math.PI * i / 4000.0));
        }
        ClipManifest manifest = TestManifests.of("lipsync-test", w, h, 25, 1, 300, sampleRate, 1, 0L);
        return Chunk.of(manifest, 1, false, 250, images, 10L * sampleRate, samples, 255, 10L * sampleRate + 1000,
                null);
    }

    @Test
    void preparesFacesAndMelWindowsPerFrameAndPassesFramesWithoutFace() {
        Frame messi = TestFrames.messi();
        Chunk chunk = chunk(messi, 16000);

        LipSyncFrames.Prepared prepared = frames.prepare(chunk);

        assertThat(prepared.frames()).isEqualTo(6);
        assertThat(prepared.framesWithoutFace()).isEqualTo(1);
        assertThat(prepared.faceFrames()).containsExactly(0, 1, 2, 4, 5);
        assertThat(prepared.box(3)).isEmpty();
        // the same picture in every face frame: smoothing keeps the padded detection
        byte[] decoded = JpegCodec.decodeBgr(chunk.getImages()[0], messi.width(), messi.height());
        FaceBox detected;
        try (FaceDetector detector = new FaceDetector()) {
            detected = detector.detect(decoded, messi.width(), messi.height()).orElseThrow();
        }
        FaceBox expected = FaceTrack.Padding.WAV2LIP.apply(detected, messi.width(), messi.height());
        assertThat(expected.y2()).isEqualTo(detected.y2() + 10);
        for (int i : prepared.faceFrames()) {
            assertThat(prepared.box(i)).contains(expected);
        }
        System.out.println("messi5.jpg in a chunk: detected " + detected + ", padded " + expected);

        float[] input = prepared.faceInput(4);
        assertThat(input).containsExactly(FaceCrops.modelInput(FaceCrops.crop(decoded, messi.width(), messi.height(),
                expected)));
        assertThatThrownBy(() -> prepared.faceInput(3)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("frame 253 has no face");

        // audio from exactly 10 s, frames from 10 s: starts int(3.2 i), all within 41 mel frames
        assertThat(prepared.mel().frames()).isEqualTo(41);
        float[][] windows = MelWindows.forFrames(MelSpectrogram.of(chunk.getSamples()), 6, 25, 1);
        for (int i = 0; i < 6; i++) {
            assertThat(prepared.melStart(i)).isEqualTo(new int[] {0, 3, 6, 9, 12, 16}[i]);
            assertThat(prepared.melWindow(i)).containsExactly(windows[i]);
        }
    }

    @Test
    void pastingTheModelsFacesBackReencodesOnlyFramesWithAFace() {
        Frame messi = TestFrames.messi();
        Chunk chunk = chunk(messi, 16000);
        LipSyncFrames.Prepared prepared = frames.prepare(chunk);
        float[][] outputs = new float[6][];
        for (int i : prepared.faceFrames()) {
            // an identity lip-sync: the reference half of the input
            outputs[i] = java.util.Arrays.copyOfRange(prepared.faceInput(i), 3 * PLANE, 6 * PLANE);
        }

        byte[][] out = LipSyncFrames.paste(prepared, outputs, 0.9f);

        assertThat(out).hasNumberOfRows(6);
        assertThat(out[3]).isSameAs(chunk.getImages()[3]);
        FaceBox box = prepared.box(0).orElseThrow();
        byte[] before = JpegCodec.decodeBgr(chunk.getImages()[0], messi.width(), messi.height());
        byte[] after = JpegCodec.decodeBgr(out[0], messi.width(), messi.height());
        double inside = meanAbsDiff(before, after, messi.width(), box, true);
        double outside = meanAbsDiff(before, after, messi.width(), box, false);
        System.out.printf("identity lip-sync on messi5.jpg, JPEG q0.9 re-encoded: mean abs error %.2f in the %dx%d "
                + "face box (resize there and back), %.2f outside%n", inside, box.width(), box.height(), outside);
        assertThat(inside).isLessThan(6);
        assertThat(outside).isLessThan(1.5);

        // a model that returns black faces darkens the box and nothing else
        float[][] black = new float[6][];
        for (int i : prepared.faceFrames()) {
            black[i] = new float[3 * PLANE];
        }
        byte[] dark = JpegCodec.decodeBgr(LipSyncFrames.paste(prepared, black, 0.9f)[5], messi.width(),
                messi.height());
        assertThat(meanAbsDiff(before, dark, messi.width(), box, true)).isGreaterThan(40);
        assertThat(meanAbsDiff(before, dark, messi.width(), box, false)).isLessThan(1.5);

        assertThatThrownBy(() -> LipSyncFrames.paste(prepared, new float[6][], 0.9f))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("frame 250 has a face");
    }

    @Test
    void refusesAudioThatIsNot16kHzOrMissing() {
        Frame f = TestFrames.smooth(64, 48);
        byte[][] images = {JpegCodec.encode(f.bgr(), 64, 48, 0.9f)};
        assertThatThrownBy(() -> frames.prepare(images, 64, 48, 25, 1, 0, new short[4410], 44100, 1, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("needs 16000 Hz audio").hasMessageContaining("got 44100 Hz");
        assertThatThrownBy(() -> frames.prepare(images, 64, 48, 25, 1, 0, new short[0], 0, 0, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs the clip's audio");
    }

    @Test
    void averagesStereoToMono() {
        Frame f = TestFrames.smooth(64, 48);
        byte[][] images = {JpegCodec.encode(f.bgr(), 64, 48, 0.9f)};
        short[] mono = new short[4000];
        short[] stereo = new short[8000];
        for (int i = 0; i < mono.length; i++) {
            mono[i] = (short) (3000 * Math.sin(i / 5.0));
            short side = (short) (1000 * Math.sin(i / 3.0));
            stereo[2 * i] = (short) (mono[i] + side);
            stereo[2 * i + 1] = (short) (mono[i] - side);
        }

        LipSyncFrames.Prepared fromStereo = frames.prepare(images, 64, 48, 25, 1, 0, stereo, 16000, 2, 0);

        assertThat(fromStereo.framesWithoutFace()).isEqualTo(1);
        // (l + r) / 2 of these halves is the mono signal exactly
        assertThat(fromStereo.mel().toArray()).containsExactly(MelSpectrogram.of(mono).toArray());
    }

    private static double meanAbsDiff(byte[] a, byte[] b, int width, FaceBox box, boolean inside) {
        long sum = 0;
        long n = 0;
        for (int p = 0; p < a.length / 3; p++) {
            int x = p % width;
            int y = p / width;
            boolean in = x >= box.x1() && x < box.x2() && y >= box.y1() && y < box.y2();
            if (in == inside) {
                for (int c = 0; c < 3; c++) {
                    sum += Math.abs((a[p * 3 + c] & 0xff) - (b[p * 3 + c] & 0xff));
                }
                n += 3;
            }
        }
        return (double) sum / n;
    }

    @Test
    void sparseDetectionInterpolatesBoxesBetweenDetections() {
        Frame messi = TestFrames.messi();
        Chunk chunk = chunk(messi, 16000);
        LipSyncFrames.Prepared everyFrame = frames.prepare(chunk);
        LipSyncFrames.Prepared everyOther;
        try (LipSyncFrames sparse = new LipSyncFrames(new FaceSearch(2, false))) {
            everyOther = sparse.prepare(chunk);
        }

        // frames 0, 2, 4 and the last (5) are detected; frame 3 has no face of its own but lies between
        // two detections with one, so it takes their box: the price of detecting less often
        assertThat(everyOther.faceFrames()).containsExactly(0, 1, 2, 3, 4, 5);
        for (int i : new int[] {0, 1, 2, 4, 5}) {
            assertThat(everyOther.box(i)).as("frame %d", i).isEqualTo(everyFrame.box(i));
        }
    }

    @Test
    void trackingFindsTheSameFacesAsSearchingWholeFrames() {
        Frame messi = TestFrames.messi();
        Chunk chunk = chunk(messi, 16000);
        LipSyncFrames.Prepared whole = frames.prepare(chunk);
        LipSyncFrames.Prepared tracked;
        try (LipSyncFrames tracking = new LipSyncFrames(FaceSearch.DEFAULT)) {
            tracked = tracking.prepare(chunk);
        }

        // frame 3 has no face: the search near the face before finds none, nor does the whole frame
        assertThat(tracked.faceFrames()).containsExactly(whole.faceFrames());
        assertThat(tracked.faceFrames()).containsExactly(0, 1, 2, 4, 5);
        for (int i : tracked.faceFrames()) {
            assertThat(TestFrames.iou(tracked.box(i).orElseThrow(), whole.box(i).orElseThrow())).as("frame %d", i)
                    .isGreaterThan(0.85);
        }
    }

    @Test
    void interpolationIsLinearAndNeedsAFaceAtBothEnds() {
        FaceBox[] boxes = new FaceBox[5];
        boxes[0] = new FaceBox(10, 10, 50, 50);
        boxes[4] = new FaceBox(20, 30, 60, 70);
        LipSyncFrames.interpolate(boxes, 0, 4);
        assertThat(boxes[2]).isEqualTo(new FaceBox(15, 20, 55, 60));
        assertThat(boxes[1]).isEqualTo(new FaceBox(13, 15, 53, 55));

        FaceBox[] oneSided = new FaceBox[4];
        oneSided[0] = new FaceBox(10, 10, 50, 50);
        LipSyncFrames.interpolate(oneSided, 0, 3);
        assertThat(oneSided).containsExactly(new FaceBox(10, 10, 50, 50), null, null, null);
    }
}
