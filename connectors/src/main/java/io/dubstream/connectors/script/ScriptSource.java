package io.dubstream.connectors.script;

import java.util.List;

/**
 * A script file's text, decoded: without a byte order mark, line ends made {@code \n} (from CRLF or
 * CR), and split into lines numbered from 1.
 */
final class ScriptSource {

    private final String name;
    private final String text;
    private final List<String> lines;

    ScriptSource(String name, String decoded) {
        this.name = name;
        String t = decoded.startsWith("\uFEFF") ? decoded.substring(1) : decoded;
        this.text = t.replace("\r\n", "\n").replace('\r', '\n');
        this.lines = List.of(text.split("\n", -1));
    }

    /** The file as the user named it. */
    String name() {
        return name;
    }

    /** The whole text, line ends {@code \n}. */
    String text() {
        return text;
    }

    /** The lines; line {@code n} of the file is {@code lines().get(n - 1)}. */
    List<String> lines() {
        return lines;
    }

    /** A problem at line {@code line} (from 1) of this file. */
    ScriptException error(int line, String problem) {
        return new ScriptException(name, line, problem);
    }

    /** {@code s} shortened for a message. */
    static String quote(String s) {
        String q = s.length() > 60 ? s.substring(0, 60) + "..." : s;
        return "'" + q + "'";
    }
}
