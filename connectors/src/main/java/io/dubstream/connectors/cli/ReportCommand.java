package io.dubstream.connectors.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import io.dubstream.connectors.kafka.ClipTopics;
import io.dubstream.connectors.kafka.KafkaConnection;
import io.dubstream.connectors.kafka.StatusTopicReader;
import io.dubstream.connectors.kafka.TransferException;
import io.dubstream.connectors.records.ClipRecord;
import io.dubstream.connectors.report.ClipReport;
import io.dubstream.connectors.report.ClipTimeline;
import io.dubstream.connectors.report.DemoSummary;
import io.dubstream.connectors.report.ReportPage;

/**
 * {@code dubstream report}: one self-contained HTML page on a set of clips, from the job's status
 * topic, demo summaries, or both.
 */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Writes one self-contained HTML page on clips: per clip its outcome, processing time,"
                + " x real-time, chunks, attempts, retries and peak memory; a chart of each clip's chunks over time;"
                + " and the set's figures (success rate, average processing time, chunked against whole, peak"
                + " memory). Reads the status topic (read_committed) up to its end now, demo summaries, or both.",
            "Exit code 0 when the page was written; 1 when a clip asked for with --clip was found nowhere (the"
                + " page is written all the same) or the topic could not be read; 2 on bad usage."})
public final class ReportCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT",
            description = "Kafka bootstrap servers to read the status topic from; without it, the summaries alone.")
    String bootstrap;

    @Option(names = "--command-config", paramLabel = "FILE",
            description = "A Java properties file of Kafka client settings for reading the status topic, as with"
                    + " Kafka's own tools (security.protocol, sasl.*, ssl.*).")
    Path commandConfig;

    @Option(names = "--status-topic", paramLabel = "TOPIC", defaultValue = ClipTopics.STATUS_TOPIC,
            description = "The status topic (default: ${DEFAULT-VALUE}).")
    String statusTopic;

    @Option(names = "--clip", arity = "1..*", paramLabel = "ID",
            description = "The clips to report on (default: every clip on the topic and in the summaries).")
    List<String> clips = new ArrayList<>();

    @Option(names = "--summaries", arity = "1..*", paramLabel = "FILE|DIR",
            description = "Demo summaries (dubstream demo --summary): JSON files, or directories of them.")
    List<Path> summaries = new ArrayList<>();

    @Option(names = "--output", paramLabel = "FILE", defaultValue = "out/report.html",
            description = "The page to write (default: ${DEFAULT-VALUE}).")
    Path output;

    @Option(names = "--title", paramLabel = "TEXT", defaultValue = "dubstream clip report",
            description = "The page's title (default: ${DEFAULT-VALUE}).")
    String title;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "30",
            description = "Give up reading the topic after this long (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    @Override
    public Integer call() throws Exception {
        if (bootstrap == null && summaries.isEmpty()) {
            throw new IllegalArgumentException("nothing to report on: give --bootstrap (the status topic),"
                    + " --summaries, or both");
        }
        if (timeoutSeconds <= 0) {
            throw new IllegalArgumentException("--timeout must be positive, got " + timeoutSeconds);
        }
        PrintWriter out = spec.commandLine().getOut();
        Set<String> wanted = new LinkedHashSet<>(clips);
        List<String> sources = new ArrayList<>();

        List<ClipTimeline> timelines = new ArrayList<>();
        if (bootstrap != null) {
            StatusTopicReader.Result read = new StatusTopicReader(KafkaConnection.of(bootstrap, commandConfig), statusTopic,
                    Duration.ofSeconds(timeoutSeconds)).read(wanted);
            for (Map.Entry<String, List<ClipRecord>> e : read.byClip().entrySet()) {
                timelines.add(ClipTimeline.of(e.getKey(), e.getValue()));
            }
            sources.add("status topic " + statusTopic + " at " + bootstrap + " (" + timelines.size() + " clips)");
            if (read.skipped() > 0) {
                out.println("warning: skipped " + read.skipped() + " records on " + statusTopic
                        + " that are not status records of their key's clip");
            }
        }
        List<DemoSummary> runs = new ArrayList<>();
        if (!summaries.isEmpty()) {
            for (DemoSummary s : readSummaries()) {
                if (wanted.isEmpty() || wanted.contains(s.clipId())) {
                    runs.add(s);
                }
            }
            sources.add(runs.size() + " demo summaries");
        }

        ClipReport report = ClipReport.of(timelines, runs);
        Path parent = output.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(output, ReportPage.render(report, title, sources, Instant.now()), StandardCharsets.UTF_8);
        ClipReport.SetRow all = report.setRows().get(report.setRows().size() - 1);
        out.println("wrote " + output + ": " + all.clips() + " clips, " + all.succeeded() + " succeeded");

        List<String> missing = wanted.stream()
                .filter(id -> report.rows().stream().noneMatch(r -> r.clipId().equals(id))).toList();
        if (!missing.isEmpty()) {
            throw new TransferException("no status records and no summary of clip" + (missing.size() > 1 ? "s " : " ")
                    + String.join(", ", missing));
        }
        return DubstreamCli.EXIT_OK;
    }

    private List<DemoSummary> readSummaries() throws TransferException {
        try {
            return DemoSummary.readAll(summaries);
        } catch (java.io.IOException e) {
            throw new TransferException(e.getMessage(), e);
        }
    }
}
