package io.dubstream.connectors.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dubstream report} without a broker: from demo summaries alone, and its usage errors. */
class ReportCommandTest {

    @TempDir
    Path tmp;

    private static String summary(String clipId, String mode, String status, double seconds) {
        return """
                {"clipId": "%s", "status": "%s", "mode": "%s", "input": "clip-45s.mp4", "chunks": 5,
                 "framesIn": 1125, "framesOut": 1125, "audioSamplesIn": 1, "audioSamplesOut": 1,
                 "clipSeconds": 45.0, "processingSeconds": %s, "peakHeapBytes": 1048576000}
                """.formatted(clipId, status, mode, seconds);
    }

    @Test
    void fromSummariesAloneThePageHasTheSetByModeAndTheClips() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("regression"));
        Files.writeString(dir.resolve("clip-45s-chunked.json"), summary("clip-45s-chunked", "chunked", "COMPLETE", 20));
        Files.writeString(dir.resolve("clip-45s-whole.json"), summary("clip-45s-whole", "whole", "FAILED", 60));
        Path page = dir.resolve("report.html");

        CliRun run = CliRun.of("report", "--summaries", dir.toString(), "--output", page.toString(), "--title",
                "regression set");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out().strip()).isEqualTo("wrote " + page + ": 2 clips, 1 succeeded");
        String html = Files.readString(page);
        assertThat(html).contains("<title>regression set</title>")
                .contains("<tr class=\"set-row\" data-group=\"chunked\"><td class=\"text\">chunked</td><td>1</td>"
                        + "<td>1 of 1</td><td>100%</td><td>20.0 s</td><td>1000 MiB</td>")
                .contains("<tr class=\"set-row\" data-group=\"whole\"><td class=\"text\">whole</td><td>1</td>"
                        + "<td>0 of 1</td><td>0%</td><td>&mdash;</td>")
                .contains("<tr class=\"clip failed\" data-outcome=\"FAILED\">")
                .contains("<table class=\"pairs\">")
                .contains("Chunked was faster for 0 of 0 inputs that succeeded both ways.")
                .contains("No clip has status records here");
    }

    @Test
    void withNeitherTopicNorSummariesItIsBadUsage() {
        CliRun run = CliRun.of("report", "--output", tmp.resolve("x.html").toString());

        assertThat(run.exitCode()).isEqualTo(DubstreamCli.EXIT_USAGE);
        assertThat(run.err().strip()).isEqualTo("dubstream report: error: nothing to report on: give --bootstrap (the"
                + " status topic), --summaries, or both");
        assertThat(tmp.resolve("x.html")).doesNotExist();
    }

    @Test
    void aSummaryThatCannotBeReadIsOneLine() throws Exception {
        Path bad = Files.writeString(tmp.resolve("bad.json"), "[1, 2]");

        CliRun run = CliRun.of("report", "--summaries", bad.toString(), "--output", tmp.resolve("x.html").toString());

        assertThat(run.exitCode()).isEqualTo(DubstreamCli.EXIT_FAILED);
        assertThat(run.err().strip()).isEqualTo("dubstream report: error: " + bad + " is no demo summary: it has no"
                + " clipId");
    }
}
