package io.dubstream.connectors.script;

import java.util.List;

/**
 * What a format read from a file: its lines in file order, and the language the file states.
 *
 * @param language the file's language tag, or empty when it states none
 * @param languageLine the line of the file that states it, 0 when none
 */
record ParsedScript(List<Cue> cues, String language, int languageLine) {

    static ParsedScript withoutLanguage(List<Cue> cues) {
        return new ParsedScript(cues, "", 0);
    }
}
