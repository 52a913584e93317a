package io.dubstream.connectors.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.dubstream.connectors.format.ClipRecordCodec;
import io.dubstream.connectors.kafka.KafkaBrokerExtension;
import io.dubstream.connectors.kafka.KafkaClients;
import io.dubstream.connectors.kafka.TopicSetup;
import io.dubstream.connectors.records.ChunkStatus;
import io.dubstream.connectors.records.ClipRecord;
import io.dubstream.connectors.report.ReportFixtures;

/**
 * {@code dubstream report} against a real broker, its page loaded in a real browser (Debian's
 * chromium, headless): status records of a clip that completed after a retry and of one that failed,
 * committed as the job commits them, one aborted transaction that must not show, and a demo summary
 * whose clip id is an HTML tag. The page has the rows and chart elements, logs nothing to the
 * console (no script error, nothing blocked by its Content-Security-Policy), and shows the hostile
 * clip id as text.
 */
class ReportCommandITCase {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    static final String HOSTILE_ID = "<script>alert(1)</script>";
    static final String HOSTILE_ERROR = "<img src=x onerror=\"document.body.setAttribute('data-pwned','1')\">";

    private final ClipRecordCodec codec = new ClipRecordCodec();

    @TempDir
    Path tmp;

    @Test
    void thePageFromTheTopicAndASummaryLoadsInABrowserWithTheRowsAndChartAndNoScript() throws Exception {
        String topic = "page.status";
        writeStatus(topic);
        Path summaries = Files.createDirectories(tmp.resolve("summaries"));
        Files.writeString(summaries.resolve("hostile.json"), summary(HOSTILE_ID), StandardCharsets.UTF_8);
        Files.writeString(summaries.resolve("done.json"), summary("done-clip"), StandardCharsets.UTF_8);
        Path page = tmp.resolve("report/index.html");

        CliRun run = CliRun.of("report", "--bootstrap", KAFKA.bootstrapServers(), "--status-topic", topic,
                "--summaries", summaries.toString(), "--output", page.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("wrote " + page + ": 3 clips, 2 succeeded");
        String html = Files.readString(page);
        assertThat(html).doesNotContain("aborted-clip").doesNotContainIgnoringCase("<script");

        assumeTrue(Chromium.command() != null, "Debian's chromium is not installed (apt-get install chromium;"
                + " .ci/run installs it): the page is not checked in a browser");
        Chromium.Page loaded = Chromium.load(page, tmp);

        assertThat(loaded.console()).as("console of the page").isEmpty();
        String dom = loaded.dom();
        assertThat(count(dom, "<tr class=\"clip ")).isEqualTo(3);
        assertThat(dom).contains("<tr class=\"clip completed\" data-outcome=\"COMPLETED\"><td class=\"text clip-id\">"
                + "<a href=\"#clip-1\">done-clip</a>");
        assertThat(dom).contains("<tr class=\"clip failed\" data-outcome=\"FAILED\">");
        assertThat(count(dom, "<tr class=\"set-row\"")).isEqualTo(1);
        assertThat(count(dom, "<svg class=\"timeline\"")).isEqualTo(2);
        assertThat(count(dom, "<g class=\"chunk\"")).as("2 chunks of done-clip, 3 of failed-clip").isEqualTo(5);
        assertThat(count(dom, "<rect class=\"span attempt-retried\"")).isEqualTo(2);
        assertThat(count(dom, "<rect class=\"span attempt-failed\"")).isEqualTo(1);
        assertThat(count(dom, "<path class=\"mark merged\"")).isEqualTo(3);
        // the hostile id and error are text: no element came of them, and the document is as loaded
        assertThat(dom).contains("<td class=\"text clip-id\">&lt;script&gt;alert(1)&lt;/script&gt;")
                .contains("&lt;img src=x onerror=\"document.body.setAttribute('data-pwned','1')\"&gt;");
        assertThat(dom).doesNotContainIgnoringCase("<script").doesNotContain("<img").doesNotContain("data-pwned=");
        Matcher body = Pattern.compile("<body>").matcher(dom);
        assertThat(body.find()).as("a body without attributes").isTrue();
    }

    @Test
    void theConsoleCheckSeesAScriptError() throws Exception {
        assumeTrue(Chromium.command() != null, "Debian's chromium is not installed (apt-get install chromium)");
        Path page = Files.writeString(tmp.resolve("broken.html"),
                "<!DOCTYPE html><html><body><script>undefinedFunction();</script></body></html>");

        assertThat(Chromium.load(page, tmp).console()).anySatisfy(line ->
                assertThat(line).contains("Uncaught ReferenceError: undefinedFunction is not defined"));
    }

    @Test
    void withClipIdsOnlyTheirRecordsAreReadAndAClipFoundNowhereFailsTheCommandAfterThePage() throws Exception {
        String topic = "some.status";
        writeStatus(topic);
        Path page = tmp.resolve("some.html");

        CliRun run = CliRun.of("report", "--bootstrap", KAFKA.bootstrapServers(), "--status-topic", topic,
                "--clip", "failed-clip", "no-such-clip", "--output", page.toString());

        assertThat(run.exitCode()).isEqualTo(DubstreamCli.EXIT_FAILED);
        assertThat(run.err().strip()).isEqualTo("dubstream report: error: no status records and no summary of clip"
                + " no-such-clip");
        String html = Files.readString(page);
        assertThat(count(html, "<tr class=\"clip ")).isEqualTo(1);
        assertThat(html).contains(">failed-clip</a>").doesNotContain("done-clip");
    }

    @Test
    void aTopicThatDoesNotExistIsOneLine() {
        CliRun run = CliRun.of("report", "--bootstrap", KAFKA.bootstrapServers(), "--status-topic", "nothing.here",
                "--timeout", "5", "--output", tmp.resolve("x.html").toString());

        assertThat(run.exitCode()).isEqualTo(DubstreamCli.EXIT_FAILED);
        assertThat(run.err().strip()).isEqualTo("dubstream report: error: no topic nothing.here at "
                + KAFKA.bootstrapServers());
    }

    /**
     * The job's records of a clip completed after a retry and of one that failed, each in a
     * transaction of its own, and a third clip's record in a transaction that was aborted.
     */
    private void writeStatus(String topic) throws Exception {
        TopicSetup.ensureExist(KAFKA.bootstrapServers(), List.of(topic), 2);
        try (KafkaProducer<String, byte[]> job = KafkaClients.transactionalProducer(KAFKA.bootstrapServers(),
                "report-" + topic)) {
            job.initTransactions();
            for (ClipRecord r : ReportFixtures.completedWithRetry("done-clip")) {
                commit(job, topic, r);
            }
            job.beginTransaction();
            job.send(new ProducerRecord<>(topic, "aborted-clip", codec.encode(ChunkStatus.of("aborted-clip", 0,
                    ChunkStatus.State.PENDING, 0, ReportFixtures.T0)))).get();
            job.abortTransaction();
            for (ClipRecord r : ReportFixtures.failed("failed-clip", HOSTILE_ERROR)) {
                commit(job, topic, r);
            }
        }
    }

    private void commit(KafkaProducer<String, byte[]> producer, String topic, ClipRecord record) throws Exception {
        producer.beginTransaction();
        producer.send(new ProducerRecord<>(topic, record.getClipId(), codec.encode(record))).get();
        producer.commitTransaction();
    }

    /** A demo summary of a completed run. */
    private static String summary(String clipId) {
        return """
                {"clipId": "%s", "status": "COMPLETE", "mode": "chunked", "chunks": 2, "input": "in.mp4",
                 "framesIn": 500, "framesOut": 500, "audioSamplesIn": 320000, "audioSamplesOut": 320000,
                 "clipSeconds": 20.0, "processingSeconds": 12.5, "peakHeapBytes": 734003200,
                 "peakRssBytes": 1048576000}
                """.formatted(clipId.replace("\"", "\\\""));
    }

    private static int count(String s, String part) {
        int n = 0;
        for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }
}
