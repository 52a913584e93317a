package io.dubstream.job.chunking;

import java.io.Serializable;
import java.time.Duration;

import io.dubstream.connectors.records.ClipManifest;

/**
 * Where a clip's chunks begin and end, in frames and samples.
 *
 * <p>Chunk {@code k} has the core {@code [k*core, (k+1)*core)} and reaches {@code context} further
 * on each side, clamped to the clip: with the defaults (10 s core, 1 s context) chunk {@code k}
 * covers {@code [10k-1, 10k+11)} seconds, so neighbours overlap by 2 s. A time {@code t} maps to the
 * first frame at or after it, {@code ceil(t * fps)}, and to sample {@code ceil(t * rate)}, in exact
 * integer arithmetic (fps is a rational, e.g. 30000/1001). A clip has one chunk per core start that
 * lies before its last frame; the last chunk runs to the clip's end, whatever the audio's length.
 */
public final class ChunkPlan implements Serializable {

    private static final long serialVersionUID = 1L;

    private final int fpsNum;
    private final int fpsDen;
    private final int sampleRate;
    private final long coreMillis;
    private final long contextMillis;

    public ChunkPlan(int fpsNum, int fpsDen, int sampleRate, Duration core, Duration context) {
        if (fpsNum <= 0 || fpsDen <= 0) {
            throw new IllegalArgumentException("frame rate must be positive, got " + fpsNum + "/" + fpsDen);
        }
        if (sampleRate < 0) {
            throw new IllegalArgumentException("sample rate must not be negative, got " + sampleRate);
        }
        if (core.toMillis() <= 0 || context.isNegative() || context.toMillis() * 2 > core.toMillis()) {
            throw new IllegalArgumentException("chunk core " + core + " must be positive and at least twice the context "
                    + context);
        }
        this.fpsNum = fpsNum;
        this.fpsDen = fpsDen;
        this.sampleRate = sampleRate;
        this.coreMillis = core.toMillis();
        this.contextMillis = context.toMillis();
    }

    /** The plan for a clip: its frame rate and transport sample rate (0 without audio). */
    public static ChunkPlan of(ClipManifest manifest, Duration core, Duration context) {
        return new ChunkPlan(manifest.getFpsNum(), manifest.getFpsDen(), manifest.getSampleRate(), core, context);
    }

    /** The first frame at or after {@code millis}. */
    public long frameAt(long millis) {
        return ceilDiv(Math.max(0, millis) * fpsNum, 1000L * fpsDen);
    }

    /** The first sample at or after {@code millis}. */
    public long sampleAt(long millis) {
        return ceilDiv(Math.max(0, millis) * sampleRate, 1000L);
    }

    /** The first frame of chunk {@code k}'s core. */
    public long coreFirstFrame(int k) {
        return frameAt(k * coreMillis);
    }

    /** The first frame of chunk {@code k}, context included. */
    public long firstFrame(int k) {
        return frameAt(k * coreMillis - contextMillis);
    }

    /** One past the last frame of chunk {@code k}, context included, if the clip is long enough. */
    public long endFrame(int k) {
        return frameAt((k + 1) * coreMillis + contextMillis);
    }

    public long firstSample(int k) {
        return sampleAt(k * coreMillis - contextMillis);
    }

    public long endSample(int k) {
        return sampleAt((k + 1) * coreMillis + contextMillis);
    }

    /** How many chunks a clip of {@code totalFrames} frames has (at least one). */
    public int chunkCount(long totalFrames) {
        int k = 1;
        while (coreFirstFrame(k) < totalFrames) {
            k++;
        }
        return k;
    }

    /**
     * Whether chunk {@code k} is certainly not the last once {@code framesSeen} frames are known to
     * exist: the next chunk's core has started.
     */
    public boolean hasNext(int k, long framesSeen) {
        return coreFirstFrame(k + 1) < framesSeen;
    }

    private static long ceilDiv(long a, long b) {
        return -Math.floorDiv(-a, b);
    }
}
