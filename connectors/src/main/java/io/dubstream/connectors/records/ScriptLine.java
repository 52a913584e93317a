package io.dubstream.connectors.records;

import java.util.Objects;

/**
 * One line of a clip's dubbing script (topic {@code dubstream.script}): what is to be said, by whom,
 * in which language, and when, in the clip's presentation time.
 *
 * <p>Lines are numbered from 0 in the order of their start; the manifest says how many a clip has
 * ({@link ClipManifest#getScriptLineCount()}), so the job knows when its script is complete.
 * Times are microseconds from the clip's first frame, {@code start < end}.
 *
 * <p>A Flink POJO: public no-argument constructor, getters and setters.
 */
public class ScriptLine extends KeyedByClip {

    private int lineIndex;
    private long startMicros;
    private long endMicros;
    private String text;
    /** A BCP 47 / ISO 639 language tag ({@code fr}, {@code pt-BR}), or empty when not stated. */
    private String language;
    /** Who says it, or empty when not stated. */
    private String speaker;

    public ScriptLine() {}

    public ScriptLine(String clipId, int lineIndex, long startMicros, long endMicros, String text, String language,
            String speaker) {
        super(clipId);
        this.lineIndex = lineIndex;
        this.startMicros = startMicros;
        this.endMicros = endMicros;
        this.text = text;
        this.language = language;
        this.speaker = speaker;
    }

    @Override
    public RecordType recordType() {
        return RecordType.SCRIPT_LINE;
    }

    public int getLineIndex() {
        return lineIndex;
    }

    public void setLineIndex(int lineIndex) {
        this.lineIndex = lineIndex;
    }

    public long getStartMicros() {
        return startMicros;
    }

    public void setStartMicros(long startMicros) {
        this.startMicros = startMicros;
    }

    public long getEndMicros() {
        return endMicros;
    }

    public void setEndMicros(long endMicros) {
        this.endMicros = endMicros;
    }

    public String getText() {
        return text;
    }

    public void setText(String text) {
        this.text = text;
    }

    public String getLanguage() {
        return language;
    }

    public void setLanguage(String language) {
        this.language = language;
    }

    public String getSpeaker() {
        return speaker;
    }

    public void setSpeaker(String speaker) {
        this.speaker = speaker;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof ScriptLine l)) {
            return false;
        }
        return lineIndex == l.lineIndex && startMicros == l.startMicros && endMicros == l.endMicros
                && Objects.equals(getClipId(), l.getClipId()) && Objects.equals(text, l.text)
                && Objects.equals(language, l.language) && Objects.equals(speaker, l.speaker);
    }

    @Override
    public int hashCode() {
        return Objects.hash(getClipId(), lineIndex, startMicros, endMicros, text, language, speaker);
    }

    @Override
    public String toString() {
        return "ScriptLine{clipId=" + getClipId() + ", line=" + lineIndex + ", " + startMicros + ".." + endMicros
                + " us, language=" + language + ", speaker=" + speaker + ", " + (text == null ? 0 : text.length())
                + " characters}";
    }
}
