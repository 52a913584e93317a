package io.dubstream.job.inference;

import java.util.Map;

import io.dubstream.job.records.Chunk;

/**
 * The model boundary: a whole chunk in (frames and audio together, so that a model can look at both),
 * a chunk of exactly the same length out, so that neighbouring chunks can be merged by overlap-add.
 *
 * <p>Instances are opened per subtask by {@link ChunkModels} and are not shared between threads.
 */
public interface ChunkModel extends AutoCloseable {

    /** The name the model is chosen by ({@code --model}); with a voice stage, the voice's name too. */
    String name();

    /** The frame model's name alone, as {@code --model} chose it. */
    default String modelName() {
        return name();
    }

    /** The voice stage's name, as {@code --voice} chose it; empty when there is none. */
    default String voiceName() {
        return "";
    }

    /**
     * Processes one chunk.
     *
     * @return the chunk with the model's frames and audio: as many frames and sample values as it had
     * @throws Exception when the model fails; the chunk fails with the exception's message
     */
    Chunk process(Chunk chunk) throws Exception;

    /**
     * The model's running counts since it was opened, by name (e.g. frames in which the lip-sync stage
     * found a face), for the job's metrics: they only grow, and are summed over the subtasks. The same
     * names (metric names: letters and digits) from the first call on; none by default. Called from
     * any thread.
     */
    default Map<String, Long> counts() {
        return Map.of();
    }

    /**
     * The highest values of a measure seen since the model was opened, by name (e.g. the GPU memory in
     * use after a batch), for the job's metrics: the maximum over the subtasks counts. As
     * {@link #counts()}, the same names from the first call on; none by default.
     */
    default Map<String, Long> peaks() {
        return Map.of();
    }

    @Override
    default void close() throws Exception {}
}
