package io.dubstream.connectors.script;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * WebVTT ({@code .vtt}): the {@code WEBVTT} line, header lines up to the first blank line (a
 * {@code Language: fr} line there gives the file's language), then blocks separated by blank lines.
 * {@code NOTE}, {@code STYLE} and {@code REGION} blocks are skipped; a cue is an optional identifier
 * line, a timing line {@code [HH:]MM:SS.mmm --> [HH:]MM:SS.mmm} with optional cue settings after it,
 * and its text. The first voice tag ({@code <v Name>}, {@code <v.loud Name>}) gives the speaker; every
 * tag is removed and {@code &amp; &lt; &gt; &nbsp;} are decoded; text lines are joined with a space.
 */
final class WebVttFormat implements ScriptFormat {

    private static final Pattern TIMING_LINE = Pattern.compile("(\\S+)[ \\t]+-->[ \\t]+(\\S+)(?:[ \\t].*)?");
    private static final Pattern LANGUAGE_HEADER = Pattern.compile("(?i)language[ \\t]*:(.*)");
    private static final String TIMING = "'HH:MM:SS.mmm --> HH:MM:SS.mmm'";

    @Override
    public ParsedScript parse(ScriptSource source) throws ScriptException {
        List<String> lines = source.lines();
        if (!isKeywordLine(lines.get(0), "WEBVTT")) {
            throw source.error(1, "not a WebVTT file: the first line must be 'WEBVTT', got "
                    + ScriptSource.quote(lines.get(0)));
        }
        String language = "";
        int languageLine = 0;
        int i = 1;
        for (; i < lines.size() && !lines.get(i).isBlank(); i++) {
            Matcher m = LANGUAGE_HEADER.matcher(lines.get(i).strip());
            if (m.matches()) {
                language = m.group(1).strip();
                languageLine = i + 1;
            }
        }
        List<Cue> cues = new ArrayList<>();
        while (i < lines.size()) {
            if (lines.get(i).isBlank()) {
                i++;
                continue;
            }
            int end = i;
            while (end < lines.size() && !lines.get(end).isBlank()) {
                end++;
            }
            String first = lines.get(i);
            if (!isKeywordLine(first, "NOTE") && !isKeywordLine(first, "STYLE") && !isKeywordLine(first, "REGION")) {
                cues.add(cue(source, i, end));
            }
            i = end;
        }
        return new ParsedScript(cues, language, languageLine);
    }

    /** The cue in lines {@code from} (inclusive) to {@code to} (exclusive), indexes from 0. */
    private static Cue cue(ScriptSource source, int from, int to) throws ScriptException {
        List<String> lines = source.lines();
        int timing = lines.get(from).contains("-->") ? from : from + 1;
        if (timing >= to || !lines.get(timing).contains("-->")) {
            throw source.error(timing + 1, "expected the timing line " + TIMING + " of cue "
                    + ScriptSource.quote(lines.get(from).strip()));
        }
        String line = lines.get(timing).strip();
        Matcher m = TIMING_LINE.matcher(line);
        if (!m.matches()) {
            throw source.error(timing + 1, "unparsable timing line " + ScriptSource.quote(line) + " (expected "
                    + TIMING + ", cue settings after it)");
        }
        long start = time(source, timing + 1, m.group(1));
        long end = time(source, timing + 1, m.group(2));
        List<String> text = lines.subList(timing + 1, to);
        return new Cue(timing + 1, start, end, CueText.webVtt(text), CueText.webVttSpeaker(text));
    }

    private static long time(ScriptSource source, int line, String s) throws ScriptException {
        long micros = ScriptTimes.webVtt(s);
        if (micros < 0) {
            throw source.error(line, "unparsable timestamp " + ScriptSource.quote(s) + " (expected HH:MM:SS.mmm or MM:SS.mmm)");
        }
        return micros;
    }

    /** Whether {@code line} is {@code keyword} alone or followed by a space or a tab. */
    private static boolean isKeywordLine(String line, String keyword) {
        return line.startsWith(keyword)
                && (line.length() == keyword.length() || line.charAt(keyword.length()) == ' '
                        || line.charAt(keyword.length()) == '\t');
    }
}
