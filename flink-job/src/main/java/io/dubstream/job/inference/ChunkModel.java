package io.dubstream.job.inference;

import java.time.Duration;
import java.util.Map;

import io.dubstream.job.records.Chunk;

/**
 * The model boundary: a whole chunk in (frames and audio together, so that a model can look at both),
 * a chunk of exactly the same length out, so that neighbouring chunks can be merged by overlap-add.
 *
 * <p>Instances are opened by {@link ChunkModels}, one per inference subtask or one for the subtasks of
 * a TaskManager ({@link SharedModels}), and called from several threads at once: they must be
 * thread-safe.
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
     * How much of the clip the model reads on each side of a chunk's core for the core's output to be
     * what the whole clip would give (e.g. face boxes smoothed over neighbouring frames, an audio window
     * after a frame); {@code dubstream.chunk.context} must be at least this, checked at start
     * ({@link StageContext}). None by default: a model of each frame or sample alone.
     */
    default Duration contextNeeded() {
        return Duration.ZERO;
    }

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
