package io.dubstream.connectors.cli;

import java.nio.file.Path;

import picocli.CommandLine.Option;

import io.dubstream.connectors.script.Script;
import io.dubstream.connectors.script.ScriptException;
import io.dubstream.connectors.script.ScriptFiles;
import io.dubstream.connectors.script.ScriptOptions;

/** {@code --script FILE} and {@code --script-language TAG}: the dubbing script a clip is uploaded with. */
public final class ScriptInput {

    @Option(names = "--script", paramLabel = "FILE",
            description = "Dubbing script sent with the clip: SubRip .srt, WebVTT .vtt, or a manual-dub .csv "
                    + "(speaker,start_time,end_time,transcription,translation). A bad script is refused, with the "
                    + "file, line and problem, before anything is sent.")
    Path file;

    @Option(names = "--script-language", paramLabel = "TAG",
            description = "Language of the script, a BCP 47 tag such as fr or pt-BR; overrides the file's "
                    + "(a WebVTT Language: header). Default: the file's, else none.")
    String language;

    /** The script, read and checked; {@link Script#none()} without {@code --script}. */
    public Script read() throws ScriptException {
        if (file == null) {
            if (language != null) {
                throw new IllegalArgumentException("--script-language needs --script");
            }
            return Script.none();
        }
        return ScriptFiles.read(file, ScriptOptions.DEFAULTS.withLanguage(language));
    }
}
