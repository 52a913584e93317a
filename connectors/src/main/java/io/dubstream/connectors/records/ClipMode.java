package io.dubstream.connectors.records;

import java.util.Locale;

/** How the job cut a clip for its models. */
public enum ClipMode {
    /** In one piece, without overlap or crossfade: clips no longer than the job's hybrid threshold. */
    WHOLE,
    /** In overlapping chunks (a core plus context on each side), crossfaded where they overlap. */
    CHUNKED;

    /** The name as notes and summaries write it: {@code whole}, {@code chunked}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The mode a {@link #label()} names, or null for any other text. */
    public static ClipMode ofLabel(String label) {
        for (ClipMode mode : values()) {
            if (mode.label().equals(label)) {
                return mode;
            }
        }
        return null;
    }
}
