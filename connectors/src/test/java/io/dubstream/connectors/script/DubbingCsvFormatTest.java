package io.dubstream.connectors.script;

import static io.dubstream.connectors.script.ScriptTestFiles.assertRefused;
import static io.dubstream.connectors.script.ScriptTestFiles.read;
import static io.dubstream.connectors.script.ScriptTestFiles.write;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.dubstream.connectors.records.ScriptLine;

class DubbingCsvFormatTest {

    private static final String HEADER = "speaker,start_time,end_time,transcription,translation\n";

    @TempDir
    Path tmp;

    @Test
    void readsQuotedFieldsBothTimeFormsAndTheTranslation() throws Exception {
        Script script = read(write(tmp, "dub.csv", HEADER
                + "Alice,0.5,2,\"Hello, world\",\"Bonjour, le monde\"\r\n"
                + "Bob,\"0:00:02,250\",0:00:04.000,\"He said \"\"hi\"\"\",\"Il a dit \"\"salut\"\"\n"
                + "et il est parti\"\n"
                + "\n"
                + "Alice,00:00:04.500,6.25,,Encore\n"));

        assertThat(script.lines()).containsExactly(
                new ScriptLine(null, 0, 500_000, 2_000_000, "Bonjour, le monde", "", "Alice"),
                new ScriptLine(null, 1, 2_250_000, 4_000_000, "Il a dit \"salut\" et il est parti", "", "Bob"),
                new ScriptLine(null, 2, 4_500_000, 6_250_000, "Encore", "", "Alice"));
        assertThat(script.fileLineOf(1)).isEqualTo(3);
        assertThat(script.fileLineOf(2)).isEqualTo(6);
    }

    @Test
    void secondsAreRoundedToTheMicrosecond() throws Exception {
        Script script = read(write(tmp, "dub.csv", HEADER + "A,1.0000004,1.0000016,,Oui\n"));

        assertThat(script.lines().get(0).getStartMicros()).isEqualTo(1_000_000);
        assertThat(script.lines().get(0).getEndMicros()).isEqualTo(1_000_002);
    }

    @Test
    void differentSpeakersMayOverlap() throws Exception {
        Script script = read(write(tmp, "dub.csv", HEADER + "Alice,0,2,,Un\nBob,1,3,,Deux\n"));

        assertThat(script.size()).isEqualTo(2);
    }

    @Test
    void anotherHeaderIsRefused() {
        Path file = write(tmp, "dub.csv", "speaker,start,end,text\nA,0,1,x\n");

        assertRefused(file, ":1: expected the header 'speaker,start_time,end_time,transcription,translation',"
                + " got 'speaker,start,end,text'");
    }

    @Test
    void anEmptyTranslationIsRefused() {
        Path file = write(tmp, "dub.csv", HEADER + "A,0,1,Hello,Bonjour\nB,1,2,World,\"  \"\n");

        assertRefused(file, ":3: the translation is empty: it is the text that is dubbed");
    }

    @Test
    void aRecordWithTheWrongFieldCountIsRefused() {
        Path file = write(tmp, "dub.csv", HEADER + "A,0,1,Hello, Bonjour,!\n");

        assertRefused(file, ":2: expected 5 fields (speaker,start_time,end_time,transcription,translation),"
                + " got 6");
    }

    @Test
    void anUnclosedQuoteIsRefusedWhereItOpens() {
        Path file = write(tmp, "dub.csv", HEADER + "A,0,1,,Oui\nB,1,2,,\"Non\nC,2,3,,Si\n");

        assertRefused(file, ":3: a quoted field is not closed before the end of the file");
    }

    @Test
    void anUnparsableTimeIsRefused() {
        Path file = write(tmp, "dub.csv", HEADER + "A,0,1,,Oui\nB,1.5s,2,,Non\n");

        assertRefused(file, ":3: unparsable timestamp '1.5s' (expected seconds such as 1.5, or H:MM:SS,mmm)");
    }
}
