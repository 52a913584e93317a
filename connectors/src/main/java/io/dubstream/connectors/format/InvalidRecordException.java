package io.dubstream.connectors.format;

/** A record that breaks the dubstream wire format or its limits; the message says what and why. */
public final class InvalidRecordException extends Exception {
    private static final long serialVersionUID = 1L;

    public InvalidRecordException(String reason) {
        super(reason);
    }
}
