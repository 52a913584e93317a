package io.dubstream.connectors.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.dubstream.connectors.records.ChunkStatus;
import io.dubstream.connectors.records.ClipRecord;

class ReportPageTest {

    static final String HOSTILE_ID = "<script>alert(1)</script>";
    static final String HOSTILE_ERROR = "<img src=x onerror=\"document.body.dataset.pwned=1\"> & 'quotes'";

    private static String page() {
        ClipReport report = ClipReport.of(
                List.of(ClipTimeline.of("ok-clip", ReportFixtures.completedWithRetry("ok-clip")),
                        ClipTimeline.of("bad-clip", ReportFixtures.failed("bad-clip", HOSTILE_ERROR))),
                List.of(new DemoSummary(Path.of("out/" + HOSTILE_ID + ".json"), HOSTILE_ID, "COMPLETE", "whole", 1,
                        "in.mp4", "m", 10, 5, 250, 250, 160_000, 160_000, 100 << 20, 200 << 20)));
        return ReportPage.render(report, "report on " + HOSTILE_ID, List.of("summaries in " + HOSTILE_ID),
                Instant.parse("2026-12-02T10:00:00Z"));
    }

    @Test
    void everyStringFromRecordsAndSummariesIsEscaped() {
        String page = page();

        assertThat(page).doesNotContainIgnoringCase("<script").doesNotContain("<img").doesNotContain("onerror=\"");
        assertThat(page).contains("&lt;script&gt;alert(1)&lt;/script&gt;")
                .contains("&lt;img src=x onerror=&quot;document.body.dataset.pwned=1&quot;&gt; &amp; &#39;quotes&#39;");
        assertThat(page).contains("<title>report on &lt;script&gt;alert(1)&lt;/script&gt;</title>");
    }

    @Test
    void thePageFetchesNothingAndRunsNoScript() {
        String page = page();

        assertThat(page).contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none';"
                + " style-src 'unsafe-inline'\">");
        // the SVG namespace is a name, not a fetch; no other URL, source or link out of the page
        assertThat(page.replace("xmlns=\"http://www.w3.org/2000/svg\"", "")).doesNotContain("http:")
                .doesNotContain("https:").doesNotContain("url(");
        assertThat(Pattern.compile("<[^>]*\\ssrc=").matcher(page).find()).as("an element with a source").isFalse();
        assertThat(count(page, "href=\"")).isEqualTo(count(page, "href=\"#clip-"));
    }

    @Test
    void thePageHasTheTablesAndAChartRowPerChunkWithItsAttempts() {
        String page = page();

        assertThat(count(page, "<tr class=\"clip ")).isEqualTo(3);
        assertThat(page).contains("<tr class=\"clip completed\" data-outcome=\"COMPLETED\">")
                .contains("<tr class=\"clip failed\" data-outcome=\"FAILED\">");
        assertThat(count(page, "<tr class=\"set-row\"")).as("whole, chunked, all").isEqualTo(3);
        assertThat(count(page, "<svg class=\"timeline\"")).as("the clips with status records").isEqualTo(2);
        assertThat(count(page, "<g class=\"chunk\"")).isEqualTo(2 + 3);
        assertThat(count(page, "<rect class=\"span attempt-retried\"")).isEqualTo(2);
        assertThat(count(page, "<rect class=\"span attempt-failed\"")).isEqualTo(1);
        assertThat(count(page, "<rect class=\"span backoff\"")).isEqualTo(2);
        assertThat(count(page, "<path class=\"mark merged\"")).as("three merged chunks").isEqualTo(3);
        assertThat(count(page, "<path class=\"mark failed\"")).isEqualTo(1);
        assertThat(count(page, "<rect class=\"span waiting open\"")).as("chunk 2 of the failed clip").isEqualTo(1);
        assertThat(page).as("no input ran both ways").doesNotContain("<table class=\"pairs\">");
    }

    /** A model upgrade mid-clip shows as both models, in order; a summary alone names its own. */
    @Test
    void theClipsTableNamesEachClipsModel() {
        List<ClipRecord> upgraded = new ArrayList<>(ReportFixtures.completedWithRetry("upgraded"));
        upgraded.replaceAll(r -> r instanceof ChunkStatus s && s.getState() == ChunkStatus.State.RUNNING
                ? s.withModel(s.getChunkIndex() == 0 ? "identity" : "colour-gain", "none") : r);
        ClipReport report = ClipReport.of(
                List.of(ClipTimeline.of("upgraded", upgraded), ClipTimeline.of("bad-clip", ReportFixtures.failed(
                        "bad-clip", "boom"))),
                List.of(new DemoSummary(Path.of("out/dub.json"), "dub", "COMPLETE", "whole", 1, "in.mp4",
                        "wav2lip-reference", 10, 5, 250, 250, 160_000, 160_000, 100 << 20, 200 << 20)));

        String page = ReportPage.render(report, "models", List.of(), Instant.parse("2026-12-02T10:00:00Z"));

        assertThat(page).contains("<th class=\"text\">model</th>")
                .contains("<td class=\"text model\">identity then colour-gain</td>")
                .contains("<td class=\"text model\">wav2lip-reference</td>")
                .as("records before format 4 name no model").contains("<td class=\"text model\">&mdash;</td>");
    }

    @Test
    void inputsRunBothWaysAreSideBySide() {
        ClipReport report = ClipReport.of(List.of(), List.of(
                ClipReportTest.summary("a-chunked", "chunked", "out/a.mp4", 20.0, 900L << 20),
                ClipReportTest.summary("a-whole", "whole", "out/a.mp4", 30.0, 1000L << 20)));

        String page = ReportPage.render(report, "t", List.of(), Instant.EPOCH);

        assertThat(page).contains("<tr class=\"pair\"><td class=\"text\">a.mp4</td><td>20.0 s</td><td>30.0 s</td>"
                + "<td>900 MiB</td><td>1000 MiB</td><td>5 against 1</td></tr>")
                .contains("Chunked was faster for 1 of 1 inputs that succeeded both ways.");
    }

    @Test
    void spansArePlacedOnTheTimeAxis() {
        String page = page();
        // ok-clip spans 4.2 s over the plot: chunk 0 waits from 0 to 0.5 s
        int plot = ReportPage.CHART_WIDTH - ReportPage.LABEL_WIDTH - 10;
        Matcher m = Pattern.compile("<rect class=\"span waiting\" data-attempt=\"0\" x=\"([0-9.]+)\" y=\"[0-9]+\""
                + " width=\"([0-9.]+)\"").matcher(page);
        assertThat(m.find()).isTrue();
        assertThat(Double.parseDouble(m.group(1))).isEqualTo(ReportPage.LABEL_WIDTH);
        assertThat(Double.parseDouble(m.group(2))).isCloseTo(0.5 / 4.2 * plot, org.assertj.core.api.Assertions.within(0.06));
    }

    @Test
    void escapeCoversTextAndAttributes() {
        assertThat(ReportPage.escape("a<b>&\"c'\u0007")).isEqualTo("a&lt;b&gt;&amp;&quot;c&#39;&#xFFFD;");
        assertThat(ReportPage.escape(null)).isEmpty();
    }

    @Test
    void tickLabelsAreToTheMillisecondWithoutTrailingZeros() {
        assertThat(ReportPage.tickLabel(0)).isEqualTo("0 s");
        assertThat(ReportPage.tickLabel(1.5)).isEqualTo("1.5 s");
        assertThat(ReportPage.tickLabel(0.25)).isEqualTo("0.25 s");
        assertThat(ReportPage.tickLabel(20)).isEqualTo("20 s");
    }

    @Test
    void ticksAreOneTwoOrFiveTimesAPowerOfTenAtMostTenOnTheAxis() {
        assertThat(ReportPage.tickStep(4.2)).isEqualTo(0.5);
        assertThat(ReportPage.tickStep(95)).isEqualTo(10.0);
        assertThat(ReportPage.tickStep(10)).isEqualTo(1.0);
        assertThat(ReportPage.tickStep(0)).isEqualTo(1e-4);
    }

    private static int count(String s, String part) {
        int n = 0;
        for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }
}
