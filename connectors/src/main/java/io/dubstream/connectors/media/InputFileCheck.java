package io.dubstream.connectors.media;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Checks, before FFmpeg sees a file, the things FFmpeg would only report as a bare error code: that
 * it exists, is a regular readable file, is not empty, and was not cut short.
 */
final class InputFileCheck {

    private InputFileCheck() {}

    /** Returns the file's container layout, or throws a {@link MediaException} saying what is wrong. */
    static ContainerLayout requireReadable(Path file) throws MediaException {
        if (!Files.exists(file)) {
            throw new MediaException("cannot read " + file + ": no such file");
        }
        if (Files.isDirectory(file)) {
            throw new MediaException("cannot read " + file + ": it is a directory, not a media file");
        }
        if (!Files.isRegularFile(file)) {
            throw new MediaException("cannot read " + file + ": it is not a regular file");
        }
        if (!Files.isReadable(file)) {
            throw new MediaException("cannot read " + file + ": permission denied");
        }
        ContainerLayout layout;
        try {
            if (Files.size(file) == 0) {
                throw new MediaException("cannot read " + file + ": the file is empty");
            }
            layout = ContainerLayout.inspect(file);
        } catch (AccessDeniedException e) {
            throw new MediaException("cannot read " + file + ": permission denied", e);
        } catch (NoSuchFileException e) {
            throw new MediaException("cannot read " + file + ": no such file", e);
        } catch (IOException e) {
            throw new MediaException("cannot read " + file + ": " + e, e);
        }
        if (layout.isTruncated() && layout.isoBmff() && !layout.hasMp4Index()) {
            throw new MediaException("cannot read " + file + ": the file is truncated and its mp4 index"
                    + " (moov atom) is missing: " + layout.truncation()
                    + " (an upload, copy or recording was cut short)");
        }
        if (layout.isTruncated()) {
            throw new MediaException("cannot read " + file + ": the file is truncated: " + layout.truncation()
                    + " (an upload or copy was cut short; FFmpeg would silently decode only the part"
                    + " before the cut)");
        }
        return layout;
    }
}
