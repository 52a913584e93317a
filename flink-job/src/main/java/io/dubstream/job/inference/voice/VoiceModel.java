package io.dubstream.job.inference.voice;

import java.time.Duration;

/**
 * A voice model: speech in, dubbed speech of exactly the same length out, at the model's own sample
 * rate. The overlap-add merge needs outputs aligned in time with their inputs, so a model must keep
 * both the batch size and the length.
 *
 * <p>Samples are float32 in [-1, 1], one signal per row: {@link VoiceStage} sends each channel of a
 * chunk as a row of its own. Instances hold native resources (close them) and are not thread-safe:
 * one per subtask.
 */
public interface VoiceModel extends AutoCloseable {

    /** The rate the model takes and returns audio at, in Hz. */
    int sampleRate();

    /** What the model is called in messages and options (a built-in name or the model file). */
    String name();

    /**
     * Processes a batch of equally long signals.
     *
     * @param batch {@code B x N} samples at {@link #sampleRate()}, {@code B >= 1}, {@code N >= 1}
     * @return {@code B x N} samples
     * @throws VoiceModelException when the model fails or returns something else than {@code B x N}
     *     finite values
     */
    float[][] process(float[][] batch);

    /**
     * How much audio the model reads on each side of a chunk's core for the core's output to be what the
     * whole clip would give ({@code ChunkModel#contextNeeded()}); none by default, which is also all a
     * TorchScript file can say of itself.
     */
    default Duration contextNeeded() {
        return Duration.ZERO;
    }

    @Override
    default void close() {}
}
