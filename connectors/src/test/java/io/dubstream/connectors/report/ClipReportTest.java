package io.dubstream.connectors.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.List;
import java.util.OptionalDouble;

import org.junit.jupiter.api.Test;

class ClipReportTest {

    private static final long MIB = 1 << 20;

    /** A summary as the regression set writes them: the clip complete, every frame and sample back. */
    static DemoSummary summary(String clipId, String mode, String input, double processing, long heap) {
        return new DemoSummary(Path.of("out/" + clipId + ".json"), clipId, "COMPLETE", mode, mode.equals("whole") ? 1 : 5,
                input, "colour-gain", 45.0, processing, 1125, 1125, 1_984_500, 1_984_500, heap, 2 * heap);
    }

    @Test
    void aClipWithStatusRecordsAndASummaryIsOneRowWithTheFiguresOfBoth() {
        ClipTimeline t = ClipTimeline.of("a", ReportFixtures.completedWithRetry("a"));
        ClipReport report = ClipReport.of(List.of(t), List.of(summary("a", "chunked", "in.mp4", 30.0, 900 * MIB)));

        assertThat(report.rows()).hasSize(1);
        ClipReport.Row row = report.rows().get(0);
        assertThat(row.outcome()).isEqualTo("COMPLETED");
        assertThat(row.success()).isTrue();
        assertThat(row.mode()).isEqualTo("chunked");
        assertThat(row.processingSeconds()).as("the demo's").isEqualTo(30.0);
        assertThat(row.statusSeconds()).isEqualTo(4.2);
        assertThat(row.clipSeconds()).as("the summary's").isEqualTo(45.0);
        assertThat(row.realtimeFactor()).isCloseTo(1.5, within(1e-9));
        assertThat(row.chunks()).as("the job's count").isEqualTo(2);
        assertThat(row.attempts()).isEqualTo(3);
        assertThat(row.retries()).isEqualTo(1);
        assertThat(row.peakHeapBytes()).isEqualTo(900 * MIB);
        assertThat(row.peakRssBytes()).isEqualTo(1800 * MIB);
    }

    @Test
    void fromStatusRecordsAloneProcessingIsFirstToLastRecordAndTheLengthTheLastCoresEnd() {
        ClipReport report = ClipReport.of(List.of(
                ClipTimeline.of("a", ReportFixtures.completedWithRetry("a")),
                ClipTimeline.of("b", ReportFixtures.failed("b", "boom"))), List.of());

        ClipReport.Row a = report.rows().get(0);
        assertThat(a.processingSeconds()).isEqualTo(4.2);
        assertThat(a.realtimeFactor()).isCloseTo(20 / 4.2, within(1e-9));
        assertThat(a.peakHeapBytes()).isEqualTo(-1);
        ClipReport.Row b = report.rows().get(1);
        assertThat(b.outcome()).isEqualTo("FAILED");
        assertThat(b.success()).isFalse();
        assertThat(b.reason()).endsWith("after 2 attempts: boom");
        assertThat(b.realtimeFactor()).as("no length known").isEqualTo(-1);

        assertThat(report.setRows()).as("one mode: the row of all clips only").containsExactly(
                new ClipReport.SetRow(ClipReport.ALL, 2, 1, OptionalDouble.of(4.2), -1, -1));
    }

    @Test
    void theSetHasARowPerModeAsTheRegressionSetReportsItAndTheInputsRunBothWays() {
        DemoSummary incomplete = new DemoSummary(Path.of("x.json"), "c-whole", "COMPLETE", "whole", 1, "c.mp4", "m",
                45, 70.0, 1125, 1100, 100, 100, 1500 * MIB, -1);
        ClipReport report = ClipReport.of(List.of(), List.of(
                summary("a-chunked", "chunked", "a.mp4", 20.0, 900 * MIB),
                summary("a-whole", "whole", "a.mp4", 30.0, 1000 * MIB),
                summary("c-chunked", "chunked", "c.mp4", 40.0, 950 * MIB),
                incomplete));

        assertThat(report.setRows()).containsExactly(
                new ClipReport.SetRow("chunked", 2, 2, OptionalDouble.of(30.0), 950 * MIB, 1900 * MIB),
                new ClipReport.SetRow("whole", 2, 1, OptionalDouble.of(30.0), 1500 * MIB, 2000 * MIB),
                new ClipReport.SetRow(ClipReport.ALL, 4, 3, OptionalDouble.of(30.0), 1500 * MIB, 2000 * MIB));
        assertThat(report.setRows().get(1).successRate()).isEqualTo(0.5);
        ClipReport.Row whole = report.rows().get(3);
        assertThat(whole.outcome()).isEqualTo("COMPLETED");
        assertThat(whole.success()).isFalse();
        assertThat(whole.reason()).isEqualTo("the download got 1100 of 1125 frames and 100 of 100 audio samples");

        assertThat(report.pairs()).extracting(ClipReport.Pair::input).containsExactly("a.mp4", "c.mp4");
        assertThat(report.pairs().get(0).chunked().clipId()).isEqualTo("a-chunked");
        assertThat(report.pairs().get(0).whole().clipId()).isEqualTo("a-whole");
    }

    @Test
    void summariesThatShareAClipIdAreRowsOfTheirOwnAndTheTopicsRecordsAnother() {
        ClipReport report = ClipReport.of(List.of(ClipTimeline.of("demo", ReportFixtures.completedWithRetry("demo"))),
                List.of(summary("demo", "chunked", "a.mp4", 20.0, MIB), summary("demo", "whole", "b.mp4", 25.0, MIB)));

        assertThat(report.rows()).hasSize(3);
        assertThat(report.rows()).extracting(r -> r.summary() != null, r -> r.timeline() != null)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(true, false),
                        org.assertj.core.groups.Tuple.tuple(true, false),
                        org.assertj.core.groups.Tuple.tuple(false, true));
    }
}
