package io.dubstream.connectors.kafka;

/** An upload or download that could not finish; the message says why in one line. */
public final class TransferException extends Exception {
    private static final long serialVersionUID = 1L;

    public TransferException(String message) {
        super(message);
    }

    public TransferException(String message, Throwable cause) {
        super(message, cause);
    }
}
