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
 * @param maxHeldAudio the most audio held for a clip, as time at the blocks' rate; more fails it
 * @param maxFps the highest frame rate a clip's manifest may state; a faster clip fails
 */
public record AssemblerSettings(Duration core, Duration context, Duration hybridThreshold, Duration idleTimeout,
        Duration finishedRetention, int maxHeldFrames, Duration cutTolerance, Duration maxCore,
        Duration stalledInputTimeout, Duration maxHeldAudio, int maxFps) implements Serializable {

    /** What arrives beyond a chunk's window while it waits for the last of its media (audio and frames interleave). */
    static final Duration ARRIVAL_SLACK = Duration.ofSeconds(1);

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
        if (maxHeldAudio.toMillis() <= 0) {
            throw new IllegalArgumentException("the audio held per clip must be positive, got " + maxHeldAudio);
        }
        if (maxFps < 1) {
            throw new IllegalArgumentException("the highest frame rate must be at least 1, got " + maxFps);
        }
    }

    /**
     * The longest stretch of a clip the assembler may have to hold at once: a chunk's window at the
     * longest core (context on both sides) plus {@link #ARRIVAL_SLACK}, or a whole clip that runs as
     * one chunk, whichever is longer.
     */
    public Duration longestHeld() {
        Duration window = maxCore.plus(context.multipliedBy(2)).plus(ARRIVAL_SLACK);
        return window.compareTo(hybridThreshold) >= 0 ? window : hybridThreshold;
    }

    /**
     * Checks that no valid clip can reach the held frames or audio caps by itself: at the highest
     * frame rate, {@link #longestHeld()} of frames and of audio must fit. The caps are there for clips
     * that never complete a chunk (no manifest, a gap), not for long chunks at high frame rates.
     *
     * @throws IllegalArgumentException naming the options to change
     */
    public AssemblerSettings checkCapsFitTheLongestChunk() {
        Duration longest = longestHeld();
        long frames = (long) Math.ceil(longest.toNanos() / 1e9 * maxFps) + 1;
        if (maxHeldFrames < frames) {
            throw new IllegalArgumentException(DubstreamOptions.CLIP_MAX_HELD_FRAMES.key() + " (" + maxHeldFrames
                    + ") is below the " + frames + " frames a valid clip may need held: " + longest.toMillis() / 1000.0
                    + " s (" + DubstreamOptions.CHUNK_MAX_CORE.key() + " plus twice " + DubstreamOptions.CHUNK_CONTEXT.key()
                    + " plus " + ARRIVAL_SLACK.toSeconds() + " s, or " + DubstreamOptions.CHUNK_HYBRID_THRESHOLD.key()
                    + ") at " + DubstreamOptions.CLIP_MAX_FPS.key() + " (" + maxFps + "); raise it or lower the others");
        }
        if (maxHeldAudio.compareTo(longest) < 0) {
            throw new IllegalArgumentException(DubstreamOptions.CLIP_MAX_HELD_AUDIO.key() + " (" + maxHeldAudio
                    + ") is below the " + longest + " of audio a valid clip may need held; raise it or lower "
                    + DubstreamOptions.CHUNK_MAX_CORE.key() + " or " + DubstreamOptions.CHUNK_HYBRID_THRESHOLD.key());
        }
        return this;
    }

    /**
     * Settings with fixed cores: no cut tolerance, so every core is {@code core} long; and the default
     * stalled-input timeout, or the idle timeout where that is longer.
     */
    public AssemblerSettings(Duration core, Duration context, Duration hybridThreshold, Duration idleTimeout,
            Duration finishedRetention, int maxHeldFrames) {
        this(core, context, hybridThreshold, idleTimeout, finishedRetention, maxHeldFrames, Duration.ZERO, core,
                max(DubstreamOptions.CLIP_STALLED_INPUT_TIMEOUT.defaultValue(), idleTimeout),
                DubstreamOptions.CLIP_MAX_HELD_AUDIO.defaultValue(), DubstreamOptions.CLIP_MAX_FPS.defaultValue());
    }

    /** The same settings with cuts that move up to {@code tolerance} to fall between lines or in silence. */
    public AssemblerSettings withCuts(Duration tolerance, Duration longestCore) {
        return new AssemblerSettings(core, context, hybridThreshold, idleTimeout, finishedRetention, maxHeldFrames,
                tolerance, longestCore, stalledInputTimeout, maxHeldAudio, maxFps);
    }

    /** The same settings with another stalled-input timeout. */
    public AssemblerSettings withStalledInputTimeout(Duration timeout) {
        return new AssemblerSettings(core, context, hybridThreshold, idleTimeout, finishedRetention, maxHeldFrames,
                cutTolerance, maxCore, timeout, maxHeldAudio, maxFps);
    }

    /** The same settings with another cap on the audio held per clip. */
    public AssemblerSettings withMaxHeldAudio(Duration audio) {
        return new AssemblerSettings(core, context, hybridThreshold, idleTimeout, finishedRetention, maxHeldFrames,
                cutTolerance, maxCore, stalledInputTimeout, audio, maxFps);
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    /** The settings the job's options give, with caps that no valid clip reaches by itself. */
    public static AssemblerSettings of(Configuration conf) {
        return new AssemblerSettings(conf.get(DubstreamOptions.CHUNK_CORE), conf.get(DubstreamOptions.CHUNK_CONTEXT),
                conf.get(DubstreamOptions.CHUNK_HYBRID_THRESHOLD), conf.get(DubstreamOptions.CLIP_IDLE_TIMEOUT),
                conf.get(DubstreamOptions.CLIP_FINISHED_RETENTION), conf.get(DubstreamOptions.CLIP_MAX_HELD_FRAMES),
                conf.get(DubstreamOptions.CHUNK_CUT_TOLERANCE), conf.get(DubstreamOptions.CHUNK_MAX_CORE),
                conf.get(DubstreamOptions.CLIP_STALLED_INPUT_TIMEOUT), conf.get(DubstreamOptions.CLIP_MAX_HELD_AUDIO),
                conf.get(DubstreamOptions.CLIP_MAX_FPS)).checkCapsFitTheLongestChunk();
    }
}
