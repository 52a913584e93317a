package io.dubstream.connectors.script;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.dubstream.connectors.format.InvalidRecordException;
import io.dubstream.connectors.format.RecordLimits;
import io.dubstream.connectors.format.RecordValidator;
import io.dubstream.connectors.records.ScriptLine;

/**
 * A clip's dubbing script, read from a file and checked: its lines sorted by start and numbered
 * from 0, each with its place in the file so that a later check (the clip's duration) can still
 * name it. Every line is valid as a {@link ScriptLine} record once given the clip id.
 */
public final class Script {

    private static final Script NONE = new Script("", "", List.of());

    private final String source;
    private final String language;
    /** Sorted by start; the position is the line index. */
    private final List<Cue> cues;

    private Script(String source, String language, List<Cue> cues) {
        this.source = source;
        this.language = language;
        this.cues = List.copyOf(cues);
    }

    /** No script: a clip uploaded without one. */
    public static Script none() {
        return NONE;
    }

    /**
     * Checks what a format read from {@code source} and makes it a script: at least one line, at most
     * {@link RecordLimits#MAX_SCRIPT_LINES}; each ending after it starts, with a text of at most
     * {@link RecordLimits#MAX_SCRIPT_TEXT_LENGTH} characters and a speaker name of at most
     * {@link RecordLimits#MAX_SCRIPT_LABEL_LENGTH}; no two lines of one speaker (lines without a
     * speaker count as one) overlapping; none past the clip's end when its duration is known; a valid
     * language tag.
     */
    static Script of(String source, ParsedScript parsed, ScriptOptions options) throws ScriptException {
        List<Cue> cues = parsed.cues();
        if (cues.isEmpty()) {
            throw new ScriptException(source, 0, "the script has no lines");
        }
        if (cues.size() > RecordLimits.MAX_SCRIPT_LINES) {
            throw new ScriptException(source, cues.get(RecordLimits.MAX_SCRIPT_LINES).fileLine(), "more than "
                    + RecordLimits.MAX_SCRIPT_LINES + " lines: a clip's script has at most "
                    + RecordLimits.MAX_SCRIPT_LINES);
        }
        for (Cue c : cues) {
            check(source, c);
        }
        String language = options.language();
        if (language.isEmpty()) {
            language = parsed.language();
            try {
                new RecordValidator(RecordLimits.DEFAULTS).checkLanguage("language", language);
            } catch (InvalidRecordException e) {
                throw new ScriptException(source, parsed.languageLine(), e.getMessage());
            }
        }
        List<Cue> sorted = new ArrayList<>(cues);
        sorted.sort(Comparator.comparingLong(Cue::startMicros));
        checkOverlaps(source, sorted);
        Script script = new Script(source, language, sorted);
        script.checkWithin(options.clipDurationMicros());
        return script;
    }

    private static void check(String source, Cue c) throws ScriptException {
        if (c.endMicros() <= c.startMicros()) {
            throw new ScriptException(source, c.fileLine(), c.endMicros() == c.startMicros()
                    ? "the line ends when it starts, at " + ScriptTimes.format(c.startMicros())
                    : "the line ends at " + ScriptTimes.format(c.endMicros()) + ", before it starts at "
                            + ScriptTimes.format(c.startMicros()));
        }
        if (c.text().isEmpty()) {
            throw new ScriptException(source, c.fileLine(), "the line has no text");
        }
        if (c.text().length() > RecordLimits.MAX_SCRIPT_TEXT_LENGTH) {
            throw new ScriptException(source, c.fileLine(), "the text is " + c.text().length()
                    + " characters, above the limit of " + RecordLimits.MAX_SCRIPT_TEXT_LENGTH);
        }
        if (c.speaker().length() > RecordLimits.MAX_SCRIPT_LABEL_LENGTH) {
            throw new ScriptException(source, c.fileLine(), "the speaker name is " + c.speaker().length()
                    + " characters, above the limit of " + RecordLimits.MAX_SCRIPT_LABEL_LENGTH);
        }
    }

    /** {@code sorted} by start: each line of a speaker starts at or after the end of all earlier ones. */
    private static void checkOverlaps(String source, List<Cue> sorted) throws ScriptException {
        Map<String, Cue> latestEnding = new HashMap<>();
        for (Cue c : sorted) {
            Cue before = latestEnding.get(c.speaker());
            if (before != null && c.startMicros() < before.endMicros()) {
                throw new ScriptException(source, c.fileLine(), "the line starts at "
                        + ScriptTimes.format(c.startMicros()) + " while line " + before.fileLine()
                        + " of the same speaker (" + (c.speaker().isEmpty() ? "none named" : "'" + c.speaker() + "'")
                        + ") runs until " + ScriptTimes.format(before.endMicros())
                        + ": one speaker's lines must not overlap");
            }
            if (before == null || c.endMicros() > before.endMicros()) {
                latestEnding.put(c.speaker(), c);
            }
        }
    }

    /**
     * Refuses a line that ends after the clip's end; does nothing when the duration is not known
     * ({@code -1}).
     */
    public void checkWithin(long clipDurationMicros) throws ScriptException {
        if (clipDurationMicros < 0) {
            return;
        }
        for (Cue c : cues) {
            if (c.endMicros() > clipDurationMicros) {
                throw new ScriptException(source, c.fileLine(), "the line ends at " + ScriptTimes.format(c.endMicros())
                        + ", past the clip's end at " + ScriptTimes.format(clipDurationMicros));
            }
        }
    }

    /** The file the script was read from, as the user named it; empty for {@link #none()}. */
    public String source() {
        return source;
    }

    /** The script's language tag, or empty when neither the user nor the file stated one. */
    public String language() {
        return language;
    }

    /** How many lines it has. */
    public int size() {
        return cues.size();
    }

    public boolean isEmpty() {
        return cues.isEmpty();
    }

    /** The line of the file that line {@code lineIndex} of the script comes from, from 1. */
    public int fileLineOf(int lineIndex) {
        return cues.get(lineIndex).fileLine();
    }

    /** The lines as records without a clip id, numbered from 0 in the order of their start. */
    public List<ScriptLine> lines() {
        return linesOf(null);
    }

    /** The lines as records of clip {@code clipId}, numbered from 0 in the order of their start. */
    public List<ScriptLine> linesOf(String clipId) {
        List<ScriptLine> lines = new ArrayList<>(cues.size());
        for (int i = 0; i < cues.size(); i++) {
            Cue c = cues.get(i);
            lines.add(new ScriptLine(clipId, i, c.startMicros(), c.endMicros(), c.text(), language, c.speaker()));
        }
        return lines;
    }

    @Override
    public String toString() {
        return "Script{" + source + ", " + cues.size() + " lines" + (language.isEmpty() ? "" : " in " + language) + "}";
    }
}
