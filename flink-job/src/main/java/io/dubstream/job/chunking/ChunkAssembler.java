package io.dubstream.job.chunking;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.TimeDomain;
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
import io.dubstream.connectors.records.ScriptLine;
import io.dubstream.connectors.records.VideoFrame;
import io.dubstream.job.DubstreamOptions;
import io.dubstream.job.audio.SampleTimes;
import io.dubstream.job.chunking.ChunkCutPlanner.Cut;
import io.dubstream.job.chunking.ChunkCutPlanner.CutKind;
import io.dubstream.job.chunking.ChunkCutPlanner.Decision;
import io.dubstream.job.chunking.ChunkCutPlanner.Last;
import io.dubstream.job.chunking.ChunkCutPlanner.Wait;
import io.dubstream.job.kafka.InputDeadLetters;
import io.dubstream.job.records.Chunk;
import io.dubstream.job.records.ClipEvent;

/**
 * Cuts each clip into the chunks it runs as, and emits each chunk as soon as all of its frames,
 * samples and script lines are in, long before the clip's end. Keyed by clip id.
 *
 * <h2>Whole or chunked</h2>
 * A clip no longer than the hybrid threshold runs <em>whole</em>: one chunk with all its frames and
 * samples and no overlap, emitted once its end-of-clip totals are reached. A longer clip is
 * <em>chunked</em> into overlapping chunks. {@link HybridThreshold} says when the mode is decided (at
 * the manifest when it states a duration, else at the first frame past the threshold or at the
 * end-of-clip record); until then no chunk goes out. The mode is on every chunk
 * ({@link Chunk#getMode()}).
 *
 * <h2>Chunked clips: cut by time</h2>
 * Chunks are cut by presentation time, so a variable frame rate clip is cut where its frames really
 * are. Each core starts where the previous one was cut (the first at 0) and {@link ChunkCutPlanner}
 * decides where it ends: between script lines, or at the quietest audio without a script, within
 * the cut tolerance of the nominal core length. A chunk holds the frames whose presentation times
 * and the samples whose times lie in its core widened by the context on each side. It goes out once
 * its cut is decided (the media known up to the end of the cut window) and its frames and audio
 * reach the cut plus the context. A clip with a script waits for all of its lines (the manifest says
 * how many) before any chunk goes out; the uploader sends them before the frames. Once the
 * {@link EndOfClip} record is in and its totals are reached, the remaining chunks follow, the last
 * one carrying the end-of-clip record. Frames must come in order of presentation time: a frame whose
 * time is not after its predecessor's fails the clip.
 *
 * <h2>Clip started</h2>
 * When a clip's manifest arrives and is accepted, a {@link Chunk#clipStarted} marker goes to the
 * {@link #CLIPS_STARTED} side output, once per clip: the merger puts the manifest on the output from
 * it, so that readers of the output see the clip as soon as the job does, not only when its first
 * chunk has been processed (a clip run whole is one chunk, which may take minutes). The marker skips
 * inference, so it is not on the main output, which holds chunks and failure markers only.
 *
 * <h2>Records it refuses</h2>
 * A record that is valid on its own but wrong for its clip ({@link ClipRecordChecks}) goes to the
 * {@link #DEAD_LETTERS} side output as a dead letter with the reason ({@link InputDeadLetters}),
 * never silently dropped: duplicates; frames past the end-of-clip record's frame count; script lines
 * the manifest does not announce; any record of a clip that has ended, while its marker lasts; and
 * the record that fails its clip.
 *
 * <h2>Failures</h2>
 * The clip fails, with one {@link Chunk#failure} marker that says why and how many chunks went out
 * before it, and all its state cleared, when its upload was aborted, when a frame's size or an audio
 * block's layout disagrees with the manifest, when a second, different manifest, end-of-clip record
 * or script line arrives, when the end-of-clip totals disagree with what arrived, when frames go
 * back in time, when more than {@code maxHeldFrames} frames would be held, or when it is not complete
 * and its input has stopped ({@link ClipTimeouts}): no record of it while the input went on for the
 * idle timeout (in the input's time, the records' Kafka timestamps as the watermark has them, so
 * that neither a downtime nor a backlog counts), or no record of any clip reached the subtask for the
 * stalled-input timeout (processing time since its start or restore, for when there is no input at
 * all). Each check keeps one timer per clip, moved forward when it fires early. A bounded input read
 * to its end (the watermark at the end of time) fails the clips it left incomplete.
 *
 * <h2>State, per clip</h2>
 * The manifest, the end-of-clip record, the frames and audio blocks a chunk still to come needs
 * ({@link HeldMedia}), the script lines a chunk still to come overlaps, and one small
 * {@link Progress} record. After a chunk goes out, frames, blocks and lines below the next chunk's
 * start are dropped, so a clip whose video and audio arrive together holds at most one chunk with its
 * context and look-ahead, however long the clip. When the clip ends all of it is cleared but a
 * finished marker and the manifest, which refuse records still arriving for the clip until the
 * finished retention has passed without one (counted from the subtask's restore at the earliest, so
 * that stragglers read after a downtime are refused too). The merger keeps its own marker as long.
 *
 * <p>Records carrying a dead letter are not this operator's business and are ignored without state.
 */
public class ChunkAssembler extends KeyedProcessFunction<String, ClipEvent, Chunk> {

    private static final long serialVersionUID = 1L;

    private static final Logger LOG = LoggerFactory.getLogger(ChunkAssembler.class);

    /** Dead letters of the records this operator refuses and of the clips that time out. */
    public static final OutputTag<ClipEvent> DEAD_LETTERS = new OutputTag<>("assembler-dead-letters",
            TypeInformation.of(ClipEvent.class));

    /**
     * One {@link Chunk#clipStarted} marker per clip whose manifest was accepted, as it arrives; it
     * goes to the merger past inference.
     */
    public static final OutputTag<Chunk> CLIPS_STARTED = new OutputTag<>("clips-started",
            TypeInformation.of(Chunk.class));

    /** The metric counting the cuts that fell inside a script line: no gap within the longest core. */
    public static final String CUTS_INSIDE_LINES = "cutsInsideLines";
    /** The metric counting the frames of the chunks emitted, context included: what the models see. */
    public static final String CHUNK_FRAMES = "chunkFrames";

    /** The label of the last chunk's cut: it has none, it runs to the clip's end. */
    public static final String CUT_AT_END = "end";

    private final long contextMicros;
    private final ChunkCutPlanner planner;
    private final HybridThreshold hybrid;
    private final ClipTimeouts timeouts;
    private final int maxHeldFrames;
    private final java.time.Duration maxHeldAudio;
    private final int maxFps;
    private final InputDeadLetters deadLetters;

    private transient ValueState<ClipManifest> manifestState;
    private transient ValueState<EndOfClip> endState;
    private transient HeldMedia media;
    private transient HeldScript script;
    private transient ValueState<Progress> progressState;
    private transient ValueState<Long> finishedState;
    private transient Counter cutsInsideLines;
    private transient Counter chunkFrames;

    /** @param deadLetters makes the dead letters of the records it refuses */
    public ChunkAssembler(AssemblerSettings settings, InputDeadLetters deadLetters) {
        this.contextMicros = settings.context().toNanos() / 1000;
        this.planner = new ChunkCutPlanner(settings.core(), settings.cutTolerance(), settings.maxCore());
        this.hybrid = new HybridThreshold(settings.hybridThreshold());
        this.timeouts = new ClipTimeouts(settings.idleTimeout(), settings.stalledInputTimeout(),
                settings.finishedRetention());
        this.maxHeldFrames = settings.maxHeldFrames();
        this.maxHeldAudio = settings.maxHeldAudio();
        this.maxFps = settings.maxFps();
        this.deadLetters = Objects.requireNonNull(deadLetters);
    }

    @Override
    public void open(OpenContext openContext) {
        manifestState = getRuntimeContext().getState(
                new ValueStateDescriptor<>("manifest", TypeInformation.of(ClipManifest.class)));
        endState = getRuntimeContext().getState(new ValueStateDescriptor<>("end", TypeInformation.of(EndOfClip.class)));
        media = new HeldMedia(getRuntimeContext());
        script = new HeldScript(getRuntimeContext());
        progressState = getRuntimeContext().getState(
                new ValueStateDescriptor<>("progress", TypeInformation.of(Progress.class)));
        finishedState = getRuntimeContext().getState(new ValueStateDescriptor<>("finished", Types.LONG));
        cutsInsideLines = getRuntimeContext().getMetricGroup().counter(CUTS_INSIDE_LINES);
        chunkFrames = getRuntimeContext().getMetricGroup().counter(CHUNK_FRAMES);
    }

    @Override
    public void processElement(ClipEvent event, Context ctx, Collector<Chunk> out) throws Exception {
        if (event.getDeadLetter() != null) {
            return;
        }
        long now = ctx.timerService().currentProcessingTime();
        timeouts.recordArrived(now);
        if (finishedState.value() != null) {
            finishedState.update(now);
            refuse(event.record(), ClipRecordChecks.afterEndReason(event.record(), manifestState.value()), ctx);
            return;
        }
        Progress progress = progressState.value();
        if (progress == null) {
            progress = new Progress();
        }
        progress.lastSeenAt = now;
        long inputTime = ClipTimeouts.inputTime(ctx.timestamp(), ctx.timerService().currentWatermark());
        if (inputTime != Long.MIN_VALUE) {
            progress.lastInputAt = Math.max(progress.lastInputAt, inputTime);
            if (progress.inputTimerAt == 0) {
                progress.inputTimerAt = timeouts.idleDue(progress.lastInputAt);
                ctx.timerService().registerEventTimeTimer(progress.inputTimerAt);
            }
        }
        if (progress.timerAt == 0) {
            progress.timerAt = timeouts.stalledDueFrom(now);
            ctx.timerService().registerProcessingTimeTimer(progress.timerAt);
        }
        try {
            if (event.getManifest() != null) {
                onManifest(event.getManifest(), progress, ctx);
            } else if (event.getFrame() != null) {
                onFrame(event.getFrame(), progress, ctx);
            } else if (event.getAudio() != null) {
                onAudio(event.getAudio(), progress, ctx);
            } else if (event.getScriptLine() != null) {
                onScriptLine(event.getScriptLine(), progress, ctx);
            } else if (event.getEnd() != null) {
                onEnd(event.getEnd(), progress, ctx);
            }
            emitReadyChunks(progress, ctx, out);
        } catch (ClipFailure e) {
            if (e.refused() != null) {
                refuse(e.refused(), e.getMessage(), ctx);
            }
            fail(ctx.getCurrentKey(), progress, e.getMessage(), ctx, out);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Chunk> out) throws Exception {
        long now = ctx.timerService().currentProcessingTime();
        timeouts.running(now);
        if (ctx.timeDomain() == TimeDomain.EVENT_TIME) {
            onInputTimer(timestamp, ctx, out);
            return;
        }
        Long finishedSeen = finishedState.value();
        if (finishedSeen != null) {
            long expiry = timeouts.markerExpiry(finishedSeen);
            if (now >= expiry) {
                finishedState.clear();
                manifestState.clear();
            } else {
                ctx.timerService().registerProcessingTimeTimer(expiry);
            }
            return;
        }
        Progress progress = progressState.value();
        if (progress == null || progress.timerAt != timestamp) {
            return;
        }
        long due = timeouts.stalledDue();
        if (now < due) {
            progress.timerAt = due;
            ctx.timerService().registerProcessingTimeTimer(due);
            progressState.update(progress);
            return;
        }
        progress.timerAt = 0;
        timeOut(ClipTimeouts.Cause.STALLED, progress, ctx, out);
    }

    /** The idle check, in the input's time: the watermark has passed the clip's last record plus the timeout. */
    private void onInputTimer(long timestamp, OnTimerContext ctx, Collector<Chunk> out) throws Exception {
        Progress progress = progressState.value();
        if (progress == null || progress.inputTimerAt != timestamp) {
            return;
        }
        long due = timeouts.idleDue(progress.lastInputAt);
        long watermark = ctx.timerService().currentWatermark();
        if (watermark < due) {
            progress.inputTimerAt = due;
            ctx.timerService().registerEventTimeTimer(due);
            progressState.update(progress);
            return;
        }
        progress.inputTimerAt = 0;
        timeOut(watermark == Long.MAX_VALUE ? ClipTimeouts.Cause.INPUT_ENDED : ClipTimeouts.Cause.IDLE, progress, ctx,
                out);
    }

    /** Fails a clip whose input stopped, with one dead letter that counts what it held. */
    private void timeOut(ClipTimeouts.Cause cause, Progress progress, OnTimerContext ctx, Collector<Chunk> out)
            throws Exception {
        String clipId = ctx.getCurrentKey();
        String reason = timeouts.reason(cause, endState.value(), received(progress));
        int lines = script.size();
        ctx.output(DEAD_LETTERS, deadLetters.clipRefused(clipId, "clip " + clipId + " timed out: " + reason
                + "; dropped the " + count(media.frameIndexes()) + " frames" + (lines > 0 ? ", " : " and ")
                + count(media.blocks()) + " audio blocks" + (lines > 0 ? " and " + lines + " script lines" : "")
                + " held", ctx.timerService().currentProcessingTime()));
        fail(clipId, progress, reason, ctx, out);
    }

    private void onManifest(ClipManifest manifest, Progress progress, Context ctx) throws Exception {
        ClipManifest known = manifestState.value();
        if (known != null) {
            if (!known.equals(manifest)) {
                throw new ClipFailure("clip id " + manifest.getClipId() + " was uploaded twice: a second, different"
                        + " manifest arrived: " + manifest + " after " + known, manifest);
            }
            refuse(manifest, "duplicate manifest of clip " + manifest.getClipId(), ctx);
            return;
        }
        if ((double) manifest.getFpsNum() / manifest.getFpsDen() > maxFps) {
            throw new ClipFailure("clip " + manifest.getClipId() + " is " + manifest.getFpsNum() + "/"
                    + manifest.getFpsDen() + " fps, faster than " + DubstreamOptions.CLIP_MAX_FPS.key() + " (" + maxFps
                    + ") allows", manifest);
        }
        manifestState.update(manifest);
        // What arrived before the manifest could not be checked against it yet.
        for (VideoFrame frame : media.frames()) {
            ClipRecordChecks.checkFrame(frame, manifest);
        }
        for (AudioBlock block : media.blocks()) {
            ClipRecordChecks.checkAudio(block, manifest);
        }
        for (ScriptLine line : script.byIndex()) {
            String misfit = ClipRecordChecks.misfit(line, manifest);
            if (misfit != null) {
                refuse(line, misfit, ctx);
                script.remove(line.getLineIndex());
                progress.scriptLinesReceived--;
            }
        }
        ctx.output(CLIPS_STARTED, Chunk.clipStarted(manifest));
    }

    private void onFrame(VideoFrame frame, Progress progress, Context ctx) throws Exception {
        ClipManifest manifest = manifestState.value();
        if (manifest != null) {
            ClipRecordChecks.checkFrame(frame, manifest);
        }
        long index = frame.getFrameIndex();
        EndOfClip end = endState.value();
        if (end != null && index >= end.getFramesSent()) {
            refuse(frame, ClipRecordChecks.pastEndReason(frame, end), ctx);
            return;
        }
        if (index < progress.framesContiguous || media.hasFrame(index)) {
            refuse(frame, "duplicate frame " + index + " of clip " + frame.getClipId(), ctx);
            return;
        }
        if (progress.framesHeld >= maxHeldFrames) {
            throw new ClipFailure("clip " + frame.getClipId() + " has " + progress.framesHeld + " frames held "
                    + waitingFor(progress) + " and frame " + index + " would be one more than "
                    + DubstreamOptions.CLIP_MAX_HELD_FRAMES.key() + " (" + maxHeldFrames + ") allows", frame);
        }
        media.putFrame(frame);
        progress.framesHeld++;
        progress.framesReceived++;
        progress.frameEnd = Math.max(progress.frameEnd, index + 1);
        VideoFrame next;
        while ((next = media.frame(progress.framesContiguous)) != null) {
            if (progress.framesContiguous > 0 && next.getPtsMicros() <= progress.lastContiguousPts) {
                throw new ClipFailure("frame " + next.getFrameIndex() + " of clip " + frame.getClipId()
                        + " has presentation time " + next.getPtsMicros() + " us, not after frame "
                        + (next.getFrameIndex() - 1) + "'s " + progress.lastContiguousPts + " us", frame);
            }
            progress.lastContiguousPts = next.getPtsMicros();
            progress.framesContiguous++;
        }
    }

    /** What the held frames wait for, for a message. */
    private String waitingFor(Progress progress) throws Exception {
        ClipManifest manifest = manifestState.value();
        if (manifest == null) {
            return "waiting for its manifest";
        }
        if (progress.framesContiguous < progress.frameEnd) {
            return "waiting for frame " + progress.framesContiguous;
        }
        if (manifest.hasScript() && progress.scriptLinesReceived < manifest.getScriptLineCount()) {
            return "waiting for its script (" + progress.scriptLinesReceived + " of " + manifest.getScriptLineCount()
                    + " lines)";
        }
        return "waiting for audio from sample " + progress.samplesContiguous;
    }

    private void onAudio(AudioBlock block, Progress progress, Context ctx) throws Exception {
        ClipManifest manifest = manifestState.value();
        if (manifest != null) {
            ClipRecordChecks.checkAudio(block, manifest);
        }
        long first = block.getFirstSample();
        if (block.sampleCount() == 0) {
            refuse(block, "empty audio block at sample " + first + " of clip " + block.getClipId(), ctx);
            return;
        }
        if (first < progress.samplesContiguous || media.hasBlockAt(first)) {
            refuse(block, "duplicate audio block at sample " + first + " of clip " + block.getClipId(), ctx);
            return;
        }
        EndOfClip end = endState.value();
        if (end != null && first >= end.getSamplesSent()) {
            refuse(block, ClipRecordChecks.pastEndReason(block, end), ctx);
            return;
        }
        long allowed = maxHeldAudio.toMillis() * block.getSampleRate() / 1000;
        if (progress.samplesHeld + block.sampleCount() > allowed) {
            throw new ClipFailure("clip " + block.getClipId() + " has " + progress.samplesHeld + " samples of audio held"
                    + " (" + progress.framesHeld + " frames) and the block at sample " + first + " would be more than "
                    + DubstreamOptions.CLIP_MAX_HELD_AUDIO.key() + " (" + maxHeldAudio.toMillis() / 1000.0 + " s, "
                    + allowed + " samples at " + block.getSampleRate() + " Hz) allows", block);
        }
        media.putBlock(block);
        progress.samplesHeld += block.sampleCount();
        progress.samplesReceived += block.sampleCount();
        AudioBlock next;
        while ((next = media.blockAt(progress.samplesContiguous)) != null) {
            progress.samplesContiguous += next.sampleCount();
        }
    }

    private void onScriptLine(ScriptLine line, Progress progress, Context ctx) throws Exception {
        ClipManifest manifest = manifestState.value();
        String misfit = manifest == null ? null : ClipRecordChecks.misfit(line, manifest);
        if (misfit != null) {
            refuse(line, misfit, ctx);
            return;
        }
        ScriptLine known = script.line(line.getLineIndex());
        if (known != null && !known.equals(line)) {
            throw new ClipFailure("two different script lines " + line.getLineIndex() + " arrived for clip "
                    + line.getClipId() + ": " + line + " after " + known, line);
        }
        if (known != null || manifest != null && progress.scriptLinesReceived >= manifest.getScriptLineCount()) {
            refuse(line, "duplicate script line " + line.getLineIndex() + " of clip " + line.getClipId(), ctx);
            return;
        }
        script.put(line);
        progress.scriptLinesReceived++;
    }

    private void onEnd(EndOfClip end, Progress progress, Context ctx) throws Exception {
        if (end.getStatus() != EndOfClip.Status.COMPLETE) {
            throw new ClipFailure("upload " + (end.getStatus() == EndOfClip.Status.FAILED ? "failed" : "aborted")
                    + ": " + end.getReason(), null);
        }
        EndOfClip known = endState.value();
        if (known != null) {
            if (!known.equals(end)) {
                throw new ClipFailure("a second, different end-of-clip record arrived: " + end + " after " + known, end);
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
        if (total < progress.framesAssumed) {
            throw new ClipFailure("the end-of-clip record says " + total + " frames, but chunk "
                    + (progress.chunksEmitted - 1) + " went out when " + progress.framesAssumed + " had arrived", end);
        }
        List<Long> past = new ArrayList<>();
        for (Long index : media.frameIndexes()) {
            if (index >= total) {
                past.add(index);
            }
        }
        Collections.sort(past);
        for (long index : past) {
            refuse(media.frame(index), ClipRecordChecks.pastEndReason(media.frame(index), end), ctx);
            media.removeFrame(index);
            progress.framesHeld--;
            progress.framesReceived--;
        }
        progress.frameEnd = total;
        if (progress.framesContiguous > total) {
            progress.framesContiguous = total;
            // frame total - 1 is held: a chunk that went out proved at most total frames (checked above)
            progress.lastContiguousPts = total == 0 ? 0 : media.frame(total - 1).getPtsMicros();
        }
    }

    /** Emits every chunk that is complete; the rest of the clip when its totals are reached. */
    private void emitReadyChunks(Progress progress, Context ctx, Collector<Chunk> out) throws Exception {
        ClipManifest manifest = manifestState.value();
        if (manifest == null || manifest.hasScript() && progress.scriptLinesReceived < manifest.getScriptLineCount()) {
            progressState.update(progress);
            return;
        }
        EndOfClip end = endState.value();
        if (progress.mode != ClipMode.CHUNKED) {
            // once a chunk went out the clip is chunked, whatever state without a mode was restored
            progress.mode = progress.chunksEmitted > 0 ? ClipMode.CHUNKED
                    : hybrid.decide(manifest, progress.frameEnd, end);
        }
        boolean ended = end != null && progress.framesContiguous >= end.getFramesSent()
                && (!manifest.hasAudio() || progress.samplesContiguous >= end.getSamplesSent());
        if (ended) {
            ClipRecordChecks.checkTotals(end, manifest, progress.framesReceived, progress.samplesReceived);
        }
        if (ended && progress.mode == ClipMode.WHOLE) {
            long frames = end.getFramesSent();
            Chunk whole = Chunk.whole(manifest, media.images(0, frames),
                    media.samples(manifest.getChannels(), progress.audioHeldFrom, 0, end.getSamplesSent()), end);
            out.collect(whole.withTimes(media.ptsMicros(0, frames), 0, clipEndMicros(manifest, end), CUT_AT_END,
                    script.overlappingAndNext(Long.MIN_VALUE, Long.MAX_VALUE)));
            chunkFrames.inc(frames);
            finish(progress, ctx);
            return;
        }
        while (progress.mode == ClipMode.CHUNKED) {
            if (!emitNextChunk(manifest, progress, ended ? end : null, out)) {
                break;
            }
            if (progress.chunksEmitted > 0 && progress.lastEmitted) {
                finish(progress, ctx);
                return;
            }
        }
        progressState.update(progress);
    }

    /**
     * Emits the next chunk if its cut is decided and its media is in; {@code end} is the clip's
     * end-of-clip record once all its media is in, null before. Returns whether a chunk went out.
     */
    private boolean emitNextChunk(ClipManifest manifest, Progress progress, EndOfClip end, Collector<Chunk> out)
            throws Exception {
        boolean ended = end != null;
        HeldTimeline timeline = new HeldTimeline(manifest, progress, ended, media, script.spans());
        if (!progress.cutDecided) {
            if (!ended && timeline.knownUntilMicros() < progress.waitUntilMicros) {
                return false;
            }
            Decision decision = planner.decide(progress.coreStartMicros, timeline);
            if (decision instanceof Wait wait) {
                progress.waitUntilMicros = wait.untilMicros();
                return false;
            }
            if (decision instanceof Last) {
                if (!ended) {
                    return false;
                }
                emitLast(manifest, progress, end, out);
                return true;
            }
            Cut cut = (Cut) decision;
            progress.cutDecided = true;
            progress.cutMicros = cut.atMicros();
            progress.cutKind = cut.kind();
            if (cut.kind() == CutKind.INSIDE_LINE) {
                cutsInsideLines.inc();
                LOG.info("Clip {}: chunk {} is cut inside a line at {} us: no gap between lines within the longest"
                        + " core", manifest.getClipId(), progress.chunksEmitted, cut.atMicros());
            }
        }
        long cut = progress.cutMicros;
        long until = cut + contextMicros;
        int rate = manifest.getSampleRate();
        boolean audioIn = !manifest.hasAudio() || progress.samplesContiguous >= SampleTimes.sampleAt(until, rate);
        if (!ended && !(timeline.hasFrameAtOrAfter(until) && audioIn)) {
            return false;
        }
        long frameLimit = ended ? end.getFramesSent() : progress.framesContiguous;
        long firstFrame = progress.nextFirstFrame;
        long endFrame = media.firstFrameAtOrAfter(until, firstFrame, frameLimit);
        long nextFirstFrame = media.firstFrameAtOrAfter(cut - contextMicros, firstFrame, frameLimit);
        long sampleLimit = ended ? end.getSamplesSent() : Long.MAX_VALUE;
        long firstSample = progress.nextFirstSample;
        long endSample = manifest.hasAudio() ? Math.min(SampleTimes.sampleAt(until, rate), sampleLimit) : 0;
        long nextFirstSample = manifest.hasAudio()
                ? Math.min(SampleTimes.sampleAt(cut - contextMicros, rate), sampleLimit) : 0;
        Chunk chunk = Chunk.of(manifest, progress.chunksEmitted, false, firstFrame, media.images(firstFrame, endFrame),
                firstSample, media.samples(manifest.getChannels(), progress.audioHeldFrom, firstSample, endSample),
                nextFirstFrame, nextFirstSample, null);
        out.collect(chunk.withTimes(media.ptsMicros(firstFrame, endFrame), progress.coreStartMicros, cut,
                label(progress.cutKind), script.overlappingAndNext(progress.coreStartMicros - contextMicros, until)));
        progress.chunksEmitted++;
        chunkFrames.inc(endFrame - firstFrame);
        progress.framesAssumed = ended ? 0 : endFrame + 1;
        // Nothing below the next chunk's start is needed again.
        long heldFrom = progress.audioHeldFrom;
        progress.audioHeldFrom = media.dropBelow(firstFrame, nextFirstFrame, heldFrom, nextFirstSample);
        progress.samplesHeld -= progress.audioHeldFrom - heldFrom;
        progress.framesHeld = Math.max(0, progress.framesHeld - (nextFirstFrame - firstFrame));
        script.dropEndingBy(cut - contextMicros);
        progress.nextFirstFrame = nextFirstFrame;
        progress.nextFirstSample = nextFirstSample;
        progress.coreStartMicros = cut;
        progress.cutDecided = false;
        progress.cutKind = null;
        progress.waitUntilMicros = 0;
        return true;
    }

    /** The last chunk: from the next chunk's start to the clip's end, with the end-of-clip record. */
    private void emitLast(ClipManifest manifest, Progress progress, EndOfClip end, Collector<Chunk> out)
            throws Exception {
        long frameTotal = end.getFramesSent();
        long sampleTotal = end.getSamplesSent();
        long firstFrame = progress.nextFirstFrame;
        long firstSample = Math.min(progress.nextFirstSample, sampleTotal);
        Chunk chunk = Chunk.of(manifest, progress.chunksEmitted, true, firstFrame, media.images(firstFrame, frameTotal),
                firstSample, media.samples(manifest.getChannels(), progress.audioHeldFrom, firstSample, sampleTotal),
                frameTotal, sampleTotal, end);
        out.collect(chunk.withTimes(media.ptsMicros(firstFrame, frameTotal), progress.coreStartMicros,
                clipEndMicros(manifest, end), CUT_AT_END, script.overlappingAndNext(progress.coreStartMicros - contextMicros, Long.MAX_VALUE)));
        progress.chunksEmitted++;
        chunkFrames.inc(frameTotal - firstFrame);
        progress.lastEmitted = true;
    }

    /** Where the clip ends: after its last frame (one nominal frame long) or its last sample, the later. */
    private long clipEndMicros(ClipManifest manifest, EndOfClip end) throws Exception {
        long lastFrame = media.frame(end.getFramesSent() - 1).getPtsMicros()
                + Math.floorDiv(1_000_000L * manifest.getFpsDen(), manifest.getFpsNum());
        long audio = manifest.hasAudio() ? end.getSamplesSent() * 1_000_000L / manifest.getSampleRate() : 0;
        return Math.max(lastFrame, audio);
    }

    private static String label(CutKind kind) {
        return kind.name().toLowerCase().replace('_', '-');
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
     * Clears the clip's state and timers, leaving only the finished marker, the manifest and the
     * marker's expiry timer.
     */
    private void finish(Progress progress, Context ctx) throws Exception {
        if (progress.timerAt != 0) {
            ctx.timerService().deleteProcessingTimeTimer(progress.timerAt);
        }
        if (progress.inputTimerAt != 0) {
            ctx.timerService().deleteEventTimeTimer(progress.inputTimerAt);
        }
        endState.clear();
        media.clear();
        script.clear();
        progressState.clear();
        long now = ctx.timerService().currentProcessingTime();
        finishedState.update(now);
        ctx.timerService().registerProcessingTimeTimer(timeouts.markerExpiry(now));
    }

    /** What arrived of the clip, for the reason it timed out. */
    private String received(Progress progress) throws Exception {
        ClipManifest manifest = manifestState.value();
        return progress.framesReceived + " frames, " + progress.samplesReceived + " samples"
                + (manifest != null && manifest.hasScript()
                        ? ", " + progress.scriptLinesReceived + " of " + manifest.getScriptLineCount() + " script lines"
                        : "")
                + " received" + (manifest == null ? ", no manifest" : "");
    }

    /** The frames held for the current key; for tests of the state bound. */
    int heldFrames() throws Exception {
        return count(media.frameIndexes());
    }

    /** The audio blocks held for the current key; for tests of the state bound. */
    int heldAudioBlocks() throws Exception {
        return count(media.blocks());
    }

    /** The script lines held for the current key; for tests of the state bound. */
    int heldScriptLines() throws Exception {
        return script.size();
    }

    private static int count(Iterable<?> items) {
        int n = 0;
        for (Object ignored : items) {
            n++;
        }
        return n;
    }

    /**
     * How far a clip has come: a Flink POJO kept in one value state, read and written once per
     * record. Times are in milliseconds: {@code lastSeenAt} and {@code timerAt} processing time,
     * {@code lastInputAt} and {@code inputTimerAt} the input's time (event time); the {@code *Micros}
     * and {@code *Pts} fields are the clip's presentation time. A timer field is 0 when no timer is set.
     */
    public static class Progress {
        /** Whole or chunked; null while it cannot be told yet ({@link HybridThreshold}). */
        public ClipMode mode;
        /** Chunks emitted so far: the index of the next one. */
        public int chunksEmitted;
        /** Whether the last chunk went out. */
        public boolean lastEmitted;
        /** Frames {@code 0 .. framesContiguous-1} have all arrived. */
        public long framesContiguous;
        /** The presentation time of frame {@code framesContiguous - 1}. */
        public long lastContiguousPts;
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
        /** Distinct script lines arrived that the manifest (if known) announces. */
        public int scriptLinesReceived;
        /** The first sample of the earliest block of that contiguous run still held. */
        public long audioHeldFrom;
        /** Samples (per channel) of audio held now (arrived and not yet dropped). */
        public long samplesHeld;
        /** Where the next chunk's core starts. */
        public long coreStartMicros;
        /** The next chunk's first frame and sample, its context included. */
        public long nextFirstFrame;
        public long nextFirstSample;
        /** Whether the cut that ends the next chunk's core is decided, where, and how it was chosen. */
        public boolean cutDecided;
        public long cutMicros;
        public CutKind cutKind;
        /** The planner needs the media known up to this time before it can decide the next cut. */
        public long waitUntilMicros;
        /** How many frames the chunks emitted so far proved the clip to have. */
        public long framesAssumed;
        /** When its last record arrived (processing time). */
        public long lastSeenAt;
        /** The stalled-input check's timer (processing time). */
        public long timerAt;
        /** The input time of its latest record ({@link ClipTimeouts#inputTime}); none yet: the least long. */
        public long lastInputAt = Long.MIN_VALUE;
        /** The idle check's timer (event time). */
        public long inputTimerAt;

        public Progress() {}
    }
}
