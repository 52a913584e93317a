package io.dubstream.connectors.script;

import static io.dubstream.connectors.script.ScriptTestFiles.assertRefused;
import static io.dubstream.connectors.script.ScriptTestFiles.read;
import static io.dubstream.connectors.script.ScriptTestFiles.write;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.dubstream.connectors.records.ScriptLine;

class SubRipFormatTest {

    private static final String SUBS = """
            1
            00:00:01,000 --> 00:00:02,500
            <i>Hello</i> there,
            {\\an8}my <b>friend</b>.

            2
            00:00:03,250 --> 00:00:04,000 X1:100 X2:200 Y1:10 Y2:20
            <font color="#ffff00">Second</font> line
            """;

    @TempDir
    Path tmp;

    @Test
    void readsCuesWithExactTimesJoinedTextAndNoTags() throws Exception {
        Script script = read(write(tmp, "subs.srt", SUBS));

        assertThat(script.lines()).containsExactly(
                new ScriptLine(null, 0, 1_000_000, 2_500_000, "Hello there, my friend.", "", ""),
                new ScriptLine(null, 1, 3_250_000, 4_000_000, "Second line", "", ""));
        assertThat(script.language()).isEmpty();
        assertThat(script.fileLineOf(0)).isEqualTo(2);
        assertThat(script.fileLineOf(1)).isEqualTo(7);
    }

    @Test
    void toleratesAByteOrderMarkAndCrLfLineEnds() throws Exception {
        Script plain = read(write(tmp, "plain.srt", SUBS));
        Script windows = read(write(tmp, "windows.srt", "\uFEFF" + SUBS.replace("\n", "\r\n")));

        assertThat(windows.lines()).isEqualTo(plain.lines());
    }

    @Test
    void sortsByStartAndNumbersFromZeroWithoutCueNumbers() throws Exception {
        Script script = read(write(tmp, "unordered.srt", """
                00:00:05,000 --> 00:00:06,000
                Later

                00:00:01,000 --> 00:00:02,000
                Earlier
                """));

        assertThat(script.linesOf("clip-1")).containsExactly(
                new ScriptLine("clip-1", 0, 1_000_000, 2_000_000, "Earlier", "", ""),
                new ScriptLine("clip-1", 1, 5_000_000, 6_000_000, "Later", "", ""));
        assertThat(script.fileLineOf(0)).isEqualTo(4);
    }

    @Test
    void unparsableTimestampNamesTheFileAndLine() {
        Path file = write(tmp, "subs.srt", SUBS.replace("00:00:03,250", "00:01:0x,000"));

        assertRefused(file, ":7: unparsable timestamp '00:01:0x,000' (expected HH:MM:SS,mmm)");
    }

    @Test
    void textWhereACueShouldStartIsRefused() {
        Path file = write(tmp, "subs.srt", SUBS + "\nstray text\n");

        assertRefused(file, ":10: expected a cue number or a timing line 'HH:MM:SS,mmm --> HH:MM:SS,mmm',"
                + " got 'stray text'");
    }

    @Test
    void cueNumberWithoutTimingLineIsRefused() {
        Path file = write(tmp, "subs.srt", "1\nHello\n");

        assertRefused(file, ":2: expected the timing line 'HH:MM:SS,mmm --> HH:MM:SS,mmm' of cue 1");
    }
}
