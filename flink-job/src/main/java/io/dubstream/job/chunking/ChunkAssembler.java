package io.dubstream.job.chunking;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.dubstream.connectors.records.AudioBlock;
import io.dubstream.connectors.records.ClipManifest;
import io.dubstream.connectors.records.ClipMode;
import io.dubstream.connectors.records.ClipRecord;
import io.dubstream.connectors.records.EndOfClip;
import io.dubstream.connectors.records.VideoFrame;
import io.dubstream.job.DubstreamOptions;
import io.dubstream.job.kafka.InputDeadLetters;
import io.dubstream.job.records.Chunk;
import io.dubstream.job.records.ClipEvent;

/**
 * Cuts each clip into the chunks it runs as, and emits each chunk as soon as all of its frames and
 * samples are in, long before the clip's end. Keyed by clip id.
 *
 * <h2>Whole or chunked</h2>
 * A clip no longer than the hybrid threshold runs <em>whole</em>: one chunk with all its frames and
 * samples and no overlap, emitted once its end-of-clip totals are reached. A longer clip is
 * <em>chunked</em>: the overlapping chunks of its {@link ChunkPlan}. {@link HybridThreshold} says
 * when the mode is decided (at the manifest when it states a duration, else at the first frame past
 * the threshold or at the end-of-clip record); until then no chunk goes out, so a clip without a
 * stated duration holds at most the threshold's worth of frames before it is decided. The mode is
 * on every chunk ({@link Chunk#getMode()}).
 *
 * <h2>Chunked clips</h2>
 * A clip's records come from three topics in any interleaving: the manifest may follow some
 * frames, audio may arrive entirely before the video. Frames are kept by index and audio blocks by
 * first sample, so order does not matter. Chunk {@code k} (not the last) is emitted when the frames
 * received contiguously from 0 reach both its end and the first frame of chunk {@code k+1}'s core
 * (so that it is certainly not the last), and the audio reaches its end sample. Once the
 * {@link EndOfClip} record is in and its totals are reached, the remaining chunks follow, clamped to
 * the totals, the last one carrying the end-of-clip record.
 *
 * <h2>Records it refuses</h2>
 * A record that is valid on its own but wrong for its clip goes to the {@link #DEAD_LETTERS} side
 * output as a dead letter with the reason ({@link InputDeadLetters}), never silently dropped:
 * <ul>
 *   <li>a duplicate (a frame index or audio block start already received, a manifest or end-of-clip
 *       record equal to the one held): the clip goes on;</li>
 *   <li>a frame at or past the end-of-clip record's frame count: the clip goes on without it (frames
 *       held before the record came are refused when it comes), unless a chunk already went out that
 *       assumed more frames, which fails the clip;</li>
 *   <li>any record of a clip that has ended, while its marker lasts (see below);</li>
 *   <li>the record that fails its clip (below).</li>
 * </ul>
 *
 * <h2>Failures</h2>
 * The clip fails, with one {@link Chunk#failure} marker that says why and how many chunks went out
 * before it, and all its state cleared, when its upload was aborted, when a frame's size or an
 * audio block's layout disagrees with the manifest, when a second, different manifest or end-of-clip
 * record arrives (two uploads under one clip id cannot be told apart), when the end-of-clip totals
 * disagree with what arrived, or when no record of the clip arrives for {@code idleTimeout}
 * (processing time) before it is complete: this also covers clips whose manifest never arrives. The
 * record that failed the clip becomes a dead letter with the same reason; an idle clip gets one
 * dead letter with the reason and the counts of what it held (no bytes: the records are still on the
 * input topics); an aborted upload gets none, the sender said so itself. The idle check keeps one
 * timer per clip, not one per record: when it fires early it is moved to the last record's time plus
 * the timeout.
 *
 * <h2>State, per clip</h2>
 * <ul>
 *   <li>{@code manifest} and {@code end}: the clip's manifest and end-of-clip record, once seen;
 *   <li>{@code frames} ({@code MapState<Long, VideoFrame>}): by index, the frames that a chunk still
 *       to come needs; kept whole so that frames that came before the manifest can be checked
 *       against it;
 *   <li>{@code audio} ({@code MapState<Long, AudioBlock>}): by first sample, the blocks that a chunk
 *       still to come needs, a block that straddles a chunk's start included;
 *   <li>{@code progress} ({@link Progress}): the mode, chunks emitted, how far frames and audio are
 *       contiguous, counts received, the time of the last record and the one pending timer;
 *   <li>{@code finished}: after the clip ended, the time its last record was seen; the manifest
 *       stays with it, so that a manifest sent again can be told from another clip's.
 * </ul>
 *
 * <h2>Why it is bounded</h2>
 * After chunk {@code k} is emitted, frames below chunk {@code k+1}'s first frame and blocks entirely
 * below its first sample are dropped: they belong to no later chunk. An upload that sends video and
 * audio together (as the uploader does) therefore holds at most one chunk with its context, about
 * 12 s of media with the defaults, however long the clip, or the whole clip when it runs whole (at
 * most the hybrid threshold, 15 s by default); only records that arrive far ahead of the rest (audio
 * before video) are held longer, and then only until the chunks that need them go out. When the clip
 * ends, completed or failed, all of it but the {@code finished} marker and the manifest is cleared,
 * and the idle timer deleted.
 *
 * <h2>Records after the end</h2>
 * A finished clip keeps only the {@code finished} marker and its manifest, so that records still
 * arriving for it (duplicates, a second upload under the same id, or the rest of an upload that
 * resumed after its clip timed out) become dead letters instead of starting a new clip that would
 * fail again. The marker goes, with its one timer, after the finished retention without any record
 * of the clip; a record arriving later than that starts the clip afresh and ends in an idle-timeout
 * failure.
 *
 * <p>Records carrying a dead letter are not this operator's business and are ignored without state.
 */
public class ChunkAssembler extends KeyedProcessFunction<String, ClipEvent, Chunk> {

    private static final long serialVersionUID = 1L;

    private static final Logger LOG = LoggerFactory.getLogger(ChunkAssembler.class);

    /** Dead letters of the records this operator refuses and of the clips that time out. */
    public static final OutputTag<ClipEvent> DEAD_LETTERS = new OutputTag<>("assembler-dead-letters",
            TypeInformation.of(ClipEvent.class));

    private final Duration core;
    private final Duration context;
    private final HybridThreshold hybrid;
    private final long idleTimeoutMillis;
    private final long finishedRetentionMillis;
    private final int maxHeldFrames;
    private final InputDeadLetters deadLetters;

    private transient ValueState<ClipManifest> manifestState;
    private transient ValueState<EndOfClip> endState;
    private transient MapState<Long, VideoFrame> frames;
    private transient MapState<Long, AudioBlock> audio;
    private transient ValueState<Progress> progressState;
    private transient ValueState<Long> finishedState;

    /** @param deadLetters makes the dead letters of the records it refuses */
    public ChunkAssembler(AssemblerSettings settings, InputDeadLetters deadLetters) {
        this.core = settings.core();
        this.context = settings.context();
        this.hybrid = new HybridThreshold(settings.hybridThreshold());
        this.idleTimeoutMillis = settings.idleTimeout().toMillis();
        this.maxHeldFrames = settings.maxHeldFrames();
        this.finishedRetentionMillis = settings.finishedRetention().toMillis();
        this.deadLetters = Objects.requireNonNull(deadLetters);
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
            refuse(event.record(), afterEndReason(event.record()), ctx);
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
                onManifest(event.getManifest(), ctx);
            } else if (event.getFrame() != null) {
                onFrame(event.getFrame(), progress, ctx);
            } else if (event.getAudio() != null) {
                onAudio(event.getAudio(), progress, ctx);
            } else if (event.getEnd() != null) {
                onEnd(event.getEnd(), progress, ctx);
            }
            emitReadyChunks(progress, ctx, out);
        } catch (ClipFailed e) {
            if (e.refused != null) {
                refuse(e.refused, e.getMessage(), ctx);
            }
            fail(ctx.getCurrentKey(), progress, e.getMessage(), ctx, out);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Chunk> out) throws Exception {
        Long finishedSeen = finishedState.value();
        if (finishedSeen != null) {
            if (timestamp >= finishedSeen + finishedRetentionMillis) {
                finishedState.clear();
                manifestState.clear();
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
        String clipId = ctx.getCurrentKey();
        String reason = idleReason(progress);
        ctx.output(DEAD_LETTERS, deadLetters.clipRefused(clipId, "clip " + clipId + " timed out: " + reason
                + "; dropped the " + count(frames.keys()) + " frames and " + count(audio.keys())
                + " audio blocks held", timestamp));
        fail(clipId, progress, reason, ctx, out);
    }

    private void onManifest(ClipManifest manifest, Context ctx) throws Exception {
        ClipManifest known = manifestState.value();
        if (known != null) {
            if (!known.equals(manifest)) {
                throw new ClipFailed("clip id " + manifest.getClipId() + " was uploaded twice: a second, different"
                        + " manifest arrived: " + manifest + " after " + known, manifest);
            }
            refuse(manifest, "duplicate manifest of clip " + manifest.getClipId(), ctx);
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

    private void onFrame(VideoFrame frame, Progress progress, Context ctx) throws Exception {
        ClipManifest manifest = manifestState.value();
        if (manifest != null) {
            checkFrame(frame, manifest);
        }
        long index = frame.getFrameIndex();
        EndOfClip end = endState.value();
        if (end != null && index >= end.getFramesSent()) {
            refuse(frame, pastEndReason(frame, end), ctx);
            return;
        }
        if (index < progress.framesContiguous || frames.contains(index)) {
            refuse(frame, "duplicate frame " + index + " of clip " + frame.getClipId(), ctx);
            return;
        }
        if (progress.framesHeld >= maxHeldFrames) {
            throw new ClipFailed("clip " + frame.getClipId() + " has " + progress.framesHeld + " frames held "
                    + waitingFor(progress) + " and frame " + index + " would be one more than "
                    + DubstreamOptions.CLIP_MAX_HELD_FRAMES.key() + " (" + maxHeldFrames + ") allows", frame);
        }
        frames.put(index, frame);
        progress.framesHeld++;
        progress.framesReceived++;
        progress.frameEnd = Math.max(progress.frameEnd, index + 1);
        while (frames.contains(progress.framesContiguous)) {
            progress.framesContiguous++;
        }
    }

    /** What the held frames wait for, for a message. */
    private String waitingFor(Progress progress) throws Exception {
        if (manifestState.value() == null) {
            return "waiting for its manifest";
        }
        if (progress.framesContiguous < progress.frameEnd) {
            return "waiting for frame " + progress.framesContiguous;
        }
        return "waiting for audio from sample " + progress.samplesContiguous;
    }

    private void onAudio(AudioBlock block, Progress progress, Context ctx) throws Exception {
        ClipManifest manifest = manifestState.value();
        if (manifest != null) {
            checkAudio(block, manifest);
        }
        long first = block.getFirstSample();
        if (block.sampleCount() == 0) {
            refuse(block, "empty audio block at sample " + first + " of clip " + block.getClipId(), ctx);
            return;
        }
        if (first < progress.samplesContiguous || audio.contains(first)) {
            refuse(block, "duplicate audio block at sample " + first + " of clip " + block.getClipId(), ctx);
            return;
        }
        EndOfClip end = endState.value();
        if (end != null && first >= end.getSamplesSent()) {
            refuse(block, pastEndReason(block, end), ctx);
            return;
        }
        audio.put(first, block);
        progress.samplesReceived += block.sampleCount();
        AudioBlock next;
        while ((next = audio.get(progress.samplesContiguous)) != null) {
            progress.samplesContiguous += next.sampleCount();
        }
    }

    private void onEnd(EndOfClip end, Progress progress, Context ctx) throws Exception {
        if (end.getStatus() != EndOfClip.Status.COMPLETE) {
            throw new ClipFailed("upload " + (end.getStatus() == EndOfClip.Status.FAILED ? "failed" : "aborted")
                    + ": " + end.getReason(), null);
        }
        EndOfClip known = endState.value();
        if (known != null) {
            if (!known.equals(end)) {
                throw new ClipFailed("a second, different end-of-clip record arrived: " + end + " after " + known, end);
            }
            refuse(end, "duplicate end-of-clip record of clip " + end.getClipId(), ctx);
            return;
        }
        endState.update(end);
        refuseFramesPastTheEnd(end, progress, ctx);
    }


    /**
     * Refuses the frames held at or past the end-of-clip record's frame count, which arrived before
     * it. A chunk already emitted as not the last assumed more frames than the record says: then
     * the clip fails.
     */
    private void refuseFramesPastTheEnd(EndOfClip end, Progress progress, Context ctx) throws Exception {
        long total = end.getFramesSent();
        if (progress.frameEnd <= total) {
            return;
        }
        if (progress.chunksEmitted > 0) {
            ChunkPlan plan = ChunkPlan.of(manifestState.value(), core, context);
            int k = progress.chunksEmitted - 1;
            long assumed = Math.max(plan.endFrame(k), plan.coreFirstFrame(k + 1) + 1);
            if (total < assumed) {
                throw new ClipFailed("the end-of-clip record says " + total + " frames, but chunk " + k
                        + " went out when " + assumed + " had arrived", end);
            }
        }
        List<Long> past = new ArrayList<>();
        for (Long index : frames.keys()) {
            if (index >= total) {
                past.add(index);
            }
        }
        Collections.sort(past);
        for (long index : past) {
            refuse(frames.get(index), pastEndReason(frames.get(index), end), ctx);
            frames.remove(index);
            progress.framesHeld--;
            progress.framesReceived--;
        }
        progress.frameEnd = total;
        progress.framesContiguous = Math.min(progress.framesContiguous, total);
    }

    /** Emits every chunk that is complete; the rest of the clip when its totals are reached. */
    private void emitReadyChunks(Progress progress, Context ctx, Collector<Chunk> out) throws Exception {
        ClipManifest manifest = manifestState.value();
        if (manifest == null) {
            progressState.update(progress);
            return;
        }
        EndOfClip end = endState.value();
        if (progress.mode != ClipMode.CHUNKED) {
            // once a chunk went out the clip is chunked, whatever state without a mode was restored
            progress.mode = progress.chunksEmitted > 0 ? ClipMode.CHUNKED
                    : hybrid.decide(manifest, progress.frameEnd, end);
        }
        ChunkPlan plan = ChunkPlan.of(manifest, core, context);
        boolean hasAudio = manifest.hasAudio();
        if (end != null && progress.framesContiguous >= end.getFramesSent()
                && (!hasAudio || progress.samplesContiguous >= end.getSamplesSent())) {
            checkTotals(end, manifest, progress);
            if (progress.mode == ClipMode.WHOLE) {
                out.collect(Chunk.whole(manifest, images(0, end.getFramesSent()),
                        samples(manifest, progress, 0, end.getSamplesSent()), end));
            } else {
                emitRest(plan, manifest, end, progress, out);
            }
            finish(progress, ctx);
            return;
        }
        while (progress.mode == ClipMode.CHUNKED) {
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
            throw new ClipFailed("the end-of-clip record says the clip has " + framesSent + " frames", end);
        }
        if (progress.framesReceived != framesSent) {
            throw new ClipFailed(progress.framesReceived + " frames arrived but the end-of-clip record says "
                    + framesSent, end);
        }
        if (!manifest.hasAudio() && samplesSent != 0) {
            throw new ClipFailed("the end-of-clip record says " + samplesSent
                    + " samples but the manifest says the clip has no audio", end);
        }
        if (manifest.hasAudio() && progress.samplesReceived != samplesSent) {
            throw new ClipFailed(progress.samplesReceived + " samples arrived but the end-of-clip record says "
                    + samplesSent, end);
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
        short[] samples = samples(manifest, progress, firstSample, endSample);
        if (!manifest.hasAudio()) {
            firstSample = 0;
            nextFirstSample = 0;
        }
        out.collect(Chunk.of(manifest, k, last, firstFrame, images(firstFrame, endFrame), firstSample, samples,
                nextFirstFrame, nextFirstSample, end));
        progress.chunksEmitted = k + 1;
        if (!last) {
            // Nothing below the next chunk's start is needed again.
            for (long i = firstFrame; i < nextFirstFrame; i++) {
                frames.remove(i);
            }
            // a state restored from before the count existed starts from 0
            progress.framesHeld = Math.max(0, progress.framesHeld - (nextFirstFrame - firstFrame));
            AudioBlock block;
            while ((block = audio.get(progress.audioHeldFrom)) != null
                    && progress.audioHeldFrom + block.sampleCount() <= nextFirstSample) {
                audio.remove(progress.audioHeldFrom);
                progress.audioHeldFrom += block.sampleCount();
            }
        }
    }

    /** The images of the held frames {@code [from, to)}. */
    private byte[][] images(long from, long to) throws Exception {
        byte[][] images = new byte[Math.toIntExact(to - from)][];
        for (int i = 0; i < images.length; i++) {
            images[i] = frames.get(from + i).getImage();
        }
        return images;
    }

    /** The held samples {@code [from, to)}, interleaved; none for a clip without audio. */
    private short[] samples(ClipManifest manifest, Progress progress, long from, long to) throws Exception {
        if (!manifest.hasAudio()) {
            return new short[0];
        }
        return samplesBetween(heldRun(progress.audioHeldFrom, to), from, to, manifest.getChannels());
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

    private void refuse(ClipRecord record, String reason, Context ctx) {
        LOG.debug("Refused {}: {}", record, reason);
        ctx.output(DEAD_LETTERS, deadLetters.refused(record, reason, ctx.timerService().currentProcessingTime()));
    }

    private void fail(String clipId, Progress progress, String reason, Context ctx, Collector<Chunk> out)
            throws Exception {
        LOG.warn("Clip {} failed after {} chunks: {}", clipId, progress.chunksEmitted, reason);
        out.collect(Chunk.failure(clipId, manifestState.value(), progress.mode, progress.chunksEmitted,
                deadLetters.fit(reason)));
        finish(progress, ctx);
    }

    /**
     * Clears the clip's state and timer, leaving only the finished marker, the manifest and the
     * marker's expiry timer (nothing at all when the retention is zero).
     */
    private void finish(Progress progress, Context ctx) throws Exception {
        if (progress.timerAt != 0) {
            ctx.timerService().deleteProcessingTimeTimer(progress.timerAt);
        }
        endState.clear();
        frames.clear();
        audio.clear();
        progressState.clear();
        if (finishedRetentionMillis == 0) {
            manifestState.clear();
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

    /** Why a record of a clip that has ended is refused. */
    private String afterEndReason(ClipRecord record) throws Exception {
        String clipId = record.getClipId();
        ClipManifest known = manifestState.value();
        if (record instanceof ClipManifest manifest && known != null) {
            return manifest.equals(known) ? "duplicate manifest of clip " + clipId + ", after the clip ended"
                    : "clip id " + clipId + " was uploaded twice: a different manifest arrived after the clip ended";
        }
        return describe(record) + " of clip " + clipId + " arrived after the clip ended";
    }

    private static String pastEndReason(VideoFrame frame, EndOfClip end) {
        return "frame " + frame.getFrameIndex() + " of clip " + frame.getClipId()
                + " is past its end: the end-of-clip record says " + end.getFramesSent() + " frames";
    }

    private static String pastEndReason(AudioBlock block, EndOfClip end) {
        return "audio block at sample " + block.getFirstSample() + " of clip " + block.getClipId()
                + " is past its end: the end-of-clip record says " + end.getSamplesSent() + " samples";
    }

    private static String describe(ClipRecord record) {
        return switch (record.recordType()) {
            case MANIFEST -> "manifest";
            case VIDEO_FRAME -> "frame " + ((VideoFrame) record).getFrameIndex();
            case AUDIO_BLOCK -> "audio block at sample " + ((AudioBlock) record).getFirstSample();
            case END_OF_CLIP -> "end-of-clip record";
            case DEAD_LETTER -> "dead letter";
            case CHUNK_STATUS -> "chunk status";
            case CLIP_STATUS -> "clip status";
            case SCRIPT_LINE -> "script line " + ((io.dubstream.connectors.records.ScriptLine) record).getLineIndex();
        };
    }

    private static void checkFrame(VideoFrame frame, ClipManifest manifest) throws ClipFailed {
        if (frame.getWidth() != manifest.getWidth() || frame.getHeight() != manifest.getHeight()) {
            throw new ClipFailed("frame " + frame.getFrameIndex() + " is " + frame.getWidth() + "x" + frame.getHeight()
                    + " but the manifest says " + manifest.getWidth() + "x" + manifest.getHeight(), frame);
        }
    }

    private static void checkAudio(AudioBlock block, ClipManifest manifest) throws ClipFailed {
        if (!manifest.hasAudio()) {
            throw new ClipFailed("audio block at sample " + block.getFirstSample()
                    + " but the manifest says the clip has no audio", block);
        }
        if (block.getSampleRate() != manifest.getSampleRate() || block.getChannels() != manifest.getChannels()) {
            throw new ClipFailed("audio block at sample " + block.getFirstSample() + " is " + block.getSampleRate()
                    + " Hz x" + block.getChannels() + " but the manifest says " + manifest.getSampleRate() + " Hz x"
                    + manifest.getChannels(), block);
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
        /** Whole or chunked; null while it cannot be told yet ({@link HybridThreshold}). */
        public ClipMode mode;
        /** Chunks emitted so far: the index of the next one. */
        public int chunksEmitted;
        /** Frames {@code 0 .. framesContiguous-1} have all arrived. */
        public long framesContiguous;
        /** Samples {@code 0 .. samplesContiguous-1} (per channel) have all arrived. */
        public long samplesContiguous;
        /** One past the highest frame index held or emitted. */
        public long frameEnd;
        /** Distinct frames arrived. */
        public long framesReceived;
        /** Frames held now (arrived and not yet dropped). */
        public long framesHeld;
        /** Distinct samples (per channel) arrived. */
        public long samplesReceived;
        /** The first sample of the earliest block of that contiguous run still held. */
        public long audioHeldFrom;
        public long lastSeenAt;
        public long timerAt;

        public Progress() {}
    }

    /**
     * The clip cannot be assembled; the message is the reason in its failure marker, {@code refused}
     * the record that failed it, if one did and it is not the sender's own notice.
     */
    private static final class ClipFailed extends Exception {
        private static final long serialVersionUID = 1L;

        final transient ClipRecord refused;

        ClipFailed(String reason, ClipRecord refused) {
            super(reason, null, false, false);
            this.refused = refused;
        }
    }
}
