package io.dubstream.job.inference.lipsync;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.dubstream.job.inference.ChunkModel;
import io.dubstream.job.inference.GpuMemoryPeak;
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
 * chunks may be processed at once.
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

    /** One frame's model input. */
    record FrameInput(float[] mel, float[] face) {}

    private final LipSyncModel model;
    private final float jpegQuality;
    private final FaceSearch search;
    private final MicroBatcher<FrameInput, float[]> batcher;
    private final Map<Thread, LipSyncFrames> framesByThread = new ConcurrentHashMap<>();
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
        this.batcher = new MicroBatcher<>(this::run, batchSize, maxWait, "lipsync-" + model.name());
    }

    @Override
    public String name() {
        return model.name();
    }

    @Override
    public Chunk process(Chunk chunk) throws Exception {
        if (chunk.getSamples().length == 0) {
            // Wav2Lip needs speech to shape the mouth: a clip without audio keeps its frames
            return chunk;
        }
        LipSyncFrames frames = framesByThread.computeIfAbsent(Thread.currentThread(),
                t -> new LipSyncFrames(search));
        LipSyncFrames.Prepared prepared = frames.prepare(chunk);
        int[] faces = spoken(chunk, prepared.faceFrames());
        List<FrameInput> inputs = new ArrayList<>(faces.length);
        for (int i : faces) {
            inputs.add(new FrameInput(prepared.melWindow(i), prepared.faceInput(i)));
        }
        List<float[]> mouths;
        try {
            // interrupted (the chunk timed out), it takes this chunk's frames that have not run out of the queue
            mouths = batcher.submitAndWait(inputs);
        } catch (ExecutionException e) {
            // the model's own failure, an Error as it is: ChunkInference tells a fatal one from a failed attempt
            Throwable cause = e.getCause();
            if (cause instanceof Error error) {
                throw error;
            }
            throw cause instanceof Exception ex ? ex : new IllegalStateException(cause.getMessage(), cause);
        }
        float[][] outputs = new float[prepared.frames()][];
        for (int k = 0; k < faces.length; k++) {
            outputs[faces[k]] = mouths.get(k);
        }
        facesFound.addAndGet(faces.length);
        framesWithoutFace.addAndGet(prepared.framesWithoutFace());
        framesWithoutSpeech.addAndGet(prepared.faceFrames().length - faces.length);
        LOG.info("clip {} chunk {}: a face in {} of {} core frames ({} pass through unchanged, and the {} frames of"
                + " context)", chunk.getClipId(), chunk.getIndex(), prepared.faceFrames().length, prepared.coreFrames(),
                prepared.framesWithoutFace(), prepared.frames() - prepared.coreFrames());
        Chunk out = chunk.withMedia(LipSyncFrames.paste(prepared, outputs, jpegQuality), chunk.getSamples());
        // the context frames left as they came: each frame is the output of the chunk whose core holds it
        return LipSyncFrames.hasCore(chunk) ? out.withFramesAtCut() : out;
    }

    /**
     * The frames of {@code faces} where the chunk's dub speaks: after a dubbing stage, frames between
     * its lines keep their original mouth; without one, all of them.
     */
    private static int[] spoken(Chunk chunk, int[] faces) {
        if (chunk.getSpokenMicros() == null) {
            return faces;
        }
        return java.util.Arrays.stream(faces).filter(i -> chunk.isSpokenAt(chunk.framePtsMicros(i))).toArray();
    }

    /** One model batch: the frames' inputs side by side, the mouths split back per frame. */
    private List<float[]> run(List<FrameInput> batch) {
        int n = batch.size();
        float[] mels = new float[n * LipSyncModel.MEL_FLOATS];
        float[] faces = new float[n * LipSyncModel.FACE_FLOATS];
        for (int i = 0; i < n; i++) {
            System.arraycopy(batch.get(i).mel(), 0, mels, i * LipSyncModel.MEL_FLOATS, LipSyncModel.MEL_FLOATS);
            System.arraycopy(batch.get(i).face(), 0, faces, i * LipSyncModel.FACE_FLOATS, LipSyncModel.FACE_FLOATS);
        }
        float[] out = model.predict(mels, faces, n);
        if (gpuMemory != null) {
            gpuMemory.sample();
        }
        List<float[]> mouths = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            float[] mouth = new float[LipSyncModel.MOUTH_FLOATS];
            System.arraycopy(out, i * LipSyncModel.MOUTH_FLOATS, mouth, 0, LipSyncModel.MOUTH_FLOATS);
            mouths.add(mouth);
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
