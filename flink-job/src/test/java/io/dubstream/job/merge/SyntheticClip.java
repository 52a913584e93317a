package io.dubstream.job.merge;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.dubstream.connectors.media.JpegCodec;
import io.dubstream.connectors.records.ClipManifest;
import io.dubstream.connectors.records.TestManifests;
import io.dubstream.connectors.records.ClipMode;
import io.dubstream.connectors.records.EndOfClip;
import io.dubstream.connectors.records.ProcessingNote;
import io.dubstream.job.chunking.ChunkPlan;
import io.dubstream.job.records.Chunk;

/**
 * A small clip made up for the merger tests: real JPEG frames (256x64, a different picture in every
 * frame, the frame index as a barcode in the top rows) and 16 kHz audio (mono unless asked
 * otherwise; each channel its own tones) with a deterministic
 * waveform that touches both ends of the 16-bit range, cut into chunks exactly as {@link ChunkPlan}
 * with a 10 s core and 1 s context says.
 */
final class SyntheticClip {

    static final int WIDTH = 256;
    static final int HEIGHT = 64;
    static final int SAMPLE_RATE = 16_000;
    static final float JPEG_QUALITY = 0.9f;
    static final long CREATED_AT_MILLIS = 1_764_000_000_000L;
    static final long FINISHED_AT_MILLIS = 1_764_000_654_321L;
    static final Duration CORE = Duration.ofSeconds(10);
    static final Duration CONTEXT = Duration.ofSeconds(1);

    /** Encoded frames by picture seed, shared by the tests (encoding is the slow part). */
    private static final Map<Integer, List<byte[]>> JPEGS = new ConcurrentHashMap<>();

    final ClipManifest manifest;
    final byte[][] jpegs;
    final short[] samples;
    final EndOfClip end;

    final int channels;

    private SyntheticClip(ClipManifest manifest, byte[][] jpegs, short[] samples, int channels) {
        this.manifest = manifest;
        this.jpegs = jpegs;
        this.samples = samples;
        this.channels = channels;
        this.end = EndOfClip.complete(manifest.getClipId(), jpegs.length, sampleCount(), FINISHED_AT_MILLIS);
    }

    /** A mono clip of {@code frames} frames at {@code fpsNum/fpsDen} and {@code sampleCount} samples. */
    static SyntheticClip of(String clipId, int fpsNum, int fpsDen, int frames, int sampleCount, int seed) {
        return of(clipId, fpsNum, fpsDen, frames, sampleCount, 1, seed);
    }

    /**
     * A clip of {@code frames} frames at {@code fpsNum/fpsDen} and {@code sampleCount} samples per
     * channel at 16 kHz; {@code channels} 0 makes a clip without audio.
     */
    static SyntheticClip of(String clipId, int fpsNum, int fpsDen, int frames, int sampleCount, int channels,
            int seed) {
        ClipManifest m = TestManifests.of(clipId, WIDTH, HEIGHT, fpsNum, fpsDen, frames, SAMPLE_RATE, channels,
                CREATED_AT_MILLIS);
        byte[][] jpegs = frames(seed, frames);
        short[] samples = new short[channels == 0 ? 0 : sampleCount * channels];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = sample(i / channels, seed + 17 * (i % channels));
        }
        return new SyntheticClip(m, jpegs, samples, channels);
    }

    /** A clip of {@code seconds} at 25 fps with exactly as much audio. */
    static SyntheticClip at25Fps(String clipId, double seconds, int seed) {
        return of(clipId, 25, 1, (int) Math.round(seconds * 25), (int) Math.round(seconds * SAMPLE_RATE), seed);
    }

    int frameCount() {
        return jpegs.length;
    }

    /** Samples per channel. */
    int sampleCount() {
        return channels == 0 ? 0 : samples.length / channels;
    }

    /**
     * The end-of-clip record the merger writes after the clip's chunks: the input's, with the mode
     * and the chunk count as its reason.
     */
    EndOfClip mergedEnd() {
        return mergedEnd(ClipMode.CHUNKED, plan().chunkCount(jpegs.length));
    }

    EndOfClip mergedEnd(ClipMode mode, int chunks) {
        return new EndOfClip(manifest.getClipId(), end.getFramesSent(), end.getSamplesSent(), EndOfClip.Status.COMPLETE,
                new ProcessingNote(mode, chunks).text(), end.getFinishedAtMillis());
    }

    /** The clip as one chunk, as it runs whole. */
    Chunk wholeChunk() {
        return Chunk.whole(manifest, jpegs, samples, end);
    }

    ChunkPlan plan() {
        return ChunkPlan.of(manifest, CORE, CONTEXT);
    }

    /**
     * The clip's chunks as the plan cuts them: chunk {@code k} holds frames
     * {@code [firstFrame(k), min(endFrame(k), total))} (the last one to the end) and the same for
     * samples; the next one starts at {@code firstFrame(k+1)}; the last one carries the clip's end.
     */
    List<Chunk> chunks() {
        ChunkPlan plan = plan();
        int count = plan.chunkCount(jpegs.length);
        List<Chunk> chunks = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            boolean last = k == count - 1;
            int f0 = (int) plan.firstFrame(k);
            int f1 = last ? jpegs.length : (int) Math.min(plan.endFrame(k), jpegs.length);
            int total = sampleCount();
            int s0 = (int) Math.min(plan.firstSample(k), total);
            int s1 = last ? total : (int) Math.min(plan.endSample(k), total);
            long nextFrame = last ? f1 : plan.firstFrame(k + 1);
            long nextSample = last ? s1 : Math.min(plan.firstSample(k + 1), s1);
            int ch = Math.max(1, channels);
            chunks.add(Chunk.of(manifest, k, last, f0, Arrays.copyOfRange(jpegs, f0, f1), s0,
                    Arrays.copyOfRange(samples, s0 * ch, s1 * ch), nextFrame, nextSample, last ? end : null));
        }
        return chunks;
    }

    /** Frame {@code i}'s picture: gradients that move with the frame, the frame index as a barcode. */
    static byte[] picture(int i, int seed) {
        byte[] bgr = new byte[WIDTH * HEIGHT * 3];
        for (int y = 0; y < HEIGHT; y++) {
            for (int x = 0; x < WIDTH; x++) {
                int p = (y * WIDTH + x) * 3;
                if (y < 8) {
                    int bit = (i >> (x / 16)) & 1;
                    bgr[p] = bgr[p + 1] = bgr[p + 2] = (byte) (bit == 1 ? 230 : 25);
                } else {
                    bgr[p] = (byte) (x + 3 * i + seed);
                    bgr[p + 1] = (byte) (2 * y + 5 * i);
                    bgr[p + 2] = (byte) (((x / 16 + y / 16) * 24 + 11 * i + 7 * seed) % 200);
                }
            }
        }
        return bgr;
    }

    /** Two tones, a slow ramp, and now and then a sample at either end of the 16-bit range. */
    static short sample(long i, int seed) {
        if (i % 10_007 == 5) {
            return Short.MAX_VALUE;
        }
        if (i % 10_009 == 7) {
            return Short.MIN_VALUE;
        }
        double t = (double) i / SAMPLE_RATE;
        double v = 9000 * Math.sin(2 * Math.PI * (220 + seed) * t) + 5000 * Math.sin(2 * Math.PI * 1234.5 * t + 0.3)
                + (i % 97) - 48;
        return (short) Math.round(v);
    }

    private static byte[][] frames(int seed, int count) {
        List<byte[]> cache = JPEGS.computeIfAbsent(seed, s -> new ArrayList<>());
        synchronized (cache) {
            for (int i = cache.size(); i < count; i++) {
                cache.add(JpegCodec.encode(picture(i, seed), WIDTH, HEIGHT, JPEG_QUALITY));
            }
            return cache.subList(0, count).toArray(new byte[0][]);
        }
    }
}
