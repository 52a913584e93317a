package io.dubstream.job.inference;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

import io.dubstream.job.records.Chunk;

/**
 * Runs the model on every chunk. The model is opened once per subtask in {@link #open} and closed in
 * {@link #close}; it is never shared between subtasks.
 *
 * <p>A model that throws fails its chunk: instead of the chunk, a failure marker with the model's
 * reason goes on to the merger, which finishes the clip as FAILED. The job keeps running.
 * Failure markers from upstream pass through untouched.
 */
public class ChunkInference extends ProcessFunction<Chunk, Chunk> {

    private static final long serialVersionUID = 1L;

    private final String modelName;
    private final float jpegQuality;
    private transient ChunkModel model;

    public ChunkInference(String modelName, float jpegQuality) {
        this.modelName = modelName;
        this.jpegQuality = jpegQuality;
    }

    @Override
    public void open(OpenContext openContext) {
        model = ChunkModels.open(modelName, jpegQuality);
    }

    @Override
    public void processElement(Chunk chunk, Context ctx, Collector<Chunk> out) {
        if (chunk.isFailure()) {
            out.collect(chunk);
            return;
        }
        Chunk processed;
        try {
            processed = model.process(chunk);
            if (processed.getImages().length != chunk.getImages().length
                    || processed.getSamples().length != chunk.getSamples().length) {
                throw new IllegalStateException("it returned " + processed.getImages().length + " frames and "
                        + processed.getSamples().length + " sample values for " + chunk.getImages().length + " and "
                        + chunk.getSamples().length);
            }
        } catch (Exception e) {
            out.collect(Chunk.failure(chunk.getClipId(), chunk.getManifest(), chunk.getIndex(),
                    "model " + modelName + " failed on chunk " + chunk.getIndex() + ": " + describe(e)));
            return;
        }
        out.collect(processed);
    }

    @Override
    public void close() throws Exception {
        if (model != null) {
            model.close();
            model = null;
        }
    }

    private static String describe(Exception e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
