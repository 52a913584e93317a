package io.dubstream.connectors.script;

import io.dubstream.connectors.format.InvalidRecordException;
import io.dubstream.connectors.format.RecordLimits;
import io.dubstream.connectors.format.RecordValidator;

/**
 * How a script file is read.
 *
 * @param language the script's language tag ({@code fr}, {@code pt-BR}); when not empty it overrides
 *     the one the file states (a WebVTT {@code Language:} header)
 * @param clipDurationMicros the clip's duration: a line that ends after it is refused; -1 when not
 *     known, and then not checked
 */
public record ScriptOptions(String language, long clipDurationMicros) {

    /** No language given, the clip's duration not known. */
    public static final ScriptOptions DEFAULTS = new ScriptOptions("", -1);

    public ScriptOptions {
        language = language == null ? "" : language.strip();
        try {
            new RecordValidator(RecordLimits.DEFAULTS).checkLanguage("script language", language);
        } catch (InvalidRecordException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
        if (clipDurationMicros < -1) {
            throw new IllegalArgumentException("clip duration " + clipDurationMicros + " us is negative (-1: unknown)");
        }
    }

    public ScriptOptions withLanguage(String tag) {
        return new ScriptOptions(tag, clipDurationMicros);
    }

    public ScriptOptions withClipDuration(long micros) {
        return new ScriptOptions(language, micros);
    }
}
