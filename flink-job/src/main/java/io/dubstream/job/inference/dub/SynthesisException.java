package io.dubstream.job.inference.dub;

/** A line could not be synthesized: the message says which and why. */
public class SynthesisException extends Exception {

    private static final long serialVersionUID = 1L;

    public SynthesisException(String message) {
        super(message);
    }

    public SynthesisException(String message, Throwable cause) {
        super(message, cause);
    }
}
