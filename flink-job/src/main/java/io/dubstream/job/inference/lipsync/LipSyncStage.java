package io.dubstream.job.inference.lipsync;

import java.nio.FloatBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.dubstream.connectors.media.JpegCodec;
import io.dubstream.job.inference.ChunkModel;
import io.dubstream.job.inference.GpuMemoryPeak;
import io.dubstream.job.inference.StageContext;
import io.dubstream.job.inference.batching.MicroBatcher;
import io.dubstream.job.records.Chunk;

/**
 * The lip-sync stage (Wav2Lip contract): for every frame of a chunk with a face, the 80x16 mel window
 * of its audio and the 6x96x96 face crop (lower half masked, beside the unmasked reference) go to the
 * lip-sync model, whose 96x96 mouth is pasted back into the frame. Frames without a face pass through
 * unchanged and are counted.
 *
 * <p>Frames go to the model through a {@link MicroBatcher}: the frames of all chunks in flight (of any
 * clip) share batches of {@code batchSize}, run on the batcher's one thread, which owns the model.
 * Preparing and pasting run on the calling threads, each with a face detector of its own, so several
 * chunks may be processed at once. The model takes their frames in the order the chunks came to the
 * stage, not in the order their frames were prepared: the earliest chunk in flight finishes first, and
 * the merger can send it on while the later ones run.
 *
 * <p><b>A pipeline per batch.</b> A chunk does not wait to be prepared whole: its frames are decoded,
 * searched and cropped in order ({@link LipSyncFrames.Pass}), and every {@code batchSize} frames go to
 * the batcher at once, so the model runs on them while the next ones are prepared; the mouths of a group
 * are pasted and encoded as soon as it returns. At most {@value #GROUPS_AHEAD} groups of a chunk wait
 * for the model: beyond that the chunk's thread pastes before it prepares more, which bounds the decoded
 * frames a chunk holds to about {@code (GROUPS_AHEAD + 1) * batchSize} plus the smoothing window. Each
 * frame is decoded once: the pixels it was searched in are cropped and then pasted into. The model
 * thread writes each batch's inputs straight from the crops (bytes) and the chunks' spectrograms into
 * one direct buffer ({@link LipSyncBatch}, allocated once), which the model hands to its engine as it is;
 * one output array per batch, read by the pasting threads at each frame's offset. A frame's output
 * depends on its own crop and window only, so the result does not depend on how frames fall into
 * batches or on the threads' timing.
 *
 * <p>Frames the model does not change (no face, no speech there, context) leave as they came: the same
 * JPEG bytes, not re-encoded.
 *
 * <p>Context is input, not output. Wav2Lip's mouth for a frame depends on that frame's crop and its
 * 0.2 s mel window alone; the box comes from detections, tracking and smoothing over a few neighbouring
 * frames, all scheduled on the clip ({@link LipSyncFrames}). So the stage reads the chunk's context for
 * those and for the mel windows, runs the model on the core frames only, and leaves the context frames
 * as they came; its output says so ({@link Chunk#isFramesAtCut()}), and the merger joins such chunks'
 * frames at the cut between their cores. A core frame's output then equals the whole clip's where the
 * context covers what it depends on: half a second of tracking, the detection interval, five frames of
 * smoothing and 0.2 s of audio (the default 1 s does).
 *
 * <p>The chunk's audio, at the transport rate and channel count, passes through unchanged: the stage
 * changes frames only. For the mel features {@link LipSyncFrames} mixes it to mono and resamples it to
 * Wav2Lip's 16 kHz, and picks each frame's window by the frame's presentation time. Faces are searched
 * in the frames turned upright by the clip's display rotation.
 */
public final class LipSyncStage implements ChunkModel {

    private static final Logger LOG = LoggerFactory.getLogger(LipSyncStage.class);

    /**
     * The frame rate at which {@link #contextNeeded(FaceSearch)} counts frames in time: 24 fps, film's,
     * the slowest common one. A slower clip's frames reach further; its core frames next to a seam may
     * then get slightly other boxes than the whole clip's.
     */
    public static final int CONTEXT_FRAME_RATE = 24;

    /** Groups of a chunk's frames that may wait for the model at once, per chunk. */
    static final int GROUPS_AHEAD = 2;

    /** One frame's model input: its 96x96 crop and where its mel window lies. */
    record FrameInput(byte[] crop, MelSpectrogram mel, int melStart) {}

    /** One frame's mouth: the values of its batch's output from {@code offset} on. */
    record Mouth(float[] batch, int offset) {}

    /** Frames of a chunk sent to the model together, and the future of their mouths. */
    private record Group(List<LipSyncFrames.FaceFrame> frames, CompletableFuture<List<Mouth>> mouths) {}

    private final LipSyncModel model;
    private final float jpegQuality;
    private final FaceSearch search;
    private final int batchSize;
    private final MicroBatcher<FrameInput, Mouth> batcher;
    /** The model thread's one input buffer, refilled for each batch. */
    private final LipSyncBatch inputs;
    private final Map<Thread, LipSyncFrames> framesByThread = new ConcurrentHashMap<>();
    /** Chunks started so far: each chunk's frames go to the model with its number as their priority. */
    private final AtomicLong chunksStarted = new AtomicLong();
    private final AtomicLong facesFound = new AtomicLong();
    private final AtomicLong framesWithoutFace = new AtomicLong();
    private final AtomicLong framesWithoutSpeech = new AtomicLong();
    /** On a GPU, the most device memory seen in use after a batch; null on the CPU. */
    private final GpuMemoryPeak gpuMemory;

    public LipSyncStage(LipSyncModel model, int batchSize, Duration maxWait, float jpegQuality) {
        this(model, batchSize, maxWait, jpegQuality, FaceSearch.DEFAULT);
    }

    /** @param search how faces are looked for, see {@link FaceSearch} */
    public LipSyncStage(LipSyncModel model, int batchSize, Duration maxWait, float jpegQuality, FaceSearch search) {
        this.search = Objects.requireNonNull(search, "search");
        this.model = model;
        this.jpegQuality = jpegQuality;
        this.gpuMemory = model.device().isGpu() ? new GpuMemoryPeak(model.device()) : null;
        this.batchSize = batchSize;
        this.inputs = batchSize > 0 ? LipSyncBatch.allocate(batchSize) : null;
        this.batcher = new MicroBatcher<>(this::run, batchSize, maxWait, "lipsync-" + model.name());
    }

    @Override
    public String name() {
        return model.name();
    }

    @Override
    public Duration contextNeeded() {
        return contextNeeded(search);
    }

    /**
     * The context a core frame's output reads, on the wider side: before the core, the half second back to
     * where tracking starts afresh ({@link FaceSearch#TRACK_RESTART_MICROS}, when it tracks), one detection interval and
     * the smoothing window ({@link FaceTrack#WINDOW}); after it, the longer of the smoothing window with one
     * detection interval and the 0.2 s mel window ({@link MelWindows#STEP} mel frames). Frames count at
     * {@value #CONTEXT_FRAME_RATE} fps. With the default search (a detection on every frame) 0.75 s.
     */
    public static Duration contextNeeded(FaceSearch search) {
        long frameCount = search.detectEvery() + FaceTrack.WINDOW;
        Duration frames = Duration.ofNanos(-Math.floorDiv(-frameCount * 1_000_000_000L, CONTEXT_FRAME_RATE)); // rounded up
        Duration before = search.track() ? Duration.ofNanos(FaceSearch.TRACK_RESTART_MICROS * 1000).plus(frames) : frames;
        Duration mel = Duration.ofNanos(MelWindows.STEP * 1_000_000_000L / MelSpectrogram.FRAMES_PER_SECOND);
        return StageContext.longer(before, StageContext.longer(frames, mel));
    }

    @Override
    public Chunk process(Chunk chunk) throws Exception {
        long order = chunksStarted.getAndIncrement();
        if (chunk.getSamples().length == 0) {
            // Wav2Lip needs speech to shape the mouth: a clip without audio keeps its frames
            return chunk;
        }
        LipSyncFrames frames = framesByThread.computeIfAbsent(Thread.currentThread(),
                t -> new LipSyncFrames(search));
        LipSyncFrames.Pass pass = frames.start(chunk);
        // every frame as it came, until the model's face is pasted into it
        byte[][] out = chunk.getImages().clone();
        ArrayDeque<Group> waiting = new ArrayDeque<>();
        int withFace = 0;
        int spoken = 0;
        try {
            List<LipSyncFrames.FaceFrame> group = new ArrayList<>(batchSize);
            for (LipSyncFrames.FaceFrame f = pass.next(); f != null; f = pass.next()) {
                withFace++;
                if (!isSpoken(chunk, f.index())) {
                    continue; // the dub is silent here: the frame keeps its mouth and its bytes
                }
                spoken++;
                group.add(f);
                if (group.size() == batchSize) {
                    waiting.add(submit(group, pass, order));
                    group = new ArrayList<>(batchSize);
                }
                // paste what has come back; wait for the oldest group when too many are out
                while (!waiting.isEmpty() && (waiting.peekFirst().mouths().isDone() || waiting.size() > GROUPS_AHEAD)) {
                    paste(waiting.peekFirst(), pass, out);
                    waiting.pollFirst();
                }
            }
            if (!group.isEmpty()) {
                waiting.add(submit(group, pass, order));
            }
            while (!waiting.isEmpty()) {
                paste(waiting.peekFirst(), pass, out);
                waiting.pollFirst();
            }
        } finally {
            // interrupted (the chunk timed out) or failed: its frames that have not run leave the queue
            waiting.forEach(g -> g.mouths().cancel(true));
        }
        facesFound.addAndGet(spoken);
        framesWithoutFace.addAndGet(pass.framesWithoutFace());
        framesWithoutSpeech.addAndGet(withFace - spoken);
        LOG.info("clip {} chunk {}: a face in {} of {} core frames ({} pass through unchanged, and the {} frames of"
                + " context)", chunk.getClipId(), chunk.getIndex(), withFace, pass.coreFrames(),
                pass.framesWithoutFace(), pass.frames() - pass.coreFrames());
        Chunk result = chunk.withMedia(out, chunk.getSamples());
        // the context frames left as they came: each frame is the output of the chunk whose core holds it
        return LipSyncFrames.hasCore(chunk) ? result.withFramesAtCut() : result;
    }

    /** Whether the chunk's dub speaks at frame {@code i}: always without a dubbing stage before this one. */
    private static boolean isSpoken(Chunk chunk, int i) {
        return chunk.getSpokenMicros() == null || chunk.isSpokenAt(chunk.framePtsMicros(i));
    }

    private Group submit(List<LipSyncFrames.FaceFrame> frames, LipSyncFrames.Pass pass, long order) {
        List<FrameInput> items = new ArrayList<>(frames.size());
        for (LipSyncFrames.FaceFrame f : frames) {
            items.add(new FrameInput(f.crop(), pass.mel(), pass.melStart(f.index())));
        }
        return new Group(frames, batcher.submit(items, order));
    }

    /** Waits for a group's mouths and pastes them into its frames, each re-encoded as JPEG. */
    private void paste(Group group, LipSyncFrames.Pass pass, byte[][] out) throws Exception {
        List<Mouth> mouths;
        try {
            mouths = group.mouths().get();
        } catch (ExecutionException e) {
            // the model's own failure, an Error as it is: ChunkInference tells a fatal one from a failed attempt
            Throwable cause = e.getCause();
            if (cause instanceof Error error) {
                throw error;
            }
            throw cause instanceof Exception ex ? ex : new IllegalStateException(cause.getMessage(), cause);
        }
        for (int k = 0; k < mouths.size(); k++) {
            LipSyncFrames.FaceFrame f = group.frames().get(k);
            Mouth mouth = mouths.get(k);
            byte[] pasted = FaceCrops.paste(f.bgr(), pass.width(), pass.height(), pass.upright(), f.uprightBox(),
                    mouth.batch(), mouth.offset());
            out[f.index()] = JpegCodec.encode(pasted, pass.width(), pass.height(), jpegQuality);
        }
    }

    /**
     * One model batch, on the batcher's thread: the frames' inputs written into the one input buffer
     * (crop bytes to floats, mel windows), the model run on it, each frame's mouth a view of the output.
     */
    private List<Mouth> run(List<FrameInput> batch) {
        int n = batch.size();
        FloatBuffer mels = inputs.mels();
        FloatBuffer faces = inputs.faces();
        for (int i = 0; i < n; i++) {
            FrameInput frame = batch.get(i);
            MelWindows.copyWindow(frame.mel(), frame.melStart(), mels, i * LipSyncModel.MEL_FLOATS);
            FaceCrops.modelInput(frame.crop(), faces, i * LipSyncModel.FACE_FLOATS);
        }
        inputs.size(n);
        float[] out = model.predict(inputs);
        if (gpuMemory != null) {
            gpuMemory.sample();
        }
        if (out == null || (long) out.length != (long) n * LipSyncModel.MOUTH_FLOATS) {
            throw new IllegalStateException(model.name() + " returned " + (out == null ? "nothing" : out.length
                    + " values") + " for a batch of " + n + ", expected " + (long) n * LipSyncModel.MOUTH_FLOATS);
        }
        List<Mouth> mouths = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            mouths.add(new Mouth(out, i * LipSyncModel.MOUTH_FLOATS));
        }
        return mouths;
    }

    /** Count names: frames that went through the model with a face, and frames passed through without. */
    public static final String FRAMES_WITH_FACE = "lipsyncFramesWithFace";
    public static final String FRAMES_WITHOUT_FACE = "lipsyncFramesWithoutFace";
    /** Frames with a face that kept their mouth because the dub does not speak there. */
    public static final String FRAMES_WITHOUT_SPEECH = "lipsyncFramesWithoutSpeech";
    /**
     * Model batches run, and the frames they held: their ratio over a while is the batch size reached,
     * to hold against {@code dubstream.lipsync.batch-size}.
     */
    public static final String BATCHES = "lipsyncBatches";
    public static final String BATCHED_FRAMES = "lipsyncBatchedFrames";
    /** Peak name, on a GPU: the most device memory in use after a batch, in bytes; 0 until known. */
    public static final String GPU_PEAK_USED_BYTES = "gpuPeakUsedBytes";

    @Override
    public Map<String, Long> counts() {
        return Map.of(FRAMES_WITH_FACE, facesFound.get(), FRAMES_WITHOUT_FACE, framesWithoutFace.get(),
                FRAMES_WITHOUT_SPEECH, framesWithoutSpeech.get(), BATCHES, batcher.batchesRun(),
                BATCHED_FRAMES, batcher.itemsRun());
    }

    @Override
    public Map<String, Long> peaks() {
        return gpuMemory == null ? Map.of() : Map.of(GPU_PEAK_USED_BYTES, Math.max(0, gpuMemory.peakBytes()));
    }

    /** Frames with a face that went through the model so far. */
    public long facesFound() {
        return facesFound.get();
    }

    /** Frames that passed through unchanged because no face was found. */
    public long framesWithoutFace() {
        return framesWithoutFace.get();
    }

    @Override
    public void close() throws Exception {
        try {
            batcher.close();
        } finally {
            framesByThread.values().forEach(LipSyncFrames::close);
            model.close();
        }
    }
}
