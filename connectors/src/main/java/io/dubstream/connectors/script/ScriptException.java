package io.dubstream.connectors.script;

/**
 * A script file that cannot be used. The message is one line that names the file, the line in the
 * file where there is one, and the problem: {@code subs.srt:14: unparsable timestamp '00:01:0x,000'},
 * or {@code subs.srt: the script file is empty} for a problem of the whole file.
 */
public final class ScriptException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String file;
    private final int line;
    private final String problem;

    /**
     * @param file the file as the user named it
     * @param line the line in the file, from 1; 0 for a problem of the whole file
     * @param problem what is wrong, without the file and line
     */
    public ScriptException(String file, int line, String problem) {
        super(line > 0 ? file + ":" + line + ": " + problem : file + ": " + problem);
        this.file = file;
        this.line = line;
        this.problem = problem;
    }

    public String file() {
        return file;
    }

    /** The line in the file, from 1; 0 for a problem of the whole file. */
    public int line() {
        return line;
    }

    public String problem() {
        return problem;
    }
}
