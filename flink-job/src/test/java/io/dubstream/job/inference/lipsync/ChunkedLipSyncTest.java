package io.dubstream.job.inference.lipsync;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.dubstream.connectors.format.RecordLimits;
import io.dubstream.connectors.media.JpegCodec;
import io.dubstream.connectors.records.ClipManifest;
import io.dubstream.connectors.records.EndOfClip;
import io.dubstream.connectors.records.TestManifests;
import io.dubstream.job.audio.SampleTimes;
import io.dubstream.job.merge.OverlapAddMerger;
import io.dubstream.job.records.Chunk;
import io.dubstream.job.records.ClipEvent;

/**
 * Seams are exact: a clip with a real face, cut into chunks with context as the assembler cuts them,
 * lip-synced chunk by chunk and merged, gives the very frames (JPEG bytes) and audio that lip-syncing the
 * clip whole gives, with the same deterministic model.
 *
 * <p>The face moves (so that tracking and smoothing matter), leaves the picture for a few frames in the
 * context of a seam, and the cuts fall between mel frames (so that each chunk's mel windows must be
 * placed on the clip's mel grid). Bit-exactness is the right bar: a frame's output is decoded input,
 * a model output and one JPEG encoding, all deterministic, so any difference in a box, a crop, a mel
 * window or the merge shows as a different byte.
 */
class ChunkedLipSyncTest {

    private static final int FPS = 25;
    private static final int FRAMES = 250;
    private static final long FRAME_MICROS = 1_000_000L / FPS;
    private static final long CONTEXT_MICROS = 1_000_000;
    /** Cores [0, 3.04 s), [3.04, 6.12 s), [6.12, 10 s): the cuts fall inside mel frames (80 per second). */
    private static final long[] CUTS = {3_040_000, 6_120_000};
    private static final float JPEG_QUALITY = 0.9f;

    /**
     * A deterministic model in plain Java whose mouth depends on every value of its audio window and on
     * the reference face: the face dimmed, each pixel shifted by one of the 1280 mel values.
     */
    static final class MelShadedModel implements LipSyncModel {

        @Override
        public String name() {
            return "mel-shaded";
        }

        @Override
        public int preferredBatchSize() {
            return 8;
        }

        @Override
        public float[] predict(float[] mels, float[] faces, int batch) {
            LipSyncModel.checkInputs(mels, faces, batch);
            int plane = FACE_SIZE * FACE_SIZE;
            float[] out = new float[batch * MOUTH_FLOATS];
            for (int b = 0; b < batch; b++) {
                for (int i = 0; i < 3 * plane; i++) {
                    float mel = mels[b * MEL_FLOATS + (i * 7) % MEL_FLOATS];
                    out[b * MOUTH_FLOATS + i] = 0.15f + 0.6f * faces[b * FACE_FLOATS + 3 * plane + i] + 0.05f * mel;
                }
            }
            return out;
        }

        @Override
        public void close() {}
    }

    @ParameterizedTest(name = "{0} Hz, {1} channel(s), faces detected every {2} frame(s)")
    @CsvSource({"16000, 1, 1", "44100, 2, 3"})
    void chunkedOutputEqualsTheWholeClipsFrameByFrame(int rate, int channels, int detectEvery) throws Exception {
        TestFrames.Frame messi = TestFrames.messi();
        int w = messi.width();
        int h = messi.height();
        TestFrames.Frame plain = TestFrames.smooth(w, h);
        byte[][] jpegs = new byte[FRAMES][];
        for (int f = 0; f < FRAMES; f++) {
            // no face for a few frames before the first seam and after the second, in their contexts
            boolean away = (f >= 66 && f < 70) || (f >= 160 && f < 163);
            byte[] bgr = away ? plain.bgr() : shifted(messi.bgr(), w, h,
                    (int) Math.round(9 * Math.sin(2 * Math.PI * f / 47)), (int) Math.round(5 * Math.sin(2 * Math.PI * f / 31)));
            jpegs[f] = JpegCodec.encode(bgr, w, h, JPEG_QUALITY);
        }
        int samples = (int) ((long) FRAMES * rate / FPS);
        short[] audio = TestFrames.voice(rate, channels, 0, samples);
        ClipManifest m = TestManifests.of("face", w, h, FPS, 1, FRAMES, rate, channels, 1L);
        EndOfClip end = new EndOfClip("face", FRAMES, samples, EndOfClip.Status.COMPLETE, "", 2L);
        FaceSearch search = new FaceSearch(detectEvery, true);

        Chunk whole = Chunk.whole(m, jpegs, audio, end).withTimes(pts(0, FRAMES), 0, FRAMES * FRAME_MICROS, "", null);
        Chunk wholeOut;
        try (LipSyncStage stage = new LipSyncStage(new MelShadedModel(), 8, Duration.ZERO, JPEG_QUALITY, search)) {
            wholeOut = stage.process(whole);
        }
        List<Chunk> chunkedOut = new ArrayList<>();
        try (LipSyncStage stage = new LipSyncStage(new MelShadedModel(), 8, Duration.ZERO, JPEG_QUALITY, search)) {
            for (Chunk chunk : chunks(m, jpegs, audio, end)) {
                chunkedOut.add(stage.process(chunk));
            }
        }

        Merged wholeMerged = merge(m, List.of(wholeOut));
        Merged chunkedMerged = merge(m, chunkedOut);
        assertThat(wholeMerged.frames).hasSize(FRAMES);
        int synced = 0;
        for (int f = 0; f < FRAMES; f++) {
            synced += Arrays.equals(wholeMerged.frames.get(f), jpegs[f]) ? 0 : 1;
        }
        assertThat(synced).as("frames lip-synced in the whole clip's run").isGreaterThan(FRAMES - 7 - 15);

        assertThat(chunkedMerged.frames).hasSize(FRAMES);
        List<String> differ = new ArrayList<>();
        for (int f = 0; f < FRAMES; f++) {
            byte[] got = chunkedMerged.frames.get(f);
            byte[] want = wholeMerged.frames.get(f);
            if (!Arrays.equals(got, want)) {
                differ.add(f + (Arrays.equals(got, jpegs[f]) ? " (not lip-synced)" : "") + ": max "
                        + maxDifference(got, want, w, h));
            }
        }
        assertThat(differ).as("frames of the chunked run that differ from the whole clip's run (frame: the largest "
                + "pixel difference); seams at frames 76 and 153").isEmpty();
        assertThat(chunkedMerged.audio).isEqualTo(wholeMerged.audio);
    }

    /** The clip's chunks as the assembler cuts them at {@link #CUTS}, with 1 s of context on each side. */
    private static List<Chunk> chunks(ClipManifest m, byte[][] jpegs, short[] audio, EndOfClip end) {
        int channels = m.getChannels();
        int rate = m.getSampleRate();
        long totalSamples = audio.length / channels;
        List<Chunk> chunks = new ArrayList<>();
        long coreStart = 0;
        for (int k = 0; k <= CUTS.length; k++) {
            boolean last = k == CUTS.length;
            long cut = last ? FRAMES * FRAME_MICROS : CUTS[k];
            int f0 = frameAtOrAfter(coreStart - CONTEXT_MICROS);
            int f1 = last ? FRAMES : frameAtOrAfter(cut + CONTEXT_MICROS);
            long s0 = SampleTimes.sampleAt(coreStart - CONTEXT_MICROS, rate);
            long s1 = last ? totalSamples : Math.min(totalSamples, SampleTimes.sampleAt(cut + CONTEXT_MICROS, rate));
            long nextFrame = last ? FRAMES : frameAtOrAfter(cut - CONTEXT_MICROS);
            long nextSample = last ? totalSamples : SampleTimes.sampleAt(cut - CONTEXT_MICROS, rate);
            Chunk chunk = Chunk.of(m, k, last, f0, Arrays.copyOfRange(jpegs, f0, f1), s0,
                    Arrays.copyOfRange(audio, (int) s0 * channels, (int) s1 * channels), nextFrame, nextSample,
                    last ? end : null);
            chunks.add(chunk.withTimes(pts(f0, f1), coreStart, cut, last ? "" : "quietest", null));
            coreStart = cut;
        }
        return chunks;
    }

    private static int frameAtOrAfter(long micros) {
        return (int) Math.max(0, -Math.floorDiv(-micros, FRAME_MICROS));
    }

    private static long[] pts(int from, int to) {
        long[] pts = new long[to - from];
        for (int i = 0; i < pts.length; i++) {
            pts[i] = (from + i) * FRAME_MICROS;
        }
        return pts;
    }

    /** What the merger emits for a clip: its frames' JPEGs in order and its audio. */
    private record Merged(List<byte[]> frames, short[] audio) {}

    private static Merged merge(ClipManifest m, List<Chunk> chunks) throws Exception {
        OverlapAddMerger merger = new OverlapAddMerger(JPEG_QUALITY, OverlapAddMerger.DEFAULT_AUDIO_BLOCK_MILLIS,
                RecordLimits.DEFAULTS, Duration.ofMinutes(20));
        try (KeyedOneInputStreamOperatorTestHarness<String, Chunk, ClipEvent> harness =
                new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(merger), Chunk::getClipId,
                        Types.STRING)) {
            harness.open();
            harness.processElement(Chunk.clipStarted(m), 0L);
            for (Chunk chunk : chunks) {
                harness.processElement(chunk, 0L);
            }
            List<byte[]> frames = new ArrayList<>();
            ByteArrayOutputStream audio = new ByteArrayOutputStream();
            for (ClipEvent e : harness.extractOutputValues()) {
                if (e.getFrame() != null) {
                    frames.add(e.getFrame().getImage());
                }
                if (e.getAudio() != null) {
                    for (short s : e.getAudio().getSamples()) {
                        audio.write(s & 0xff);
                        audio.write(s >> 8 & 0xff);
                    }
                }
                if (e.getEnd() != null) {
                    assertThat(e.getEnd().getStatus()).as(e.getEnd().getReason()).isEqualTo(EndOfClip.Status.COMPLETE);
                }
            }
            byte[] bytes = audio.toByteArray();
            short[] samples = new short[bytes.length / 2];
            for (int i = 0; i < samples.length; i++) {
                samples[i] = (short) ((bytes[2 * i] & 0xff) | bytes[2 * i + 1] << 8);
            }
            return new Merged(frames, samples);
        }
    }

    /** The picture moved by {@code (dx, dy)}, the edges repeated. */
    private static byte[] shifted(byte[] bgr, int w, int h, int dx, int dy) {
        byte[] out = new byte[bgr.length];
        for (int y = 0; y < h; y++) {
            int sy = Math.max(0, Math.min(h - 1, y - dy));
            for (int x = 0; x < w; x++) {
                int sx = Math.max(0, Math.min(w - 1, x - dx));
                System.arraycopy(bgr, (sy * w + sx) * 3, out, (y * w + x) * 3, 3);
            }
        }
        return out;
    }

    private static int maxDifference(byte[] a, byte[] b, int w, int h) {
        byte[] x = JpegCodec.decodeBgr(a, w, h);
        byte[] y = JpegCodec.decodeBgr(b, w, h);
        int max = 0;
        for (int i = 0; i < x.length; i++) {
            max = Math.max(max, Math.abs((x[i] & 0xff) - (y[i] & 0xff)));
        }
        return max;
    }
}
