package io.dubstream.job.merge;

import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.dubstream.connectors.format.FrameParts;
import io.dubstream.connectors.format.RecordLimits;
import io.dubstream.connectors.media.JpegCodec;
import io.dubstream.connectors.records.AudioBlock;
import io.dubstream.connectors.records.ClipManifest;
import io.dubstream.connectors.records.ClipMode;
import io.dubstream.connectors.records.ClipRecord;
import io.dubstream.connectors.records.EndOfClip;
import io.dubstream.connectors.records.ProcessingNote;
import io.dubstream.connectors.records.ScriptLine;
import io.dubstream.connectors.records.VideoFrame;
import io.dubstream.job.DubstreamOptions;
import io.dubstream.job.audio.SampleTimes;
import io.dubstream.job.records.Chunk;
import io.dubstream.job.records.ClipEvent;
import io.dubstream.job.status.ChunkDeadLetters;
import io.dubstream.job.status.ChunkStatuses;

/**
 * Joins a clip's processed chunks by overlap-add and emits the clip in order: its manifest, frames
 * {@code 0 .. N-1} and audio blocks tiling its samples, each exactly once, and last its end-of-clip
 * record. A frame larger than one record holds goes out as its {@link io.dubstream.connectors.records.FramePart
 * parts}, one after the other. Keyed by clip id.
 *
 * <h2>Merging</h2>
 * Chunks arrive in any order (inference runs in parallel) and are merged strictly by index. Chunk
 * {@code k} covers frames {@code [firstFrame, endFrame())} and samples {@code [firstSample,
 * endSample())}; chunk {@code k+1} starts at its {@code nextFirstFrame} / {@code nextFirstSample},
 * so the two share {@code [nextFirst_k, end_k)}. Merging chunk {@code k}:
 * <ol>
 *   <li>the held tail of chunk {@code k-1} (its output over the shared range) is crossfaded with the
 *       head of chunk {@code k} and emitted, with the raised-cosine weights of {@link Crossfade};
 *       identical JPEGs are passed through untouched, others are decoded, blended and re-encoded.
 *       Dubbed chunks ({@link Chunk#isDubbed()}) join at the cut instead, the step that the
 *       complementary weights become for outputs that belong to one chunk: frames and samples before
 *       chunk {@code k}'s core start come from the tail of {@code k-1}, the rest from {@code k}. So do
 *       the frames (not the audio) of chunks whose frame model ran on the core frames only
 *       ({@link Chunk#isFramesAtCut()}, lip-sync): each frame is the output of the chunk whose core
 *       holds it, and a context frame, which left the model as it came, is never blended in;</li>
 *   <li>chunk {@code k}'s own part, up to its {@code nextFirst}, is emitted as it is;</li>
 *   <li>its tail {@code [nextFirst_k, end_k)} is held for chunk {@code k+1}, or emitted if {@code k}
 *       is the last chunk, which is followed by the input's end-of-clip record (or a {@code FAILED}
 *       one when the totals emitted differ from it).</li>
 * </ol>
 * A clip run whole ({@link ClipMode#WHOLE}) is one chunk that shares nothing: it is emitted as it
 * is. The complete end-of-clip record says how the clip ran, {@code mode=whole chunks=1} or
 * {@code mode=chunked chunks=5} ({@link ProcessingNote}) as its reason, so that the downloaded clip
 * says so. Audio goes out in blocks of
 * {@code audioBlockMillis} (the last block of a clip shorter) that start at multiples of the block
 * length, whatever the chunk boundaries: the samples of a block not yet full wait in state.
 *
 * <h2>The manifest, as soon as the clip starts</h2>
 * The clip's manifest goes out, unchanged, when the merger first hears of the clip: normally from the
 * assembler's start marker ({@link Chunk#isClipStart()}), which it sends when the manifest arrives,
 * so the output shows the clip at the next checkpoint while its first chunk is still being cut or
 * processed. The marker skips inference and travels on another channel than the chunks, so chunk 0
 * or a failure marker may come first; then that emits the manifest and the marker emits nothing.
 * Either way the manifest goes out once and before any other record of the clip: the clip's
 * {@link MergeProgress} exists exactly when its manifest has been emitted, and both are part of the
 * same checkpoint (state from before the marker existed has progress only after chunk 0, whose
 * manifest went out with it).
 *
 * <h2>Failures</h2>
 * A failure marker ({@link Chunk#isFailure()}) with index {@code i} finishes the clip once chunks
 * {@code 0 .. i-1} are merged: the held tail is emitted as it is (there is no chunk to blend it
 * with), then an end-of-clip record with status {@code FAILED}, the totals emitted and the marker's
 * reason. Chunks that do not fit the previous
 * one (a gap, an overlap longer than the chunk, a JPEG that cannot be decoded for blending) fail
 * the clip the same way, with a reason that names the chunk, instead of failing the job over and
 * over on the same record. A {@code FAILED} record's {@code finishedAtMillis} is the manifest's
 * {@code createdAtMillis} (0 without a manifest) rather than the wall clock, so that a replay
 * produces the same records.
 *
 * <h2>State and memory</h2>
 * Per clip in progress: one {@link MergeProgress} (counters, the manifest, less than one audio block
 * and the tail of the last merged chunk, i.e. one overlap: 2 s of frames and audio with the default
 * chunk plan) and a map of the chunks that arrived before their predecessors. The map holds only
 * early chunks, so it is bounded by how far inference reorders a clip's chunks, about the
 * parallelism of inference; a chunk leaves it as soon as it is merged. The merger holds no whole
 * clip and registers no timers.
 *
 * <p>When a clip ends, all its state is cleared except a one-byte finished marker
 * ({@link FinishedClipMarker}) that lasts the finished retention ({@code dubstream.clip.finished-retention},
 * the assembler's too) after the last chunk of the clip: one clip, one outcome. When it failed, chunks
 * behind the failure may still be in flight; when it completed, none should come, but a record that
 * straggled into the assembler after its own marker expired would come back as a new clip's chunks,
 * which end in a failure; and a clip's start marker overtaken by all of its chunks (rare: they travel
 * on different channels) arrives after the end. Either way, chunks of a finished clip are dropped and counted in the
 * {@code lateChunksDropped} metric: they cannot recreate state that would wait forever for chunks
 * merged long ago, nor emit a second end-of-clip record. A chunk arriving after the marker has expired
 * would be held as an early chunk again, so the retention must exceed any delay between a clip's
 * chunks; the job refuses one not longer than the inference timeout.
 *
 * <h2>Reports</h2>
 * The merger is where a clip's chunks meet in one place, so it reports on them, to side outputs:
 * to {@link #STATUS}, for each chunk of a clip in progress as it arrives, the states its inference
 * attempts went through ({@link ChunkStatuses#inference}), MERGED when it is merged, and the clip's
 * outcome with its end-of-clip record; to {@link #DEAD_LETTERS}, a dead letter for every chunk that
 * inference gave up on ({@link ChunkDeadLetters}), whether or not its clip has finished.
 */
public class OverlapAddMerger extends KeyedProcessFunction<String, Chunk, ClipEvent> {

    private static final long serialVersionUID = 1L;

    private static final Logger LOG = LoggerFactory.getLogger(OverlapAddMerger.class);

    /** The length of the audio blocks the merger emits, as the upload sends them. */
    public static final int DEFAULT_AUDIO_BLOCK_MILLIS = 250;

    /** Chunk status changes and clip outcomes ({@code ChunkStatus}, {@code ClipStatus} events). */
    public static final OutputTag<ClipEvent> STATUS = new OutputTag<>("chunk-status", TypeInformation.of(ClipEvent.class));

    /** Dead letters of the chunks that inference gave up on. */
    public static final OutputTag<ClipEvent> DEAD_LETTERS =
            new OutputTag<>("chunk-dead-letters", TypeInformation.of(ClipEvent.class));

    /** Reason of a failure marker that gives none: a {@code FAILED} record must have one. */
    static final String UNKNOWN_FAILURE = "chunk processing failed without a reason";

    private final float jpegQuality;
    private final int audioBlockMillis;
    private final int maxFrameBytes;
    private final Duration finishedRetention;
    private final int maxHeldChunks;
    private final int maxWholeFrameBytes;

    private transient ValueState<MergeProgress> progress;
    private transient MapState<Integer, Chunk> early;
    private transient ValueState<Boolean> finished;
    private transient Counter lateChunksDropped;

    /**
     * A merger with the default frame limit and finished retention.
     *
     * @param jpegQuality quality (0..1) of the overlap frames that are blended and re-encoded
     * @param audioBlockMillis length of the emitted audio blocks, e.g. {@link #DEFAULT_AUDIO_BLOCK_MILLIS}
     */
    public OverlapAddMerger(float jpegQuality, int audioBlockMillis) {
        this(jpegQuality, audioBlockMillis, RecordLimits.DEFAULTS, DubstreamOptions.CLIP_FINISHED_RETENTION.defaultValue());
    }

    /**
     * @param limits the records the merger writes: a frame larger than one record holds
     *     ({@link RecordLimits#maxFrameBytes()}) goes out as frame parts, and a crossfaded frame that
     *     encodes larger than a whole frame may be ({@link RecordLimits#maxWholeFrameBytes()}) fails its
     *     clip with the reason
     * @param finishedRetention how long a finished clip's marker lasts after its last chunk
     *     ({@code dubstream.clip.finished-retention}, as in the assembler)
     */
    public OverlapAddMerger(float jpegQuality, int audioBlockMillis, RecordLimits limits, Duration finishedRetention) {
        this(jpegQuality, audioBlockMillis, limits, finishedRetention, DubstreamOptions.MERGE_MAX_HELD_CHUNKS.defaultValue());
    }

    /**
     * @param maxHeldChunks the most chunks of a clip held while an earlier one is still being
     *     processed ({@code dubstream.merge.max-held-chunks}): one more fails the clip with the reason
     */
    public OverlapAddMerger(float jpegQuality, int audioBlockMillis, RecordLimits limits, Duration finishedRetention,
            int maxHeldChunks) {
        if (maxHeldChunks < 1) {
            throw new IllegalArgumentException("the chunks held per clip must be at least 1, got " + maxHeldChunks);
        }
        this.maxHeldChunks = maxHeldChunks;
        if (!(jpegQuality >= 0f && jpegQuality <= 1f)) {
            throw new IllegalArgumentException("JPEG quality must be between 0 and 1, got " + jpegQuality);
        }
        if (audioBlockMillis <= 0) {
            throw new IllegalArgumentException("audio block length must be positive, got " + audioBlockMillis + " ms");
        }
        this.jpegQuality = jpegQuality;
        this.audioBlockMillis = audioBlockMillis;
        this.maxFrameBytes = limits.maxFrameBytes();
        this.maxWholeFrameBytes = limits.maxWholeFrameBytes();
        this.finishedRetention = Objects.requireNonNull(finishedRetention);
        // refused here, not when the job's first subtask opens
        FinishedClipMarker.descriptor(finishedRetention);
    }

    @Override
    public void open(OpenContext openContext) {
        progress = getRuntimeContext().getState(
                new ValueStateDescriptor<>("merge-progress", TypeInformation.of(MergeProgress.class)));
        early = getRuntimeContext().getMapState(
                new MapStateDescriptor<>("early-chunks", Types.INT, TypeInformation.of(Chunk.class)));
        finished = getRuntimeContext().getState(FinishedClipMarker.descriptor(finishedRetention));
        lateChunksDropped = getRuntimeContext().getMetricGroup().counter("lateChunksDropped");
    }

    @Override
    public void processElement(Chunk chunk, Context ctx, Collector<ClipEvent> out) throws Exception {
        String clipId = ctx.getCurrentKey();
        if (chunk.isClipStart()) {
            onClipStarted(chunk, out);
            return;
        }
        if (chunk.failedInference()) {
            ctx.output(DEAD_LETTERS, ClipEvent.of(ChunkDeadLetters.of(chunk)));
        }
        if (finished.value() != null) {
            dropLate(clipId, chunk, "the clip has finished");
            // the marker lasts the retention after the clip's last chunk, as the assembler's after its last record
            finished.update(Boolean.TRUE);
            return;
        }
        MergeProgress p = progress.value();
        int next = p == null ? 0 : p.getNextIndex();
        if (chunk.getIndex() < next) {
            dropLate(clipId, chunk, "chunk " + next + " is next");
            return;
        }
        for (var change : ChunkStatuses.inference(chunk)) {
            ctx.output(STATUS, ClipEvent.of(change));
        }
        if (chunk.getIndex() > next) {
            String full = holdEarly(clipId, chunk, next);
            if (full != null) {
                finishFailed(clipId, p, p == null ? chunk.getManifest() : p.getManifest(), full, ctx, out);
            }
            return;
        }
        Chunk c = chunk;
        while (true) {
            if (c.isFailure()) {
                ClipManifest manifest = p == null ? c.getManifest() : p.getManifest();
                String reason = c.getFailure().isBlank() ? UNKNOWN_FAILURE : c.getFailure();
                finishFailed(clipId, p, manifest, reason, ctx, out);
                return;
            }
            if (p == null) {
                if (c.getManifest() == null) {
                    finishFailed(clipId, null, null, "chunk 0 of clip " + clipId + " has no manifest", ctx, out);
                    return;
                }
                p = start(c.getManifest(), out);
            }
            String problem = merge(clipId, p, c, out);
            if (problem != null) {
                finishFailed(clipId, p, p.getManifest(), problem, ctx, out);
                return;
            }
            ctx.output(STATUS, ClipEvent.of(ChunkStatuses.merged(c, ctx.timerService().currentProcessingTime())));
            if (c.isLast()) {
                finishComplete(clipId, p, c, ctx, out);
                return;
            }
            Chunk n = early.get(p.getNextIndex());
            if (n == null) {
                break;
            }
            early.remove(p.getNextIndex());
            c = n;
        }
        progress.update(p);
    }

    /**
     * The clip's start marker: emits the manifest unless the clip's first chunk (or its end) came
     * first and did. A marker overtaken by the whole clip finds its finished marker and is dropped.
     */
    private void onClipStarted(Chunk marker, Collector<ClipEvent> out) throws Exception {
        if (finished.value() != null) {
            return;
        }
        MergeProgress p = progress.value();
        if (p == null) {
            p = start(marker.getManifest(), out);
        }
        p.setClipStartSeen(true);
        progress.update(p);
    }

    /**
     * The progress of a clip the merger first hears of, and its manifest on the output: the progress
     * exists exactly when the manifest has gone out, so it goes out once, before anything else of the
     * clip, whether the start marker, chunk 0 or a failure came first, also after a restore.
     */
    private static MergeProgress start(ClipManifest manifest, Collector<ClipEvent> out) {
        out.collect(ClipEvent.of(manifest));
        return MergeProgress.start(manifest);
    }

    /**
     * Keeps a chunk that came before its predecessors; of two with one index, the first stays.
     *
     * @return why the clip fails instead, when {@link #maxHeldChunks} are held already, else null
     */
    private String holdEarly(String clipId, Chunk chunk, int next) throws Exception {
        if (early.contains(chunk.getIndex())) {
            return null;
        }
        int held = 0;
        for (Integer ignored : early.keys()) {
            held++;
        }
        if (held >= maxHeldChunks) {
            return "clip " + clipId + " holds " + held + " chunks that came before chunk " + next + ", still in"
                    + " inference, and chunk " + chunk.getIndex() + " would be one more than "
                    + DubstreamOptions.MERGE_MAX_HELD_CHUNKS.key() + " (" + maxHeldChunks + ") allows";
        }
        early.put(chunk.getIndex(), chunk);
        return null;
    }

    private void dropLate(String clipId, Chunk chunk, String why) {
        lateChunksDropped.inc();
        LOG.debug("dropped chunk {} of clip {}: {}", chunk.getIndex(), clipId, why);
    }

    /**
     * Merges chunk {@code c}, the next one, into the clip: emits the crossfaded overlap with the
     * held tail and the chunk's own part, and holds its tail (emits it if {@code c} is the last).
     *
     * @return why the chunk cannot be merged (nothing emitted then), or null when it was
     */
    private String merge(String clipId, MergeProgress p, Chunk c, Collector<ClipEvent> out) {
        ClipManifest m = p.getManifest();
        int channels = m.hasAudio() ? m.getChannels() : 0;
        String problem = checkFits(clipId, p, c, channels);
        if (problem != null) {
            return problem;
        }
        byte[][] images = c.getImages();
        byte[][] tail = p.getTailImages();
        int ownFrames = c.isLast() ? images.length : (int) (c.getNextFirstFrame() - c.getFirstFrame());
        byte[][] overlap = new byte[tail.length][];
        // a dubbed chunk carries only its own lines' speech, and frame-local frames are each their core
        // chunk's output: the seam is the cut, not a crossfade
        boolean atCut = c.isDubbed();
        boolean framesAtCut = atCut || c.isFramesAtCut();
        for (int j = 0; j < tail.length; j++) {
            if (framesAtCut) {
                overlap[j] = c.framePtsMicros(j) < c.getCoreStartMicros() ? tail[j] : images[j];
                continue;
            }
            try {
                overlap[j] = crossfadeFrame(tail[j], images[j], Crossfade.weight(j, tail.length), m);
            } catch (IllegalArgumentException e) {
                return "chunk " + c.getIndex() + " of clip " + clipId + ": cannot crossfade frame "
                        + (c.getFirstFrame() + j) + ": " + e.getMessage();
            }
        }

        emitScriptLines(p, c, out);
        for (int j = 0; j < overlap.length; j++) {
            emitFrame(clipId, p, overlap[j], c.framePtsMicros(j), out);
        }
        for (int i = tail.length; i < ownFrames; i++) {
            emitFrame(clipId, p, images[i], c.framePtsMicros(i), out);
        }
        p.setTailImages(Arrays.copyOfRange(images, ownFrames, images.length));
        long[] tailPts = new long[images.length - ownFrames];
        for (int j = 0; j < tailPts.length; j++) {
            tailPts[j] = c.framePtsMicros(ownFrames + j);
        }
        p.setTailPts(tailPts);

        if (channels > 0) {
            short[] samples = c.getSamples();
            short[] tailSamples = p.getTailSamples();
            int overlapSamples = tailSamples.length / channels;
            int ownValues = c.isLast() ? samples.length
                    : (int) (c.getNextFirstSample() - c.getFirstSample()) * channels;
            short[] emitted = Arrays.copyOf(samples, ownValues);
            if (atCut) {
                long cut = SampleTimes.sampleAt(c.getCoreStartMicros(), m.getSampleRate()) - c.getFirstSample();
                int fromTail = (int) Math.max(0, Math.min(overlapSamples, cut)) * channels;
                System.arraycopy(tailSamples, 0, emitted, 0, fromTail);
            }
            for (int s = 0; s < overlapSamples && !atCut; s++) {
                double w = Crossfade.weight(s, overlapSamples);
                for (int ch = 0; ch < channels; ch++) {
                    int v = s * channels + ch;
                    emitted[v] = Crossfade.blend(tailSamples[v], samples[v], w);
                }
            }
            emitAudio(clipId, p, emitted, out);
            p.setTailSamples(Arrays.copyOfRange(samples, ownValues, samples.length));
        }
        p.setNextIndex(c.getIndex() + 1);
        return null;
    }

    /** Why chunk {@code c} does not continue the clip where the held tail starts, or null. */
    private static String checkFits(String clipId, MergeProgress p, Chunk c, int channels) {
        String name = "chunk " + c.getIndex() + " of clip " + clipId;
        if (c.getImages() == null || c.getSamples() == null) {
            return name + " has no frames or no samples array";
        }
        if (c.getSamples().length % Math.max(1, channels) != 0 || (channels == 0 && c.getSamples().length > 0)) {
            return name + " has " + c.getSamples().length + " sample values, which do not fit " + channels
                    + " channels";
        }
        if (c.getFirstFrame() != p.getFramesEmitted() || c.getFirstSample() != p.getSamplesEmitted()) {
            return name + " starts at frame " + c.getFirstFrame() + " and sample " + c.getFirstSample()
                    + ", but the clip continues at frame " + p.getFramesEmitted() + " and sample "
                    + p.getSamplesEmitted();
        }
        int overlapFrames = p.getTailImages().length;
        int overlapSamples = channels == 0 ? 0 : p.getTailSamples().length / channels;
        long frames = c.getImages().length;
        long samples = channels == 0 ? 0 : c.getSamples().length / channels;
        long ownFrames = c.isLast() ? frames : c.getNextFirstFrame() - c.getFirstFrame();
        long ownSamples = c.isLast() ? samples : c.getNextFirstSample() - c.getFirstSample();
        if (ownFrames < overlapFrames || ownFrames > frames || ownSamples < overlapSamples || ownSamples > samples) {
            return name + " does not fit its neighbours: it has " + frames + " frames and " + samples
                    + " samples, shares the first " + overlapFrames + " and " + overlapSamples
                    + " with the previous chunk and the next chunk starts after " + ownFrames + " and " + ownSamples;
        }
        return null;
    }

    /** The outgoing and incoming chunk's frame blended; identical JPEGs are passed through untouched. */
    private byte[] crossfadeFrame(byte[] outgoing, byte[] incoming, double w, ClipManifest m) {
        if (Arrays.equals(outgoing, incoming)) {
            return incoming;
        }
        int width = m.getWidth();
        int height = m.getHeight();
        byte[] blended = Crossfade.blendBgr(JpegCodec.decodeBgr(outgoing, width, height),
                JpegCodec.decodeBgr(incoming, width, height), w);
        byte[] jpeg = JpegCodec.encode(blended, width, height, jpegQuality);
        if (jpeg.length > maxWholeFrameBytes) {
            throw new IllegalArgumentException("it encodes to " + jpeg.length + " bytes, above the "
                    + maxWholeFrameBytes + " a whole frame may have (dubstream.max-whole-frame-bytes)");
        }
        return jpeg;
    }

    /**
     * Emits the script lines of chunk {@code c} not yet out, so that the output carries its clip's
     * script, each line once and in order: chunks carry the lines that overlap them, in order of
     * index, and every line overlaps a chunk.
     */
    private static void emitScriptLines(MergeProgress p, Chunk c, Collector<ClipEvent> out) {
        if (c.getScriptLines() == null) {
            return;
        }
        for (ScriptLine line : c.getScriptLines()) {
            if (line.getLineIndex() >= p.getScriptLinesEmitted()) {
                out.collect(ClipEvent.of(line));
                p.setScriptLinesEmitted(line.getLineIndex() + 1);
            }
        }
    }

    /**
     * Emits the clip's next frame, at the presentation time its source frame had: as one record, or
     * as its parts one after the other when it is larger than a record holds ({@link FrameParts}).
     */
    private void emitFrame(String clipId, MergeProgress p, byte[] jpeg, long ptsMicros, Collector<ClipEvent> out) {
        ClipManifest m = p.getManifest();
        long index = p.getFramesEmitted();
        VideoFrame frame = new VideoFrame(clipId, index, ptsMicros, m.getWidth(), m.getHeight(), jpeg);
        for (ClipRecord record : FrameParts.records(frame, maxFrameBytes)) {
            out.collect(ClipEvent.of(record));
        }
        p.setFramesEmitted(index + 1);
    }

    /**
     * Samples per channel in a full audio block of this clip: the configured length, shortened where
     * that many samples of every channel would not fit one record (above 96 kHz with more than four
     * channels, at 250 ms).
     */
    private int blockSamples(ClipManifest m) {
        long configured = Math.max(1, (long) audioBlockMillis * m.getSampleRate() / 1000);
        long fits = RecordLimits.DEFAULTS.maxAudioBlockSamples() / Math.max(1, m.getChannels());
        return (int) Math.min(configured, fits);
    }

    /**
     * Appends interleaved values to the clip's audio and emits every block that is now full; the
     * rest waits in the carry for the next chunk, or for {@link #flushAudio}.
     */
    private void emitAudio(String clipId, MergeProgress p, short[] values, Collector<ClipEvent> out) {
        ClipManifest m = p.getManifest();
        int channels = m.getChannels();
        int blockValues = blockSamples(m) * channels;
        short[] carry = p.getAudioCarry();
        long blockFirst = p.getSamplesEmitted() - carry.length / channels;
        int pos = 0;
        if (carry.length > 0) {
            int missing = blockValues - carry.length;
            if (values.length < missing) {
                p.setAudioCarry(concat(carry, values, values.length));
                p.setSamplesEmitted(p.getSamplesEmitted() + values.length / channels);
                return;
            }
            emitBlock(clipId, m, blockFirst, concat(carry, values, missing), out);
            blockFirst += blockValues / channels;
            pos = missing;
        }
        for (; values.length - pos >= blockValues; pos += blockValues) {
            emitBlock(clipId, m, blockFirst, Arrays.copyOfRange(values, pos, pos + blockValues), out);
            blockFirst += blockValues / channels;
        }
        p.setAudioCarry(Arrays.copyOfRange(values, pos, values.length));
        p.setSamplesEmitted(p.getSamplesEmitted() + values.length / channels);
    }

    /** Emits the samples waiting for a full block as a shorter one: at the end of a clip. */
    private static void flushAudio(String clipId, MergeProgress p, Collector<ClipEvent> out) {
        short[] carry = p.getAudioCarry();
        if (carry.length > 0) {
            ClipManifest m = p.getManifest();
            emitBlock(clipId, m, p.getSamplesEmitted() - carry.length / m.getChannels(), carry, out);
            p.setAudioCarry(new short[0]);
        }
    }

    private static void emitBlock(String clipId, ClipManifest m, long firstSample, short[] values,
            Collector<ClipEvent> out) {
        out.collect(ClipEvent.of(new AudioBlock(clipId, firstSample, m.getSampleRate(), m.getChannels(), values)));
    }

    private static short[] concat(short[] head, short[] values, int count) {
        short[] joined = Arrays.copyOf(head, head.length + count);
        System.arraycopy(values, 0, joined, head.length, count);
        return joined;
    }

    /**
     * After the last chunk: the input's end-of-clip record, with a {@link ProcessingNote} (the mode
     * and the chunk count) as its reason, if the totals agree; else a FAILED one.
     */
    private void finishComplete(String clipId, MergeProgress p, Chunk last, Context ctx, Collector<ClipEvent> out)
            throws Exception {
        flushAudio(clipId, p, out);
        EndOfClip end = last.getEnd();
        long frames = p.getFramesEmitted();
        long samples = p.getSamplesEmitted();
        if (end == null) {
            end(new EndOfClip(clipId, frames, samples, EndOfClip.Status.FAILED,
                    "the last chunk (" + last.getIndex() + ") of clip " + clipId + " carries no end-of-clip record",
                    p.getManifest().getCreatedAtMillis()), p, ctx, out);
        } else if (end.getFramesSent() != frames || end.getSamplesSent() != samples) {
            end(new EndOfClip(clipId, frames, samples, EndOfClip.Status.FAILED,
                    "merged " + frames + " frames and " + samples + " samples, but the input sent "
                            + end.getFramesSent() + " frames and " + end.getSamplesSent() + " samples",
                    end.getFinishedAtMillis()), p, ctx, out);
        } else {
            // Chunks from before the mode existed (restored in flight) were cut into chunks.
            ClipMode mode = last.getMode() == null ? ClipMode.CHUNKED : last.getMode();
            end(new EndOfClip(clipId, frames, samples, EndOfClip.Status.COMPLETE,
                    new ProcessingNote(mode, last.getIndex() + 1).text(), end.getFinishedAtMillis()), p, ctx, out);
        }
        clearAndMarkFinished();
    }

    /** Emits the clip's end-of-clip record and reports the clip's outcome. */
    private void end(EndOfClip end, MergeProgress p, Context ctx, Collector<ClipEvent> out) {
        out.collect(ClipEvent.of(end));
        int chunksMerged = p == null ? 0 : p.getNextIndex();
        ctx.output(STATUS, ClipEvent.of(ChunkStatuses.outcome(end, chunksMerged,
                ctx.timerService().currentProcessingTime())));
    }

    /**
     * Ends the clip as failed: the held tail as it is, the audio waiting for a block, then a FAILED
     * end-of-clip record with what was emitted. When the manifest has not gone out yet (no start
     * marker and no chunk came before), it is emitted first (when known) so that readers of the output
     * see the clip they wait for end.
     */
    private void finishFailed(String clipId, MergeProgress p, ClipManifest manifest, String reason, Context ctx,
            Collector<ClipEvent> out) throws Exception {
        long frames = 0;
        long samples = 0;
        if (p == null) {
            if (manifest != null) {
                out.collect(ClipEvent.of(manifest));
            }
        } else if (p.getNextIndex() > 0) {
            byte[][] tail = p.getTailImages();
            long[] pts = new long[tail.length];
            for (int j = 0; j < tail.length; j++) {
                pts[j] = p.tailPts(j);
            }
            for (int j = 0; j < tail.length; j++) {
                emitFrame(clipId, p, tail[j], pts[j], out);
            }
            if (p.getManifest().hasAudio()) {
                emitAudio(clipId, p, p.getTailSamples(), out);
                flushAudio(clipId, p, out);
            }
            frames = p.getFramesEmitted();
            samples = p.getSamplesEmitted();
        }
        long finishedAt = manifest == null ? 0 : manifest.getCreatedAtMillis();
        end(new EndOfClip(clipId, frames, samples, EndOfClip.Status.FAILED, reason, finishedAt), p, ctx, out);
        clearAndMarkFinished();
    }

    private void clearAndMarkFinished() throws Exception {
        progress.clear();
        early.clear();
        finished.update(Boolean.TRUE);
    }
}
