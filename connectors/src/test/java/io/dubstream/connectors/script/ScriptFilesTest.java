package io.dubstream.connectors.script;

import static io.dubstream.connectors.script.ScriptTestFiles.assertRefused;
import static io.dubstream.connectors.script.ScriptTestFiles.read;
import static io.dubstream.connectors.script.ScriptTestFiles.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checks every format goes through, and the file itself: extension, size, encoding. */
class ScriptFilesTest {

    @TempDir
    Path tmp;

    private static String cue(String start, String end, String text) {
        return start + " --> " + end + "\n" + text + "\n\n";
    }

    @Test
    void anUnknownExtensionIsRefused() {
        Path file = write(tmp, "script.txt", "hello\n");

        assertRefused(file, ": unknown script format '.txt': give a SubRip .srt, WebVTT .vtt or dubbing .csv file");
    }

    @Test
    void aMissingFileIsRefused() {
        Path file = tmp.resolve("missing.srt");

        assertRefused(file, ": cannot read the script: no such file");
    }

    @Test
    void aFileThatIsNotUtf8IsRefusedAtTheLineOfItsFirstBadByte() throws Exception {
        byte[] latin1 = ("1\n00:00:01,000 --> 00:00:02,000\nCaf\u00e9 cr\u00e8me\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        Path file = Files.write(tmp.resolve("latin1.srt"), latin1);

        assertRefused(file, ":3: the file is not UTF-8: byte 0xE9 at byte offset 35 is not valid UTF-8"
                + " (save the script as UTF-8)");
    }

    @Test
    void anEmptyFileIsRefused() throws Exception {
        Path empty = Files.createFile(tmp.resolve("empty.srt"));
        Path blank = write(tmp, "blank.vtt", "\uFEFF\r\n  \r\n");

        assertRefused(empty, ": the script file is empty");
        assertRefused(blank, ": the script file is empty");
    }

    @Test
    void aScriptWithoutLinesIsRefused() {
        Path file = write(tmp, "notes.vtt", "WEBVTT\n\nNOTE nothing to say\n");

        assertRefused(file, ": the script has no lines");
    }

    @Test
    void aFileAboveTheSizeLimitIsRefusedBeforeItIsRead() throws Exception {
        Path file = tmp.resolve("huge.srt");
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(ScriptFiles.MAX_FILE_BYTES + 1);
        }

        assertRefused(file, ": the script file is 16777217 bytes, above the limit of 16777216 (16 MiB)");
    }

    @Test
    void aLineThatEndsBeforeOrWhenItStartsIsRefused() {
        Path before = write(tmp, "before.srt", cue("00:00:01,000", "00:00:02,000", "Fine")
                + cue("00:00:05,000", "00:00:04,500", "Backwards"));
        Path equal = write(tmp, "equal.srt", cue("00:00:05,000", "00:00:05,000", "Instant"));

        assertRefused(before, ":4: the line ends at 00:00:04.500, before it starts at 00:00:05.000");
        assertRefused(equal, ":1: the line ends when it starts, at 00:00:05.000");
    }

    @Test
    void overlappingLinesOfOneSpeakerAreRefused() {
        Path csv = write(tmp, "dub.csv", "speaker,start_time,end_time,transcription,translation\n"
                + "Alice,0,2,,Un\nBob,1,3,,Deux\nAlice,1.5,4,,Trois\n");

        assertRefused(csv, ":4: the line starts at 00:00:01.500 while line 2 of the same speaker ('Alice')"
                + " runs until 00:00:02.000: one speaker's lines must not overlap");
    }

    @Test
    void linesWithoutSpeakerCountAsOneSpeaker() {
        Path srt = write(tmp, "subs.srt", cue("00:00:03,000", "00:00:06,000", "Long")
                + cue("00:00:01,000", "00:00:02,000", "First")
                + cue("00:00:05,000", "00:00:07,000", "Overlaps the long one"));

        assertRefused(srt, ":7: the line starts at 00:00:05.000 while line 1 of the same speaker (none named)"
                + " runs until 00:00:06.000: one speaker's lines must not overlap");
    }

    @Test
    void linesThatTouchDoNotOverlap() throws Exception {
        Path srt = write(tmp, "subs.srt", cue("00:00:01,000", "00:00:02,000", "One")
                + cue("00:00:02,000", "00:00:03,000", "Two"));

        assertThat(read(srt).size()).isEqualTo(2);
    }

    @Test
    void aLinePastTheClipsEndIsRefusedWhenTheDurationIsKnown() throws Exception {
        Path srt = write(tmp, "subs.srt", cue("00:00:01,000", "00:00:02,000", "In")
                + cue("00:00:03,000", "00:00:04,500", "Past the end"));

        assertRefused(srt, ScriptOptions.DEFAULTS.withClipDuration(4_000_000),
                ":4: the line ends at 00:00:04.500, past the clip's end at 00:00:04.000");
        Script unknownDuration = read(srt);
        assertThat(unknownDuration.size()).isEqualTo(2);
        assertThatThrownBy(() -> unknownDuration.checkWithin(4_000_000)).isInstanceOf(ScriptException.class)
                .hasMessage(srt + ":4: the line ends at 00:00:04.500, past the clip's end at 00:00:04.000");
        unknownDuration.checkWithin(4_500_000);
        unknownDuration.checkWithin(-1);
    }

    @Test
    void aTextAboveTheLimitIsRefused() throws Exception {
        String limit = "a".repeat(1_000);
        assertThat(read(write(tmp, "ok.srt", cue("00:00:01,000", "00:00:02,000", limit))).lines().get(0).getText())
                .hasSize(1_000);
        Path file = write(tmp, "long.srt", cue("00:00:01,000", "00:00:02,000", limit + "a"));

        assertRefused(file, ":1: the text is 1001 characters, above the limit of 1000");
    }

    @Test
    void aSpeakerNameAboveTheLimitIsRefused() {
        Path file = write(tmp, "dub.csv", "speaker,start_time,end_time,transcription,translation\n"
                + "B".repeat(65) + ",0,1,,Oui\n");

        assertRefused(file, ":2: the speaker name is 65 characters, above the limit of 64");
    }

    @Test
    void moreLinesThanAClipMayHaveAreRefused() throws Exception {
        StringBuilder srt = new StringBuilder();
        for (int i = 0; i <= 10_000; i++) {
            srt.append(i + 1).append('\n').append(cue(ScriptTimes.format(i * 1_000_000L).replace('.', ','),
                    ScriptTimes.format(i * 1_000_000L + 500_000).replace('.', ','), "x"));
        }
        Path full = write(tmp, "full.srt", srt.substring(0, srt.lastIndexOf("10001\n")));
        Path tooMany = write(tmp, "many.srt", srt.toString());

        assertThat(read(full).size()).isEqualTo(10_000);
        assertRefused(tooMany, ":40002: more than 10000 lines: a clip's script has at most 10000");
    }

    @Test
    void aBadLanguageOptionIsAUsageError() {
        assertThatThrownBy(() -> ScriptOptions.DEFAULTS.withLanguage("en_US"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("script language 'en_US' is not a language tag such as 'fr', 'deu' or 'pt-BR'");
    }
}
