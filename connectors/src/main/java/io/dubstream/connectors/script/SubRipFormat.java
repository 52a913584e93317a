package io.dubstream.connectors.script;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * SubRip ({@code .srt}): blocks separated by blank lines, each a cue number, a timing line
 * {@code HH:MM:SS,mmm --> HH:MM:SS,mmm} (anything after the end time, such as position coordinates,
 * is ignored) and the text. The cue number may be missing; a timing line is not. A cue's text lines
 * are joined with a space and its basic tags ({@code <i>}, {@code <b>}, {@code <u>}, {@code <font>},
 * {@code {\an8}}) removed. SubRip names no speaker and no language.
 */
final class SubRipFormat implements ScriptFormat {

    private static final Pattern CUE_NUMBER = Pattern.compile("\\d+");
    private static final String TIMING = "'HH:MM:SS,mmm --> HH:MM:SS,mmm'";

    @Override
    public ParsedScript parse(ScriptSource source) throws ScriptException {
        List<String> lines = source.lines();
        List<Cue> cues = new ArrayList<>();
        int i = 0;
        while (i < lines.size()) {
            if (lines.get(i).isBlank()) {
                i++;
                continue;
            }
            String first = lines.get(i).strip();
            int timing = i;
            if (!first.contains("-->")) {
                if (!CUE_NUMBER.matcher(first).matches()) {
                    throw source.error(i + 1, "expected a cue number or a timing line " + TIMING + ", got "
                            + ScriptSource.quote(first));
                }
                timing = i + 1;
                if (timing >= lines.size() || !lines.get(timing).contains("-->")) {
                    throw source.error(timing + 1, "expected the timing line " + TIMING + " of cue " + first);
                }
            }
            String line = lines.get(timing);
            int arrow = line.indexOf("-->");
            String start = line.substring(0, arrow).strip();
            String[] after = line.substring(arrow + 3).strip().split("\\s+", 2);
            long startMicros = time(source, timing + 1, start);
            long endMicros = time(source, timing + 1, after[0]);
            int end = timing + 1;
            while (end < lines.size() && !lines.get(end).isBlank()) {
                end++;
            }
            cues.add(new Cue(timing + 1, startMicros, endMicros, CueText.subRip(lines.subList(timing + 1, end)), ""));
            i = end;
        }
        return ParsedScript.withoutLanguage(cues);
    }

    private static long time(ScriptSource source, int line, String s) throws ScriptException {
        long micros = ScriptTimes.subRip(s);
        if (micros < 0) {
            throw source.error(line, "unparsable timestamp " + ScriptSource.quote(s) + " (expected HH:MM:SS,mmm)");
        }
        return micros;
    }
}
