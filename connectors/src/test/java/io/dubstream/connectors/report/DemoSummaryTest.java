package io.dubstream.connectors.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoSummaryTest {

    @TempDir
    Path dir;

    /** The fields of a summary as {@code dubstream demo} writes it (among others the report ignores). */
    static String json(String clipId, String mode, double processingSeconds) {
        return """
                {
                  "clipId" : "%s",
                  "status" : "COMPLETE",
                  "model" : "colour-gain",
                  "input" : "out/bench/regression/clip-45s-640x360.mp4",
                  "framesIn" : 1125,
                  "framesOut" : 1125,
                  "audioSamplesIn" : 1984500,
                  "audioSamplesOut" : 1984500,
                  "mode" : "%s",
                  "chunks" : 5,
                  "clipSeconds" : 45.0,
                  "processingSeconds" : %s,
                  "realtimeFactor" : 0.9,
                  "peakHeapBytes" : 943718400,
                  "peakRssBytes" : 1258291200,
                  "firstOutputSeconds" : null
                }
                """.formatted(clipId, mode, processingSeconds);
    }

    @Test
    void readsTheFiguresTheReportNeeds() throws IOException {
        Path f = Files.writeString(dir.resolve("a.json"), json("clip-45s-chunked", "chunked", 20.5));

        DemoSummary s = DemoSummary.read(f);

        assertThat(s.clipId()).isEqualTo("clip-45s-chunked");
        assertThat(s.mode()).isEqualTo("chunked");
        assertThat(s.chunks()).isEqualTo(5);
        assertThat(s.processingSeconds()).isEqualTo(20.5);
        assertThat(s.peakHeapBytes()).isEqualTo(943_718_400L);
        assertThat(s.peakRssBytes()).isEqualTo(1_258_291_200L);
        assertThat(s.complete()).isTrue();
        assertThat(s.realtimeFactor()).isEqualTo(45.0 / 20.5);
    }

    @Test
    void anOlderSummaryWithoutPeakRssReadsItAsUnknown() throws IOException {
        Path f = Files.writeString(dir.resolve("old.json"), "{\"clipId\":\"x\",\"status\":\"FAILED\"}");

        DemoSummary s = DemoSummary.read(f);

        assertThat(s.peakRssBytes()).isEqualTo(-1);
        assertThat(s.processingSeconds()).isEqualTo(-1);
        assertThat(s.complete()).isFalse();
    }

    @Test
    void aSummaryOfAFailedRunSaysWhy() throws IOException {
        // as bench/regression-set.sh writes one when the demo wrote none
        Path f = Files.writeString(dir.resolve("f.json"), "{\"clipId\":\"clip-90s-whole\",\"status\":\"FAILED\","
                + "\"mode\":\"whole\",\"input\":\"clip-90s.mp4\",\"reason\":\"dubstream demo: error: timed out\"}");

        ClipReport.Row row = ClipReport.of(List.of(), List.of(DemoSummary.read(f))).rows().get(0);

        assertThat(row.success()).isFalse();
        assertThat(row.outcome()).isEqualTo("FAILED");
        assertThat(row.mode()).isEqualTo("whole");
        assertThat(row.reason()).isEqualTo("dubstream demo: error: timed out");
        assertThat(row.processingSeconds()).isEqualTo(-1);
    }

    @Test
    void aDirectoryGivesItsJsonFilesInNameOrder() throws IOException {
        Files.writeString(dir.resolve("b-whole.json"), json("b-whole", "whole", 30));
        Files.writeString(dir.resolve("a-chunked.json"), json("a-chunked", "chunked", 20));
        Files.writeString(dir.resolve("a-chunked.log"), "not a summary");
        Files.createDirectories(dir.resolve("sub"));
        Files.writeString(dir.resolve("sub/c.json"), json("c", "whole", 1));

        assertThat(DemoSummary.readAll(List.of(dir))).extracting(DemoSummary::clipId)
                .containsExactly("a-chunked", "b-whole");
    }

    @Test
    void jsonThatIsNoSummaryIsRefusedSayingWhy() throws IOException {
        Path notJson = Files.writeString(dir.resolve("x.json"), "{ nope");
        Path noClip = Files.writeString(dir.resolve("y.json"), "{\"status\":\"COMPLETE\"}");

        assertThatThrownBy(() -> DemoSummary.read(notJson)).isInstanceOf(IOException.class)
                .hasMessageStartingWith(notJson + " is not JSON: ");
        assertThatThrownBy(() -> DemoSummary.read(noClip)).isInstanceOf(IOException.class)
                .hasMessage(noClip + " is no demo summary: it has no clipId");
        assertThatThrownBy(() -> DemoSummary.readAll(List.of(dir.resolve("missing"))))
                .hasMessage("no summary file or directory at " + dir.resolve("missing"));
    }
}
