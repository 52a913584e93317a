package io.dubstream.job.inference;

import io.dubstream.job.records.Chunk;

/**
 * The model boundary: a whole chunk in (frames and audio together, so that a model can look at both),
 * a chunk of exactly the same length out, so that neighbouring chunks can be merged by overlap-add.
 *
 * <p>Instances are opened per subtask by {@link ChunkModels} and are not shared between threads.
 */
public interface ChunkModel extends AutoCloseable {

    /** The name the model is chosen by ({@code --model}). */
    String name();

    /**
     * Processes one chunk.
     *
     * @return the chunk with the model's frames and audio: as many frames and sample values as it had
     * @throws Exception when the model fails; the chunk fails with the exception's message
     */
    Chunk process(Chunk chunk) throws Exception;

    @Override
    default void close() throws Exception {}
}
