package io.dubstream.job.chunking;

import java.io.Serializable;
import java.time.Duration;

import org.apache.flink.configuration.Configuration;

import io.dubstream.job.DubstreamOptions;

/**
 * How {@link ChunkAssembler} cuts and times out clips, checked when built.
 *
 * @param core the length of a chunk's core (10 s by default)
 * @param context how far a chunk reaches into its neighbours on each side (1 s by default)
 * @param hybridThreshold clips no longer than this run as one chunk ({@link HybridThreshold}); zero
 *     chunks every clip
 * @param idleTimeout how long a clip may go without a record, in the input's time, before it fails
 * @param finishedRetention how long a finished clip's marker outlives its last record (processing time,
 *     counted from the restore at the earliest)
 * @param maxHeldFrames the most frames held for a clip; one more fails it
 * @param cutTolerance how far a cut may move from the nominal core length ({@link ChunkCutPlanner});
 *     zero gives fixed cores
 * @param maxCore the longest core a cut may stretch to before it falls inside a line
 * @param stalledInputTimeout how long a subtask may receive no record at all (processing time, counted
 *     from its start or restore) before its clips in progress fail; at least the idle timeout
 */
public record AssemblerSettings(Duration core, Duration context, Duration hybridThreshold, Duration idleTimeout,
        Duration finishedRetention, int maxHeldFrames, Duration cutTolerance, Duration maxCore,
        Duration stalledInputTimeout) implements Serializable {

    public AssemblerSettings {
        // The planners refuse a bad core, context or tolerance with a clear message; check them now, not at the first clip.
        new ChunkCutPlanner(core, cutTolerance, maxCore);
        if (context.isNegative()) {
            throw new IllegalArgumentException("chunk context " + context + " must not be negative");
        }
        if (core.minus(cutTolerance).compareTo(context.multipliedBy(2)) < 0) {
            throw new IllegalArgumentException("the shortest core, " + core + " minus the cut tolerance " + cutTolerance
                    + ", must be at least twice the context " + context);
        }
        new HybridThreshold(hybridThreshold);
        if (idleTimeout.toMillis() <= 0) {
            throw new IllegalArgumentException("idle timeout must be positive, got " + idleTimeout);
        }
        if (stalledInputTimeout.compareTo(idleTimeout) < 0) {
            throw new IllegalArgumentException("the stalled-input timeout " + stalledInputTimeout
                    + " must be at least the idle timeout " + idleTimeout);
        }
        if (finishedRetention.toMillis() <= 0) {
            throw new IllegalArgumentException("finished-clip retention must be positive, got " + finishedRetention);
        }
        if (maxHeldFrames < 1) {
            throw new IllegalArgumentException("the frames held per clip must be at least 1, got " + maxHeldFrames);
        }
    }

    /**
     * Settings with fixed cores: no cut tolerance, so every core is {@code core} long; and the default
     * stalled-input timeout, or the idle timeout where that is longer.
     */
    public AssemblerSettings(Duration core, Duration context, Duration hybridThreshold, Duration idleTimeout,
            Duration finishedRetention, int maxHeldFrames) {
        this(core, context, hybridThreshold, idleTimeout, finishedRetention, maxHeldFrames, Duration.ZERO, core,
                max(DubstreamOptions.CLIP_STALLED_INPUT_TIMEOUT.defaultValue(), idleTimeout));
    }

    /** The same settings with cuts that move up to {@code tolerance} to fall between lines or in silence. */
    public AssemblerSettings withCuts(Duration tolerance, Duration longestCore) {
        return new AssemblerSettings(core, context, hybridThreshold, idleTimeout, finishedRetention, maxHeldFrames,
                tolerance, longestCore, stalledInputTimeout);
    }

    /** The same settings with another stalled-input timeout. */
    public AssemblerSettings withStalledInputTimeout(Duration timeout) {
        return new AssemblerSettings(core, context, hybridThreshold, idleTimeout, finishedRetention, maxHeldFrames,
                cutTolerance, maxCore, timeout);
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    /** The settings the job's options give. */
    public static AssemblerSettings of(Configuration conf) {
        return new AssemblerSettings(conf.get(DubstreamOptions.CHUNK_CORE), conf.get(DubstreamOptions.CHUNK_CONTEXT),
                conf.get(DubstreamOptions.CHUNK_HYBRID_THRESHOLD), conf.get(DubstreamOptions.CLIP_IDLE_TIMEOUT),
                conf.get(DubstreamOptions.CLIP_FINISHED_RETENTION), conf.get(DubstreamOptions.CLIP_MAX_HELD_FRAMES),
                conf.get(DubstreamOptions.CHUNK_CUT_TOLERANCE), conf.get(DubstreamOptions.CHUNK_MAX_CORE),
                conf.get(DubstreamOptions.CLIP_STALLED_INPUT_TIMEOUT));
    }
}
