package io.dubstream.connectors.records;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How the job processed a clip, written as the reason of the {@link EndOfClip.Status#COMPLETE}
 * end-of-clip record on the output topics: {@code mode=whole chunks=1} or
 * {@code mode=chunked chunks=5}. So a downloaded clip says which mode ran. Complete end-of-clip
 * records of an upload carry an empty reason instead.
 */
public record ProcessingNote(ClipMode mode, int chunks) {

    private static final Pattern TEXT = Pattern.compile("mode=([a-z]+) chunks=([1-9][0-9]{0,8})");

    public ProcessingNote {
        Objects.requireNonNull(mode);
        if (chunks < 1 || mode == ClipMode.WHOLE && chunks != 1) {
            throw new IllegalArgumentException("a clip processed " + mode.label() + " cannot have " + chunks
                    + " chunks");
        }
    }

    /** The note as the end-of-clip record's reason holds it. */
    public String text() {
        return "mode=" + mode.label() + " chunks=" + chunks;
    }

    /** The note an end-of-clip reason holds; empty when the reason is no such note. */
    public static Optional<ProcessingNote> parse(String reason) {
        Matcher m = TEXT.matcher(reason == null ? "" : reason);
        if (!m.matches()) {
            return Optional.empty();
        }
        ClipMode mode = ClipMode.ofLabel(m.group(1));
        int chunks = Integer.parseInt(m.group(2));
        if (mode == null || mode == ClipMode.WHOLE && chunks != 1) {
            return Optional.empty();
        }
        return Optional.of(new ProcessingNote(mode, chunks));
    }
}
