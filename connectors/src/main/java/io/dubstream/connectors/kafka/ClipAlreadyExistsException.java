package io.dubstream.connectors.kafka;

/** An upload was refused because the clip id was uploaded before. */
public final class ClipAlreadyExistsException extends Exception {
    private static final long serialVersionUID = 1L;

    public ClipAlreadyExistsException(String message) {
        super(message);
    }
}
