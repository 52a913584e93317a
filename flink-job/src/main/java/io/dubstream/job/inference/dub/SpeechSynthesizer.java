package io.dubstream.job.inference.dub;

import java.util.List;

/**
 * Text to speech for script lines: the speech synthesis stage's model. Built in or a TorchScript
 * model through DJL; instances hold native resources or processes (close them) and are not
 * thread-safe: one per subtask.
 */
public interface SpeechSynthesizer extends AutoCloseable {

    /** What the synthesizer is called in messages and options. */
    String name();

    /**
     * Speaks a batch of lines, in order: one {@link Speech} per request.
     *
     * @throws SynthesisException when a line cannot be spoken (the chunk's attempt fails and is retried)
     */
    List<Speech> synthesize(List<LineRequest> lines) throws SynthesisException;

    @Override
    default void close() {}
}
