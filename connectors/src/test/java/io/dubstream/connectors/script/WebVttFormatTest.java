package io.dubstream.connectors.script;

import static io.dubstream.connectors.script.ScriptTestFiles.assertRefused;
import static io.dubstream.connectors.script.ScriptTestFiles.read;
import static io.dubstream.connectors.script.ScriptTestFiles.write;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.dubstream.connectors.records.ScriptLine;

class WebVttFormatTest {

    private static final String SUBS = """
            WEBVTT - dubbing script
            Kind: captions
            Language: fr

            NOTE a comment
            over two lines

            STYLE
            ::cue { color: lime }

            REGION
            id:fred

            intro
            00:01.000 --> 00:02.500 align:start position:10%
            <v Alice>Bonjour &amp; bienvenue</v>

            00:00:03.000 --> 00:00:04.000
            <v.loud Bob>Salut &lt;toi&gt;&nbsp;!</v>

            3
            00:00:04.000 --> 00:00:05.000
            <c.yellow>Sans</c>
            <i>voix</i> <00:00:04.500>ici
            """;

    @TempDir
    Path tmp;

    @Test
    void readsCuesSpeakersEntitiesAndTheFilesLanguage() throws Exception {
        Script script = read(write(tmp, "subs.vtt", SUBS));

        assertThat(script.language()).isEqualTo("fr");
        assertThat(script.lines()).containsExactly(
                new ScriptLine(null, 0, 1_000_000, 2_500_000, "Bonjour & bienvenue", "fr", "Alice"),
                new ScriptLine(null, 1, 3_000_000, 4_000_000, "Salut <toi>\u00A0!", "fr", "Bob"),
                new ScriptLine(null, 2, 4_000_000, 5_000_000, "Sans voix ici", "fr", ""));
        assertThat(script.fileLineOf(0)).isEqualTo(15);
        assertThat(script.fileLineOf(2)).isEqualTo(22);
    }

    @Test
    void theGivenLanguageOverridesTheFiles() throws Exception {
        Script script = ScriptFiles.read(write(tmp, "subs.vtt", SUBS), ScriptOptions.DEFAULTS.withLanguage("pt-BR"));

        assertThat(script.language()).isEqualTo("pt-BR");
        assertThat(script.lines()).extracting(ScriptLine::getLanguage).containsOnly("pt-BR");
    }

    @Test
    void withoutLanguageHeaderTheLanguageIsEmpty() throws Exception {
        Script script = read(write(tmp, "subs.vtt", "WEBVTT\n\n00:01.000 --> 00:02.000\nHi\n"));

        assertThat(script.language()).isEmpty();
        assertThat(script.lines()).containsExactly(new ScriptLine(null, 0, 1_000_000, 2_000_000, "Hi", "", ""));
    }

    @Test
    void aFileWithoutTheWebVttHeaderIsRefused() {
        Path file = write(tmp, "subs.vtt", "00:01.000 --> 00:02.000\nHi\n");

        assertRefused(file, ":1: not a WebVTT file: the first line must be 'WEBVTT', got"
                + " '00:01.000 --> 00:02.000'");
    }

    @Test
    void aBadLanguageHeaderIsRefusedWithItsLine() {
        Path file = write(tmp, "subs.vtt", SUBS.replace("Language: fr", "Language: french!"));

        assertRefused(file, ":3: language 'french!' is not a language tag such as 'fr', 'deu' or 'pt-BR'");
    }

    @Test
    void aSubRipTimestampIsUnparsableInWebVtt() {
        Path file = write(tmp, "subs.vtt", SUBS.replace("00:00:03.000", "00:00:03,000"));

        assertRefused(file, ":18: unparsable timestamp '00:00:03,000' (expected HH:MM:SS.mmm or MM:SS.mmm)");
    }

    @Test
    void aCueIdentifierWithoutTimingLineIsRefused() {
        Path file = write(tmp, "subs.vtt", "WEBVTT\n\nintro\nHello\n");

        assertRefused(file, ":4: expected the timing line 'HH:MM:SS.mmm --> HH:MM:SS.mmm' of cue 'intro'");
    }
}
