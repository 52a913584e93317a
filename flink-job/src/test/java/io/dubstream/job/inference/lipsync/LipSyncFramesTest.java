package io.dubstream.job.inference.lipsync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.dubstream.connectors.records.ScriptLine;
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

        // no output for a face: the frame is left as it came (a frame where the dub does not speak)
        byte[][] untouched = LipSyncFrames.paste(prepared, new float[6][], 0.9f);
        for (int i = 0; i < untouched.length; i++) {
            assertThat(untouched[i]).isSameAs(prepared.jpeg(i));
        }
        float[][] wrong = new float[6][];
        wrong[prepared.faceFrames()[0]] = new float[10];
        assertThatThrownBy(() -> LipSyncFrames.paste(prepared, wrong, 0.9f))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("has a face and needs");
    }

    /**
     * {@code frames} small frames without a face from 10 s at 25 fps, and 0.5 s of {@link TestFrames#voice}
     * from 10 s at {@code sampleRate} with {@code channels} channels.
     */
    private static Chunk voiceChunk(int sampleRate, int channels, int frameCount) {
        byte[] plain = JpegCodec.encode(TestFrames.smooth(64, 48).bgr(), 64, 48, 0.9f);
        byte[][] images = new byte[frameCount][];
        java.util.Arrays.fill(images, plain);
        long firstSample = 10L * sampleRate;
        ClipManifest manifest = TestManifests.of("lipsync-audio", 64, 48, 25, 1, 300, sampleRate, channels, 0L);
        return Chunk.of(manifest, 1, false, 250, images, firstSample,
                TestFrames.voice(sampleRate, channels, firstSample, sampleRate / 2), 250 + frameCount, firstSample,
                null);
    }

    @Test
    void refusesAChunkWithoutAudio() {
        Chunk silent = Chunk.of(TestManifests.of("no-audio", 64, 48, 25, 1, 1, 0, 0, 0L), 0, true, 0,
                new byte[][] {JpegCodec.encode(TestFrames.smooth(64, 48).bgr(), 64, 48, 0.9f)}, 0, new short[0], 1, 0,
                null);
        assertThatThrownBy(() -> frames.prepare(silent)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("needs the clip's audio");
    }

    @Test
    void averagesStereoToMono() {
        Chunk stereo = voiceChunk(16_000, 2, 1);

        LipSyncFrames.Prepared fromStereo = frames.prepare(stereo);

        assertThat(fromStereo.framesWithoutFace()).isEqualTo(1);
        // the mean of the two channels is the voice, to half an LSB of rounding each
        double[] mono = new double[8000];
        for (int i = 0; i < mono.length; i++) {
            mono[i] = (stereo.getSamples()[2 * i] + stereo.getSamples()[2 * i + 1]) / 65536.0;
        }
        assertThat(fromStereo.mel().toArray()).containsExactly(MelSpectrogram.of(mono).toArray());
    }

    /**
     * The mel features of audio at any transport layout are those of the same sound at 16 kHz mono, up to
     * the resampler and s16 rounding: the same windows, their values close.
     */
    @Test
    void otherTransportRatesAndChannelsAreMixedAndResampledTo16kHz() {
        LipSyncFrames.Prepared reference = frames.prepare(voiceChunk(16_000, 1, 12));
        assertThat(reference.mel().frames()).isEqualTo(41);
        for (int[] layout : new int[][] {{48_000, 2}, {44_100, 1}, {44_100, 2}, {8_000, 1}}) {
            Chunk chunk = voiceChunk(layout[0], layout[1], 12);

            LipSyncFrames.Prepared prepared = frames.prepare(chunk);

            assertThat(prepared.mel().frames()).as("%s", chunk).isEqualTo(41);
            double inner = 0;
            double edge = 0;
            for (int i = 0; i < 12; i++) {
                assertThat(prepared.melStart(i)).isEqualTo(reference.melStart(i)).isEqualTo(new int[] {0, 3, 6, 9, 12,
                        16, 19, 22, 25, 25, 25, 25}[i]);
            }
            float[] got = prepared.mel().toArray();
            float[] want = reference.mel().toArray();
            for (int m = 0; m < 80; m++) {
                for (int t = 0; t < 41; t++) {
                    double d = Math.abs(got[m * 41 + t] - want[m * 41 + t]);
                    if (t < 2 || t > 38) {
                        edge = Math.max(edge, d);
                    } else {
                        inner = Math.max(inner, d);
                    }
                }
            }
            System.out.printf("mel features at %d Hz x%d vs 16 kHz mono: max abs difference %.4f (mel frames 2..38), "
                    + "%.4f (the first and last two)%n", layout[0], layout[1], inner, edge);
            // values span -4..4, 8 per 100 dB: 0.02 is a quarter of a dB
            assertThat(inner).as("%s", chunk).isLessThan(0.02);
            assertThat(edge).as("%s", chunk).isLessThan(0.05);
        }
    }

    /** Frames at 24 fps, then at 12 fps: each window starts at its frame's presentation time. */
    @Test
    void melWindowsFollowThePresentationTimesOfAVariableFrameRate() {
        Chunk constant = voiceChunk(48_000, 2, 8);
        // from 10 s: 24 fps for four frames, then 12 fps (a clip's times as a source gives them, whole microseconds)
        long[] pts = {10_000_000, 10_041_667, 10_083_333, 10_125_000, 10_208_333, 10_291_667, 10_375_000, 10_458_333};
        Chunk variable = constant.withTimes(pts, 10_000_000, 10_500_000, "gap", new ScriptLine[0]);

        LipSyncFrames.Prepared prepared = frames.prepare(variable);

        // floor(80 * (pts - 10 s)): 0, 3.33, 6.67, 10, 16.67, 23.33, 30 -> clamped to 25 (41 mel frames), 25
        assertThat(java.util.stream.IntStream.range(0, 8).map(prepared::melStart).toArray())
                .containsExactly(0, 3, 6, 10, 16, 23, 25, 25);
        // the same chunk without times: index / 25 fps
        LipSyncFrames.Prepared byIndex = frames.prepare(constant);
        assertThat(java.util.stream.IntStream.range(0, 8).map(byIndex::melStart).toArray())
                .containsExactly(0, 3, 6, 9, 12, 16, 19, 22);
        for (int i = 0; i < 8; i++) {
            assertThat(prepared.melWindow(i)).containsExactly(MelWindows.windows(prepared.mel(),
                    new int[] {prepared.melStart(i)})[0]);
        }
    }

    /**
     * Two frames of the photo stored turned back by {@code upright}, so that {@code upright} shows it as
     * taken (the counter-clockwise quarter turn for a 90 degree clockwise display rotation, as a phone
     * stores video), in a clip whose manifest asks for {@code manifestRotation} degrees.
     */
    private static Chunk storedTurned(Frame photo, Rotation upright, int manifestRotation) {
        Rotation back = upright.inverse();
        int w = back.width(photo.width(), photo.height());
        int h = back.height(photo.width(), photo.height());
        byte[] jpeg = JpegCodec.encode(back.apply(photo.bgr(), photo.width(), photo.height()), w, h, 0.9f);
        ClipManifest manifest = TestManifests.of("rotated", w, h, 25, 1, 300, 16_000, 1, 0L);
        manifest.setRotationDegrees(manifestRotation);
        return Chunk.of(manifest, 0, false, 0, new byte[][] {jpeg, jpeg}, 0, TestFrames.voice(16_000, 1, 0, 8_000), 2,
                0, null);
    }

    @ParameterizedTest
    @EnumSource(value = Rotation.class, names = {"CLOCKWISE_90", "CLOCKWISE_180", "CLOCKWISE_270"})
    void aClipStoredTurnedIsSearchedUprightAndItsBoxesMappedBack(Rotation rotation) {
        Frame messi = TestFrames.messi();
        FaceBox photoFace = frames.prepare(storedTurned(messi, Rotation.NONE, 0)).box(0).orElseThrow();
        Chunk chunk = storedTurned(messi, rotation, rotation.degrees());
        int w = chunk.getManifest().getWidth();
        int h = chunk.getManifest().getHeight();

        LipSyncFrames.Prepared prepared = frames.prepare(chunk);

        assertThat(prepared.faceFrames()).containsExactly(0, 1);
        // exactly: the padded detection in the decoded frame turned upright, as a box of the stored frame
        byte[] upright = rotation.apply(JpegCodec.decodeBgr(chunk.getImages()[0], w, h), w, h);
        int uw = rotation.width(w, h);
        int uh = rotation.height(w, h);
        FaceBox detected;
        try (FaceDetector detector = new FaceDetector()) {
            detected = detector.detect(upright, uw, uh).orElseThrow();
        }
        FaceBox padded = FaceTrack.Padding.WAV2LIP.apply(detected, uw, uh);
        assertThat(prepared.uprightBox(0)).contains(padded);
        assertThat(prepared.box(0)).contains(rotation.undo(padded, w, h));
        // the model sees the face upright
        assertThat(prepared.faceInput(1)).containsExactly(FaceCrops.modelInput(FaceCrops.crop(upright, uw, uh,
                padded)));
        // the face of the photo taken upright, in the stored frame (JPEG blocks fall elsewhere in a turned frame)
        FaceBox expected = rotation.undo(photoFace, w, h);
        System.out.printf("messi5.jpg stored turned back by %d degrees, %dx%d: face %s, the upright photo's face "
                + "there %s%n", rotation.degrees(), w, h, prepared.box(0).orElseThrow(), expected);
        assertThat(TestFrames.iou(prepared.box(0).orElseThrow(), expected)).isGreaterThan(0.8);

        // the same frames with no rotation in the manifest: the cascade finds no upright face on the face
        LipSyncFrames.Prepared sideways = frames.prepare(storedTurned(messi, rotation, 0));
        System.out.printf("  the same frames searched as stored: %s%n", sideways.box(0).orElse(null));
        for (int i = 0; i < 2; i++) {
            sideways.box(i).ifPresent(b -> assertThat(b.intersection(expected)).as("a box on the face").isZero());
        }
    }

    @Test
    void theModelsFaceGoesBackIntoTheFrameAsStored() {
        Frame messi = TestFrames.messi();
        Chunk chunk = storedTurned(messi, Rotation.CLOCKWISE_90, 90);
        int w = chunk.getManifest().getWidth();
        LipSyncFrames.Prepared prepared = frames.prepare(chunk);
        float[][] identity = new float[2][];
        float[][] black = new float[2][];
        for (int i : prepared.faceFrames()) {
            identity[i] = java.util.Arrays.copyOfRange(prepared.faceInput(i), 3 * PLANE, 6 * PLANE);
            black[i] = new float[3 * PLANE];
        }

        byte[][] same = LipSyncFrames.paste(prepared, identity, 0.9f);
        byte[][] dark = LipSyncFrames.paste(prepared, black, 0.9f);

        // an identity model's face, turned back, lands on the face it came from: as unturned frames do
        FaceBox box = prepared.box(0).orElseThrow();
        byte[] before = JpegCodec.decodeBgr(chunk.getImages()[0], w, chunk.getManifest().getHeight());
        byte[] after = JpegCodec.decodeBgr(same[0], w, chunk.getManifest().getHeight());
        double inside = meanAbsDiff(before, after, w, box, true);
        System.out.printf("identity lip-sync on messi5.jpg stored turned, display rotation 90: mean abs error %.2f "
                + "in the %dx%d face box, %.2f outside%n", inside, box.width(), box.height(),
                meanAbsDiff(before, after, w, box, false));
        assertThat(inside).isLessThan(6);
        assertThat(meanAbsDiff(before, after, w, box, false)).isLessThan(1.5);
        byte[] darkened = JpegCodec.decodeBgr(dark[1], w, chunk.getManifest().getHeight());
        assertThat(meanAbsDiff(before, darkened, w, box, true)).isGreaterThan(40);
        assertThat(meanAbsDiff(before, darkened, w, box, false)).isLessThan(1.5);
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
