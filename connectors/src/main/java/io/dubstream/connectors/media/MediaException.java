package io.dubstream.connectors.media;

/**
 * A media file could not be read or written. The message is one line that names the file and says
 * what is wrong in terms a user can act on, for example
 * {@code cannot read /in/clip.mp4: not a media file FFmpeg recognises (Invalid data found when
 * processing input)}; the FFmpeg or JavaCV exception that caused it, if any, is the cause.
 */
public final class MediaException extends Exception {

    private static final long serialVersionUID = 1L;

    public MediaException(String message) {
        super(message);
    }

    public MediaException(String message, Throwable cause) {
        super(message, cause);
    }
}
