package io.dubstream.job.chunking;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.dubstream.connectors.records.AudioBlock;
import io.dubstream.connectors.records.ClipManifest;
import io.dubstream.connectors.records.EndOfClip;
import io.dubstream.connectors.records.VideoFrame;
import io.dubstream.job.records.Chunk;
import io.dubstream.job.records.ClipEvent;

/**
 * Cuts each clip into the overlapping chunks its {@link ChunkPlan} describes, and emits each chunk as
 * soon as all of its frames and samples are in, long before the clip's end. Keyed by clip id.
 *
 * <p>A clip's records come from three topics in any interleaving: the manifest may follow some
 * frames, audio may arrive entirely before the video. Frames are kept by index and audio blocks by
 * first sample, so order does not matter; a record already held, or below what was already
 * received contiguously, is a duplicate and ignored. Chunk {@code k} (not the last) is emitted when
 * the frames received contiguously from 0 reach both its end and the first frame of chunk
 * {@code k+1}'s core (so that it is certainly not the last), and the audio reaches its end sample.
 * Once the {@link EndOfClip} record is in and its totals are reached, the remaining chunks follow,
 * clamped to the totals, the last one carrying the end-of-clip record.
 *
 * <h2>State, per clip</h2>
 * <ul>
 *   <li>{@code manifest} and {@code end}: the clip's manifest and end-of-clip record, once seen;
 *   <li>{@code frames} ({@code MapState<Long, VideoFrame>}): by index, the frames that a chunk still
 *       to come needs; kept whole so that frames that came before the manifest can be checked
 *       against it;
 *   <li>{@code audio} ({@code MapState<Long, AudioBlock>}): by first sample, the blocks that a chunk
 *       still to come needs, a block that straddles a chunk's start included;
 *   <li>{@code progress} ({@link Progress}): chunks emitted, how far frames and audio are contiguous,
 *       counts received, the time of the last record and the one pending timer;
 *   <li>{@code finished}: after the clip ended, the time its last record was seen, and nothing else.
 * </ul>
 *
 * <h2>Why it is bounded</h2>
 * After chunk {@code k} is emitted, frames below chunk {@code k+1}'s first frame and blocks entirely
 * below its first sample are dropped: they belong to no later chunk. An upload that sends video and
 * audio together (as the uploader does) therefore holds at most one chunk with its context, about
 * 12 s of media with the defaults, however long the clip; only records that arrive far ahead of the
 * rest (audio before video) are held longer, and then only until the chunks that need them go out.
 * When the clip ends, completed or failed, all of it but the {@code finished} marker is cleared, and
 * the idle timer deleted.
 *
 * <h2>Failures</h2>
 * The clip fails, with one {@link Chunk#failure} marker that says why and how many chunks went out
 * before it, and all its state cleared, when its upload was aborted, when a frame's size or an
 * audio block's layout disagrees with the manifest, when the end-of-clip totals disagree with what
 * arrived, or when no record of the clip arrives for {@code idleTimeout} (processing time) before it
 * is complete: this also covers clips whose manifest never arrives. The idle check keeps one timer
 * per clip, not one per record: when it fires early it is moved to the last record's time plus the
 * timeout.
 *
 * <h2>Records after the end</h2>
 * A finished clip keeps only the {@code finished} marker, so that records still arriving for it
 * (duplicates, or the rest of an upload that resumed after its clip timed out) are dropped instead
 * of starting a new clip that would fail again. The marker goes, with its one timer, after
 * {@code 2 * idleTimeout} without any record of the clip; a record arriving later than that starts
 * the clip afresh and ends in an idle-timeout failure.
 *
 * <p>Records carrying a dead letter are not this operator's business and are ignored without state.
 */
public class ChunkAssembler extends KeyedProcessFunction<String, ClipEvent, Chunk> {

    private static final long serialVersionUID = 1L;

    private static final Logger LOG = LoggerFactory.getLogger(ChunkAssembler.class);

    private final Duration core;
    private final Duration context;
    private final long idleTimeoutMillis;
    private final long finishedRetentionMillis;

    private transient ValueState<ClipManifest> manifestState;
    private transient ValueState<EndOfClip> endState;
    private transient MapState<Long, VideoFrame> frames;
    private transient MapState<Long, AudioBlock> audio;
    private transient ValueState<Progress> progressState;
    private transient ValueState<Long> finishedState;

    /**
     * @param core the length of a chunk's core (10 s by default)
     * @param context how far a chunk reaches into its neighbours on each side (1 s by default)
     * @param idleTimeout how long a clip may go without a record before it fails
     */
    public ChunkAssembler(Duration core, Duration context, Duration idleTimeout) {
        this(core, context, idleTimeout, idleTimeout.multipliedBy(2));
    }

    /**
     * @param finishedRetention how long a finished clip's marker outlives its last record;
     *     {@link Duration#ZERO} keeps no marker and no timer: nothing of the clip is left after its end
     */
    public ChunkAssembler(Duration core, Duration context, Duration idleTimeout, Duration finishedRetention) {
        // ChunkPlan refuses a bad core or context with a clear message; check them now, not at the first clip.
        new ChunkPlan(1, 1, 0, core, context);
        if (idleTimeout.toMillis() <= 0) {
            throw new IllegalArgumentException("idle timeout must be positive, got " + idleTimeout);
        }
        if (finishedRetention.isNegative()) {
            throw new IllegalArgumentException("finished-clip retention must not be negative, got " + finishedRetention);
        }
        this.core = core;
        this.context = context;
        this.idleTimeoutMillis = idleTimeout.toMillis();
        this.finishedRetentionMillis = finishedRetention.toMillis();
    }

    @Override
    public void open(OpenContext openContext) {
        manifestState = getRuntimeContext().getState(
                new ValueStateDescriptor<>("manifest", TypeInformation.of(ClipManifest.class)));
        endState = getRuntimeContext().getState(new ValueStateDescriptor<>("end", TypeInformation.of(EndOfClip.class)));
        frames = getRuntimeContext().getMapState(
                new MapStateDescriptor<>("frames", Types.LONG, TypeInformation.of(VideoFrame.class)));
        audio = getRuntimeContext().getMapState(
                new MapStateDescriptor<>("audio", Types.LONG, TypeInformation.of(AudioBlock.class)));
        progressState = getRuntimeContext().getState(
                new ValueStateDescriptor<>("progress", TypeInformation.of(Progress.class)));
        finishedState = getRuntimeContext().getState(new ValueStateDescriptor<>("finished", Types.LONG));
    }

    @Override
    public void processElement(ClipEvent event, Context ctx, Collector<Chunk> out) throws Exception {
        if (event.getDeadLetter() != null) {
            return;
        }
        long now = ctx.timerService().currentProcessingTime();
        if (finishedState.value() != null) {
            finishedState.update(now);
            LOG.debug("Dropped {}: clip {} has finished", event, ctx.getCurrentKey());
            return;
        }
        Progress progress = progressState.value();
        if (progress == null) {
            progress = new Progress();
        }
        progress.lastSeenAt = now;
        if (progress.timerAt == 0) {
            progress.timerAt = now + idleTimeoutMillis;
            ctx.timerService().registerProcessingTimeTimer(progress.timerAt);
        }
        try {
            if (event.getManifest() != null) {
                onManifest(event.getManifest());
            } else if (event.getFrame() != null) {
                onFrame(event.getFrame(), progress);
            } else if (event.getAudio() != null) {
                onAudio(event.getAudio(), progress);
            } else if (event.getEnd() != null) {
                onEnd(event.getEnd());
            }
            emitReadyChunks(progress, ctx, out);
        } catch (ClipFailed e) {
            fail(ctx.getCurrentKey(), progress, e.getMessage(), ctx, out);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Chunk> out) throws Exception {
        Long finishedSeen = finishedState.value();
        if (finishedSeen != null) {
            if (timestamp >= finishedSeen + finishedRetentionMillis) {
                finishedState.clear();
            } else {
                ctx.timerService().registerProcessingTimeTimer(finishedSeen + finishedRetentionMillis);
            }
            return;
        }
        Progress progress = progressState.value();
        if (progress == null || progress.timerAt != timestamp) {
            return;
        }
        if (timestamp < progress.lastSeenAt + idleTimeoutMillis) {
            progress.timerAt = progress.lastSeenAt + idleTimeoutMillis;
            ctx.timerService().registerProcessingTimeTimer(progress.timerAt);
            progressState.update(progress);
            return;
        }
        progress.timerAt = 0;
        fail(ctx.getCurrentKey(), progress, idleReason(progress), ctx, out);
    }

    private void onManifest(ClipManifest manifest) throws Exception {
        ClipManifest known = manifestState.value();
        if (known != null) {
            if (!known.equals(manifest)) {
                throw new ClipFailed("a second, different manifest arrived: " + manifest + " after " + known);
            }
            LOG.debug("Ignored a duplicate manifest of clip {}", manifest.getClipId());
            return;
        }
        manifestState.update(manifest);
        // What arrived before the manifest could not be checked against it yet.
        for (VideoFrame frame : frames.values()) {
            checkFrame(frame, manifest);
        }
        for (AudioBlock block : audio.values()) {
            checkAudio(block, manifest);
        }
    }

    private void onFrame(VideoFrame frame, Progress progress) throws Exception {
        ClipManifest manifest = manifestState.value();
        if (manifest != null) {
            checkFrame(frame, manifest);
        }
        long index = frame.getFrameIndex();
        if (index < progress.framesContiguous || frames.contains(index)) {
            LOG.debug("Ignored duplicate frame {} of clip {}", index, frame.getClipId());
            return;
        }
        frames.put(index, frame);
        progress.framesReceived++;
        while (frames.contains(progress.framesContiguous)) {
            progress.framesContiguous++;
        }
    }

    private void onAudio(AudioBlock block, Progress progress) throws Exception {
        ClipManifest manifest = manifestState.value();
        if (manifest != null) {
            checkAudio(block, manifest);
        }
        long first = block.getFirstSample();
        if (block.sampleCount() == 0) {
            LOG.debug("Ignored an empty audio block at sample {} of clip {}", first, block.getClipId());
            return;
        }
        if (first < progress.samplesContiguous || audio.contains(first)) {
            LOG.debug("Ignored duplicate audio block at sample {} of clip {}", first, block.getClipId());
            return;
        }
        audio.put(first, block);
        progress.samplesReceived += block.sampleCount();
        AudioBlock next;
        while ((next = audio.get(progress.samplesContiguous)) != null) {
            progress.samplesContiguous += next.sampleCount();
        }
    }

    private void onEnd(EndOfClip end) throws Exception {
        if (end.getStatus() != EndOfClip.Status.COMPLETE) {
            throw new ClipFailed("upload " + (end.getStatus() == EndOfClip.Status.FAILED ? "failed" : "aborted")
                    + ": " + end.getReason());
        }
        EndOfClip known = endState.value();
        if (known != null) {
            if (!known.equals(end)) {
                throw new ClipFailed("a second, different end-of-clip record arrived: " + end + " after " + known);
            }
            LOG.debug("Ignored a duplicate end-of-clip record of clip {}", end.getClipId());
            return;
        }
        endState.update(end);
    }

    /** Emits every chunk that is complete; the rest of the clip when its totals are reached. */
    private void emitReadyChunks(Progress progress, Context ctx, Collector<Chunk> out) throws Exception {
        ClipManifest manifest = manifestState.value();
        if (manifest == null) {
            progressState.update(progress);
            return;
        }
        ChunkPlan plan = ChunkPlan.of(manifest, core, context);
        boolean hasAudio = manifest.hasAudio();
        EndOfClip end = endState.value();
        if (end != null && progress.framesContiguous >= end.getFramesSent()
                && (!hasAudio || progress.samplesContiguous >= end.getSamplesSent())) {
            checkTotals(end, manifest, progress);
            emitRest(plan, manifest, end, progress, out);
            finish(progress, ctx);
            return;
        }
        while (true) {
            int k = progress.chunksEmitted;
            if (progress.framesContiguous < Math.max(plan.endFrame(k), plan.coreFirstFrame(k + 1) + 1)
                    || hasAudio && progress.samplesContiguous < plan.endSample(k)) {
                break;
            }
            emit(manifest, progress, k, false, plan.firstFrame(k), plan.endFrame(k), plan.firstSample(k),
                    plan.endSample(k), plan.firstFrame(k + 1), plan.firstSample(k + 1), null, out);
        }
        progressState.update(progress);
    }

    private void checkTotals(EndOfClip end, ClipManifest manifest, Progress progress) throws ClipFailed {
        long framesSent = end.getFramesSent();
        long samplesSent = end.getSamplesSent();
        if (framesSent <= 0) {
            throw new ClipFailed("the end-of-clip record says the clip has " + framesSent + " frames");
        }
        if (progress.framesReceived != framesSent) {
            throw new ClipFailed(progress.framesReceived + " frames arrived but the end-of-clip record says "
                    + framesSent);
        }
        if (!manifest.hasAudio() && samplesSent != 0) {
            throw new ClipFailed("the end-of-clip record says " + samplesSent
                    + " samples but the manifest says the clip has no audio");
        }
        if (manifest.hasAudio() && progress.samplesReceived != samplesSent) {
            throw new ClipFailed(progress.samplesReceived + " samples arrived but the end-of-clip record says "
                    + samplesSent);
        }
    }

    /** The chunks not yet emitted, clamped to the clip's totals; the last one carries the end record. */
    private void emitRest(ChunkPlan plan, ClipManifest manifest, EndOfClip end, Progress progress,
            Collector<Chunk> out) throws Exception {
        long frameTotal = end.getFramesSent();
        long sampleTotal = end.getSamplesSent();
        int last = plan.chunkCount(frameTotal) - 1;
        for (int k = progress.chunksEmitted; k < last; k++) {
            emit(manifest, progress, k, false, plan.firstFrame(k), Math.min(plan.endFrame(k), frameTotal),
                    Math.min(plan.firstSample(k), sampleTotal), Math.min(plan.endSample(k), sampleTotal),
                    plan.firstFrame(k + 1), Math.min(plan.firstSample(k + 1), sampleTotal), null, out);
        }
        emit(manifest, progress, last, true, plan.firstFrame(last), frameTotal,
                Math.min(plan.firstSample(last), sampleTotal), sampleTotal, frameTotal, sampleTotal, end, out);
    }

    private void emit(ClipManifest manifest, Progress progress, int k, boolean last, long firstFrame, long endFrame,
            long firstSample, long endSample, long nextFirstFrame, long nextFirstSample, EndOfClip end,
            Collector<Chunk> out) throws Exception {
        byte[][] images = new byte[Math.toIntExact(endFrame - firstFrame)][];
        for (int i = 0; i < images.length; i++) {
            images[i] = frames.get(firstFrame + i).getImage();
        }
        short[] samples;
        if (manifest.hasAudio()) {
            samples = samplesBetween(heldRun(progress.audioHeldFrom, endSample), firstSample, endSample,
                    manifest.getChannels());
        } else {
            samples = new short[0];
            firstSample = 0;
            nextFirstSample = 0;
        }
        out.collect(Chunk.of(manifest, k, last, firstFrame, images, firstSample, samples, nextFirstFrame,
                nextFirstSample, end));
        progress.chunksEmitted = k + 1;
        if (!last) {
            // Nothing below the next chunk's start is needed again.
            for (long i = firstFrame; i < nextFirstFrame; i++) {
                frames.remove(i);
            }
            AudioBlock block;
            while ((block = audio.get(progress.audioHeldFrom)) != null
                    && progress.audioHeldFrom + block.sampleCount() <= nextFirstSample) {
                audio.remove(progress.audioHeldFrom);
                progress.audioHeldFrom += block.sampleCount();
            }
        }
    }

    /**
     * The contiguous run of held blocks from the one at {@code first} up to sample {@code end}.
     * Following the run, rather than reading every held block, leaves out any block that overlaps
     * it (a sender's error, which shows in the sample count at the end).
     */
    private List<AudioBlock> heldRun(long first, long end) throws Exception {
        List<AudioBlock> run = new ArrayList<>();
        for (long at = first; at < end; ) {
            AudioBlock block = audio.get(at);
            if (block == null) {
                throw new IllegalStateException("no audio block held at sample " + at + " below " + end);
            }
            run.add(block);
            at += block.sampleCount();
        }
        return run;
    }

    private void fail(String clipId, Progress progress, String reason, Context ctx, Collector<Chunk> out)
            throws Exception {
        LOG.warn("Clip {} failed after {} chunks: {}", clipId, progress.chunksEmitted, reason);
        out.collect(Chunk.failure(clipId, manifestState.value(), progress.chunksEmitted, reason));
        finish(progress, ctx);
    }

    /**
     * Clears the clip's state and timer, leaving only the finished marker and its expiry timer (none
     * when the retention is zero).
     */
    private void finish(Progress progress, Context ctx) throws Exception {
        if (progress.timerAt != 0) {
            ctx.timerService().deleteProcessingTimeTimer(progress.timerAt);
        }
        manifestState.clear();
        endState.clear();
        frames.clear();
        audio.clear();
        progressState.clear();
        if (finishedRetentionMillis == 0) {
            return;
        }
        long now = ctx.timerService().currentProcessingTime();
        finishedState.update(now);
        ctx.timerService().registerProcessingTimeTimer(now + finishedRetentionMillis);
    }

    private String idleReason(Progress progress) throws Exception {
        String seconds = BigDecimal.valueOf(idleTimeoutMillis, 3).stripTrailingZeros().toPlainString();
        String received = progress.framesReceived + " frames, " + progress.samplesReceived + " samples received"
                + (manifestState.value() == null ? ", no manifest" : "");
        EndOfClip end = endState.value();
        if (end == null) {
            return "no end-of-clip record within " + seconds + " s of the last record (" + received + ")";
        }
        return "clip incomplete " + seconds + " s after its last record: the end-of-clip record says "
                + end.getFramesSent() + " frames and " + end.getSamplesSent() + " samples (" + received + ")";
    }

    private static void checkFrame(VideoFrame frame, ClipManifest manifest) throws ClipFailed {
        if (frame.getWidth() != manifest.getWidth() || frame.getHeight() != manifest.getHeight()) {
            throw new ClipFailed("frame " + frame.getFrameIndex() + " is " + frame.getWidth() + "x" + frame.getHeight()
                    + " but the manifest says " + manifest.getWidth() + "x" + manifest.getHeight());
        }
    }

    private static void checkAudio(AudioBlock block, ClipManifest manifest) throws ClipFailed {
        if (!manifest.hasAudio()) {
            throw new ClipFailed("audio block at sample " + block.getFirstSample()
                    + " but the manifest says the clip has no audio");
        }
        if (block.getSampleRate() != manifest.getSampleRate() || block.getChannels() != manifest.getChannels()) {
            throw new ClipFailed("audio block at sample " + block.getFirstSample() + " is " + block.getSampleRate()
                    + " Hz x" + block.getChannels() + " but the manifest says " + manifest.getSampleRate() + " Hz x"
                    + manifest.getChannels());
        }
    }

    /**
     * Samples {@code [from, to)} (per channel) cut from blocks that cover them, interleaved. Blocks
     * may start before {@code from} or end after {@code to}; those outside the range are skipped.
     *
     * @throws IllegalStateException when the blocks do not cover the range exactly once
     */
    static short[] samplesBetween(Iterable<AudioBlock> blocks, long from, long to, int channels) {
        short[] samples = new short[Math.toIntExact((to - from) * channels)];
        long copied = 0;
        for (AudioBlock block : blocks) {
            long blockFirst = block.getFirstSample();
            long start = Math.max(blockFirst, from);
            long end = Math.min(blockFirst + block.sampleCount(), to);
            if (start < end) {
                System.arraycopy(block.getSamples(), Math.toIntExact((start - blockFirst) * channels), samples,
                        Math.toIntExact((start - from) * channels), Math.toIntExact((end - start) * channels));
                copied += end - start;
            }
        }
        if (copied != to - from) {
            throw new IllegalStateException("the audio blocks held cover " + copied + " of the " + (to - from)
                    + " samples from " + from);
        }
        return samples;
    }

    /** The frames held for the current key; for tests of the state bound. */
    int heldFrames() throws Exception {
        return count(frames.keys());
    }

    /** The audio blocks held for the current key; for tests of the state bound. */
    int heldAudioBlocks() throws Exception {
        return count(audio.keys());
    }

    private static int count(Iterable<Long> keys) {
        int n = 0;
        for (Long ignored : keys) {
            n++;
        }
        return n;
    }

    /**
     * How far a clip has come: a Flink POJO kept in one value state, read and written once per
     * record. Times are processing time in milliseconds; {@code timerAt} is 0 when no timer is set.
     */
    public static class Progress {
        /** Chunks emitted so far: the index of the next one. */
        public int chunksEmitted;
        /** Frames {@code 0 .. framesContiguous-1} have all arrived. */
        public long framesContiguous;
        /** Samples {@code 0 .. samplesContiguous-1} (per channel) have all arrived. */
        public long samplesContiguous;
        /** Distinct frames arrived. */
        public long framesReceived;
        /** Distinct samples (per channel) arrived. */
        public long samplesReceived;
        /** The first sample of the earliest block of that contiguous run still held. */
        public long audioHeldFrom;
        public long lastSeenAt;
        public long timerAt;

        public Progress() {}
    }

    /** The clip cannot be assembled; the message is the reason in its failure marker. */
    private static final class ClipFailed extends Exception {
        private static final long serialVersionUID = 1L;

        ClipFailed(String reason) {
            super(reason, null, false, false);
        }
    }
}
