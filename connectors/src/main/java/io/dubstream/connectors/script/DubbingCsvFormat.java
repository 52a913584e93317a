package io.dubstream.connectors.script;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The CSV of a manual dub, as commercial dubbing APIs take it (ElevenLabs' manual dub CSV): the
 * header {@code speaker,start_time,end_time,transcription,translation}, then one record per line of
 * the script. Fields follow RFC 4180: a quoted field may hold commas, doubled quotes and line breaks.
 * Times are seconds ({@code 1.5}) or {@code H:MM:SS,mmm} / {@code HH:MM:SS.mmm}. The text to dub is
 * {@code translation}, which must not be empty; {@code transcription} (the source language's text)
 * is not used. Blank lines are skipped. The file names no language.
 */
final class DubbingCsvFormat implements ScriptFormat {

    static final List<String> HEADER = List.of("speaker", "start_time", "end_time", "transcription", "translation");

    /** One record and the line of the file it starts on. */
    private record Row(int line, List<String> fields) {
        boolean isBlank() {
            return fields.size() == 1 && fields.get(0).isBlank();
        }
    }

    @Override
    public ParsedScript parse(ScriptSource source) throws ScriptException {
        List<Row> rows = rows(source);
        rows.removeIf(Row::isBlank);
        Row header = rows.isEmpty() ? new Row(1, List.of("")) : rows.get(0);
        if (rows.isEmpty() || !header.fields().stream().map(f -> f.strip().toLowerCase(Locale.ROOT)).toList().equals(HEADER)) {
            throw source.error(header.line(), "expected the header '" + String.join(",", HEADER) + "', got "
                    + ScriptSource.quote(String.join(",", header.fields())));
        }
        List<Cue> cues = new ArrayList<>();
        for (Row row : rows.subList(1, rows.size())) {
            List<String> f = row.fields();
            if (f.size() != HEADER.size()) {
                throw source.error(row.line(), "expected " + HEADER.size() + " fields (" + String.join(",", HEADER)
                        + "), got " + f.size());
            }
            long start = time(source, row.line(), f.get(1).strip());
            long end = time(source, row.line(), f.get(2).strip());
            String translation = CueText.oneLine(f.get(4));
            if (translation.isEmpty()) {
                throw source.error(row.line(), "the translation is empty: it is the text that is dubbed");
            }
            cues.add(new Cue(row.line(), start, end, translation, CueText.oneLine(f.get(0))));
        }
        return ParsedScript.withoutLanguage(cues);
    }

    private static long time(ScriptSource source, int line, String s) throws ScriptException {
        long micros = ScriptTimes.secondsOrClock(s);
        if (micros < 0) {
            throw source.error(line, "unparsable timestamp " + ScriptSource.quote(s)
                    + " (expected seconds such as 1.5, or H:MM:SS,mmm)");
        }
        return micros;
    }

    /** The records of the text (RFC 4180), each with the line it starts on. */
    private static List<Row> rows(ScriptSource source) throws ScriptException {
        String t = source.text();
        List<Row> rows = new ArrayList<>();
        int line = 1;
        int i = 0;
        while (i < t.length()) {
            Row row = new Row(line, new ArrayList<>());
            StringBuilder field = new StringBuilder();
            while (true) {
                if (i < t.length() && t.charAt(i) == '"') {
                    int opened = line;
                    i++;
                    while (true) {
                        if (i >= t.length()) {
                            throw source.error(opened, "a quoted field is not closed before the end of the file");
                        }
                        char c = t.charAt(i++);
                        if (c == '"' && i < t.length() && t.charAt(i) == '"') {
                            field.append('"');
                            i++;
                        } else if (c == '"') {
                            break;
                        } else {
                            line += c == '\n' ? 1 : 0;
                            field.append(c);
                        }
                    }
                    if (i < t.length() && t.charAt(i) != ',' && t.charAt(i) != '\n') {
                        throw source.error(line, "unexpected " + ScriptSource.quote(String.valueOf(t.charAt(i)))
                                + " after the closing quote of a field (a quote inside a quoted field is doubled)");
                    }
                } else {
                    while (i < t.length() && t.charAt(i) != ',' && t.charAt(i) != '\n') {
                        field.append(t.charAt(i++));
                    }
                }
                row.fields().add(field.toString());
                field.setLength(0);
                if (i < t.length() && t.charAt(i) == ',') {
                    i++;
                    continue;
                }
                if (i < t.length()) {
                    i++;
                    line++;
                }
                break;
            }
            rows.add(row);
        }
        return rows;
    }
}
