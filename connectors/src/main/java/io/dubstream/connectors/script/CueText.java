package io.dubstream.connectors.script;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The text of a subtitle cue made into the text of one script line: the cue's lines joined with a
 * space (line breaks in subtitles are layout, not speech), markup removed, runs of white space made one.
 */
final class CueText {

    /** SubRip's basic tags ({@code <i>}, {@code <b>}, {@code <u>}, {@code <s>}, {@code <font ...>}) and ASS overrides ({@code {\an8}}). */
    private static final Pattern SUBRIP_MARKUP =
            Pattern.compile("(?i)</?(?:i|b|u|s|font)(?:\\s[^>]*)?>|\\{\\\\[^}]*}");
    /** Every WebVTT tag: {@code <v ...>}, {@code <c.x>}, {@code <i>}, {@code <lang en>}, {@code <00:00:01.000>}, closing tags. */
    private static final Pattern WEBVTT_TAG = Pattern.compile("<[^>]*>");
    /** A voice span's opening tag, {@code <v Name>} or {@code <v.loud Name>}: group 1 is the name. */
    private static final Pattern WEBVTT_VOICE = Pattern.compile("<v(?:\\.[^\\s>]*)*[ \\t]+([^>]*)>");
    private static final Pattern WEBVTT_ENTITY = Pattern.compile("&(amp|lt|gt|nbsp);");
    private static final Pattern WHITE_SPACE = Pattern.compile("\\s+");

    private CueText() {}

    /** Joined with a space, white space runs made one, stripped. */
    static String oneLine(String text) {
        return WHITE_SPACE.matcher(text).replaceAll(" ").strip();
    }

    static String subRip(List<String> lines) {
        return oneLine(SUBRIP_MARKUP.matcher(String.join(" ", lines)).replaceAll(""));
    }

    static String webVtt(List<String> lines) {
        return oneLine(decodeEntities(WEBVTT_TAG.matcher(String.join(" ", lines)).replaceAll("")));
    }

    /** The name in the cue's first voice tag, or empty without one. */
    static String webVttSpeaker(List<String> lines) {
        Matcher m = WEBVTT_VOICE.matcher(String.join(" ", lines));
        return m.find() ? oneLine(decodeEntities(m.group(1))) : "";
    }

    private static String decodeEntities(String s) {
        return WEBVTT_ENTITY.matcher(s).replaceAll(m -> switch (m.group(1)) {
            case "amp" -> "&";
            case "lt" -> "<";
            case "gt" -> ">";
            default -> "\u00A0";
        });
    }
}
