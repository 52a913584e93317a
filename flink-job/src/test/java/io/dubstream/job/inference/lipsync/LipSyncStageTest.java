package io.dubstream.job.inference.lipsync;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import io.dubstream.connectors.media.JpegCodec;
import io.dubstream.connectors.records.ClipManifest;
import io.dubstream.connectors.records.TestManifests;
import io.dubstream.job.records.Chunk;

class LipSyncStageTest {

    /**
     * A deterministic lip-sync model in plain Java: the mouth is the reference face (channels 3..5)
     * darkened by a quarter, so pasted faces are visibly changed and batching cannot change a value.
     */
    static final class DarkeningModel implements LipSyncModel {
        final List<Integer> batches = new ArrayList<>();
        /** Every frame's mel window, in the order the frames came. */
        final List<float[]> melWindows = new ArrayList<>();

        @Override
        public String name() {
            return "darkening";
        }

        @Override
        public int preferredBatchSize() {
            return 4;
        }

        @Override
        public synchronized float[] predict(float[] mels, float[] faces, int batch) {
            LipSyncModel.checkInputs(mels, faces, batch);
            batches.add(batch);
            for (int b = 0; b < batch; b++) {
                melWindows.add(java.util.Arrays.copyOfRange(mels, b * MEL_FLOATS, (b + 1) * MEL_FLOATS));
            }
            int plane = FACE_SIZE * FACE_SIZE;
            float[] out = new float[batch * MOUTH_FLOATS];
            for (int b = 0; b < batch; b++) {
                for (int i = 0; i < 3 * plane; i++) {
                    out[b * MOUTH_FLOATS + i] = 0.75f * faces[b * FACE_FLOATS + 3 * plane + i];
                }
            }
            return out;
        }

        @Override
        public void close() {}
    }

    private static Chunk chunk(TestFrames.Frame face, TestFrames.Frame noFace, int index) {
        short[] speech = new short[8 * 640];
        for (int i = 0; i < speech.length; i++) {
            speech[i] = (short) (6000 * Math.sin(2 * Math.PI * (180 + 40 * index) * i / 16_000.0));
        }
        return chunk(face, noFace, index, 16_000, 1, speech);
    }

    /** Chunk {@code index} of a clip at 25 fps: 8 frames, the first 5 with a face, and their audio. */
    private static Chunk chunk(TestFrames.Frame face, TestFrames.Frame noFace, int index, int sampleRate,
            int channels, short[] audio) {
        ClipManifest m = TestManifests.of("clip", face.width(), face.height(), 25, 1, 8, sampleRate, channels, 1L);
        byte[][] images = new byte[8][];
        for (int i = 0; i < images.length; i++) {
            TestFrames.Frame f = i < 5 ? face : noFace;
            images[i] = JpegCodec.encode(f.bgr(), f.width(), f.height(), 0.95f);
        }
        int perFrame = sampleRate / 25;
        return Chunk.of(m, index, false, index * 8L, images, index * 8L * perFrame, audio, index * 8L + 6,
                index * 8L * perFrame + 6L * perFrame, null);
    }

    /**
     * The transport layout reaches the model only through the mel windows: 48 kHz stereo gives it the
     * windows of the same sound at 16 kHz mono (up to resampling and s16 rounding), and its audio passes
     * through unchanged.
     */
    @Test
    void audioAt48kHzStereoGivesTheMelWindowsOf16kHzMonoAndPassesThrough() throws Exception {
        TestFrames.Frame messi = TestFrames.messi();
        TestFrames.Frame plain = TestFrames.smooth(messi.width(), messi.height());
        Chunk mono = chunk(messi, plain, 1, 16_000, 1, TestFrames.voice(16_000, 1, 8 * 640, 8 * 640));
        Chunk stereo = chunk(messi, plain, 1, 48_000, 2, TestFrames.voice(48_000, 2, 8 * 1920, 8 * 1920));
        short[] stereoAudio = stereo.getSamples().clone();

        DarkeningModel fromMono = new DarkeningModel();
        DarkeningModel fromStereo = new DarkeningModel();
        Chunk monoOut;
        Chunk stereoOut;
        try (LipSyncStage a = new LipSyncStage(fromMono, 1, Duration.ZERO, 0.95f);
                LipSyncStage b = new LipSyncStage(fromStereo, 1, Duration.ZERO, 0.95f)) {
            monoOut = a.process(mono);
            stereoOut = b.process(stereo);
        }

        assertThat(stereoOut.getSamples()).containsExactly(stereoAudio);
        assertThat(stereoOut.getImages()).hasNumberOfRows(8);
        assertThat(fromStereo.melWindows).hasSize(5).hasSameSizeAs(fromMono.melWindows);
        // 0.32 s of audio: 26 mel frames, windows from 0, 3, 6, 9 and 10 (the last that fits)
        int[] starts = MelWindows.starts(26, 5, 25, 1);
        double inner = 0;
        double edge = 0;
        for (int k = 0; k < 5; k++) {
            float[] got = fromStereo.melWindows.get(k);
            float[] want = fromMono.melWindows.get(k);
            for (int i = 0; i < got.length; i++) {
                int melFrame = starts[k] + i % MelWindows.STEP;
                double d = Math.abs(got[i] - want[i]);
                if (melFrame < 2 || melFrame >= 24) {
                    edge = Math.max(edge, d);
                } else {
                    inner = Math.max(inner, d);
                }
            }
        }
        System.out.printf("lip-sync stage, 48 kHz stereo vs 16 kHz mono: mel windows to the model differ by at most "
                + "%.4f (mel frames 2..23), %.4f (the first and last two, where the chunk cuts the sound)%n", inner,
                edge);
        // values span -4..4, 8 per 100 dB: 0.02 is a quarter of a dB. At the chunk's edges the 16 kHz
        // spectrogram mirrors the cut sound and the resampled one fades it: chunk context, crossfaded away
        assertThat(inner).isLessThan(0.02);
        // this model's mouths do not depend on the audio: the same frames come out, byte for byte
        assertThat(stereoOut.getImages()).isDeepEqualTo(monoOut.getImages());
        assertThat(stereoOut.getImages()[0]).isNotEqualTo(stereo.getImages()[0]);
    }

    @Test
    void theStageDeclaresTheContextItsFaceSearchReads() throws Exception {
        FaceSearch everyThird = new FaceSearch(3, false);
        try (LipSyncStage stage = new LipSyncStage(new DarkeningModel(), 4, Duration.ofMillis(5), 0.95f, everyThird)) {
            // no tracking to start afresh: 3 + 5 frames at 24 fps, longer than the 0.2 s mel window
            assertThat(stage.contextNeeded()).isEqualTo(LipSyncStage.contextNeeded(everyThird))
                    .isEqualTo(Duration.ofNanos(333_333_334L));
        }
    }

    @Test
    void facesAreReplacedInTheirBoxAndFramesWithoutAFacePassThrough() throws Exception {
        TestFrames.Frame messi = TestFrames.messi();
        TestFrames.Frame plain = TestFrames.smooth(messi.width(), messi.height());
        Chunk chunk = chunk(messi, plain, 0);
        try (LipSyncStage stage = new LipSyncStage(new DarkeningModel(), 4, Duration.ofMillis(5), 0.95f)) {
            Chunk out = stage.process(chunk);

            assertThat(stage.facesFound()).isEqualTo(5);
            assertThat(stage.framesWithoutFace()).isEqualTo(3);
            assertThat(stage.counts()).containsAllEntriesOf(Map.of(
                    LipSyncStage.FRAMES_WITH_FACE, 5L, LipSyncStage.FRAMES_WITHOUT_FACE, 3L,
                    LipSyncStage.FRAMES_WITHOUT_SPEECH, 0L, LipSyncStage.BATCHED_FRAMES, 5L));
            // five frames in batches of at most 4: two batches, or more where the batcher ran before all were queued
            assertThat(stage.counts().get(LipSyncStage.BATCHES)).isBetween(2L, 5L);
            assertThat(stage.counts()).hasSize(5);
            assertThat(stage.peaks()).as("no GPU memory on the CPU").isEmpty();
            for (int i = 5; i < 8; i++) {
                assertThat(out.getImages()[i]).as("frame %d has no face", i).isSameAs(chunk.getImages()[i]);
            }
            byte[] before = JpegCodec.decodeBgr(chunk.getImages()[0], messi.width(), messi.height());
            byte[] after = JpegCodec.decodeBgr(out.getImages()[0], messi.width(), messi.height());
            FaceBox face = TestFrames.MESSI_FACE;
            assertThat(meanDifference(before, after, messi.width(), face, true)).as("inside the face box")
                    .isGreaterThan(15);
            assertThat(meanDifference(before, after, messi.width(), face, false)).as("outside the face box")
                    .isLessThan(2);
            assertThat(out.getSamples()).isEqualTo(chunk.getSamples());
        }
    }

    @Test
    void afterDubbingFramesWhereTheDubDoesNotSpeakKeepTheirMouth() throws Exception {
        TestFrames.Frame messi = TestFrames.messi();
        TestFrames.Frame plain = TestFrames.smooth(messi.width(), messi.height());
        Chunk chunk = chunk(messi, plain, 0);
        // the dub speaks from frame 1's time to frame 3's: frames 1 and 2 of the five with a face
        long[] spoken = {chunk.framePtsMicros(1), chunk.framePtsMicros(3)};
        try (LipSyncStage stage = new LipSyncStage(new DarkeningModel(), 4, Duration.ofMillis(5), 0.95f)) {
            Chunk out = stage.process(chunk.withSpoken(spoken));

            assertThat(stage.counts()).containsAllEntriesOf(Map.of(
                    LipSyncStage.FRAMES_WITH_FACE, 2L, LipSyncStage.FRAMES_WITHOUT_FACE, 3L,
                    LipSyncStage.FRAMES_WITHOUT_SPEECH, 3L, LipSyncStage.BATCHED_FRAMES, 2L));
            for (int i : new int[] {0, 3, 4, 5, 6, 7}) {
                assertThat(out.getImages()[i]).as("frame %d", i).isSameAs(chunk.getImages()[i]);
            }
            for (int i : new int[] {1, 2}) {
                assertThat(out.getImages()[i]).as("frame %d", i).isNotEqualTo(chunk.getImages()[i]);
            }
        }
    }

    /**
     * The pipeline per batch gives what preparing the whole chunk, running the model on it and pasting it
     * gives, byte for byte, with one frame per batch (so that more groups wait for the model than the
     * stage lets a chunk have out, and the chunk's thread pastes while it prepares); and the frames the
     * model does not change leave as their original JPEG bytes: without a face, and outside the
     * script's lines.
     */
    @Test
    void pipelinedFramesEqualTheWholeChunksAndUnchangedFramesKeepTheirBytes() throws Exception {
        TestFrames.Frame messi = TestFrames.messi();
        TestFrames.Frame plain = TestFrames.smooth(messi.width(), messi.height());
        Chunk plainChunk = chunk(messi, plain, 0);
        // two script lines: frame 0's time to frame 2's, frame 3's to frame 4's (faces in frames 0-4)
        long[] lines = {plainChunk.framePtsMicros(0), plainChunk.framePtsMicros(2), plainChunk.framePtsMicros(3),
                plainChunk.framePtsMicros(4)};
        Chunk chunk = plainChunk.withSpoken(lines);
        byte[][] originals = new byte[8][];
        for (int i = 0; i < originals.length; i++) {
            originals[i] = chunk.getImages()[i].clone();
        }

        LipSyncFrames.Prepared prepared;
        try (LipSyncFrames frames = new LipSyncFrames(FaceSearch.DEFAULT)) {
            prepared = frames.prepare(chunk);
        }
        DarkeningModel whole = new DarkeningModel();
        float[][] outputs = new float[8][];
        for (int i : new int[] {0, 1, 3}) {
            outputs[i] = whole.predict(prepared.melWindow(i), prepared.faceInput(i), 1);
        }
        byte[][] expected = LipSyncFrames.paste(prepared, outputs, 0.95f);

        try (LipSyncStage stage = new LipSyncStage(new DarkeningModel(), 1, Duration.ZERO, 0.95f)) {
            Chunk out = stage.process(chunk);

            assertThat(out.getImages()).isDeepEqualTo(expected);
            for (int i : new int[] {0, 1, 3}) {
                assertThat(out.getImages()[i]).as("frame %d is spoken", i).isNotEqualTo(originals[i]);
            }
            for (int i : new int[] {2, 4}) {
                assertThat(out.getImages()[i]).as("frame %d has a face, outside the script's lines", i)
                        .isEqualTo(originals[i]).isSameAs(chunk.getImages()[i]);
            }
            for (int i : new int[] {5, 6, 7}) {
                assertThat(out.getImages()[i]).as("frame %d has no face", i)
                        .isEqualTo(originals[i]).isSameAs(chunk.getImages()[i]);
            }
            assertThat(stage.counts()).containsAllEntriesOf(Map.of(LipSyncStage.FRAMES_WITH_FACE, 3L,
                    LipSyncStage.FRAMES_WITHOUT_FACE, 3L, LipSyncStage.FRAMES_WITHOUT_SPEECH, 2L,
                    LipSyncStage.BATCHES, 3L, LipSyncStage.BATCHED_FRAMES, 3L));
        }
    }

    @Test
    void framesOfTwoChunksShareBatchesAndComeOutAsUnbatched() throws Exception {
        TestFrames.Frame messi = TestFrames.messi();
        TestFrames.Frame plain = TestFrames.smooth(messi.width(), messi.height());
        Chunk a = chunk(messi, plain, 0);
        Chunk b = chunk(messi, plain, 1);

        DarkeningModel single = new DarkeningModel();
        Chunk aAlone;
        Chunk bAlone;
        try (LipSyncStage stage = new LipSyncStage(single, 1, Duration.ZERO, 0.95f)) {
            aAlone = stage.process(a);
            bAlone = stage.process(b);
        }
        DarkeningModel batched = new DarkeningModel();
        Chunk aBatched;
        Chunk bBatched;
        try (LipSyncStage stage = new LipSyncStage(batched, 4, Duration.ofSeconds(2), 0.95f)) {
            CompletableFuture<Chunk> fa = CompletableFuture.supplyAsync(() -> process(stage, a));
            CompletableFuture<Chunk> fb = CompletableFuture.supplyAsync(() -> process(stage, b));
            aBatched = fa.get();
            bBatched = fb.get();
        }

        assertThat(single.batches).hasSize(10).containsOnly(1);
        // 10 faces in batches of 4 (the last one waits for its max wait, then runs with 2)
        assertThat(batched.batches).containsExactly(4, 4, 2);
        assertThat(aBatched).isEqualTo(aAlone);
        assertThat(bBatched).isEqualTo(bAlone);
    }

    private static Chunk process(LipSyncStage stage, Chunk chunk) {
        try {
            return stage.process(chunk);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static double meanDifference(byte[] a, byte[] b, int width, FaceBox box, boolean inside) {
        long sum = 0;
        long n = 0;
        int height = a.length / 3 / width;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                boolean in = x >= box.x1() && x < box.x2() && y >= box.y1() && y < box.y2();
                if (in != inside || (!inside && x >= box.x1() - 4 && x < box.x2() + 4 && y >= box.y1() - 4
                        && y < box.y2() + 16)) {
                    continue; // outside: keep clear of the box's edge (JPEG blocks, Wav2Lip's padding)
                }
                for (int c = 0; c < 3; c++) {
                    int p = (y * width + x) * 3 + c;
                    sum += Math.abs((a[p] & 0xff) - (b[p] & 0xff));
                    n++;
                }
            }
        }
        return (double) sum / n;
    }
}
