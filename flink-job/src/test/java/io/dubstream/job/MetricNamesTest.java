package io.dubstream.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The job's metric names agree everywhere: {@link MetricNames#JOB_METRICS} with the sources, the
 * docs' metrics table with both (names, scopes, no duplicates). The dashboard is held to the table by
 * {@code DeployManifestsTest}, a cluster's Prometheus endpoint by {@code ShadedJarClusterITCase}.
 */
class MetricNamesTest {

    @Test
    void theDocsTableListsEveryMetricTheJobRegistersOnceAndNothingElse() throws IOException {
        List<MetricNames.Documented> table = MetricNames.documented();

        assertThat(MetricNames.tableProblems(table)).isEmpty();
        assertThat(table).contains(new MetricNames.Documented("chunksMerged", "operator"),
                new MetricNames.Documented("numRestarts", "job"));
        assertThat(new MetricNames.Documented("chunksMerged", "operator").prometheusName())
                .isEqualTo("flink_taskmanager_job_task_operator_chunksMerged");
    }

    @Test
    void aMetricTheTableLeavesOutListsTwiceOrInventsIsAProblem() throws IOException {
        List<MetricNames.Documented> table = new ArrayList<>(MetricNames.documented());
        table.removeIf(m -> m.name().equals("deadLetters"));
        table.add(new MetricNames.Documented("chunksMerged", "operator"));
        table.add(new MetricNames.Documented("chunksMergedd", "operator"));
        table.add(new MetricNames.Documented("numRestartz", "job"));
        table.add(new MetricNames.Documented("uptime", "taskmanager"));

        assertThat(MetricNames.tableProblems(table)).containsExactlyInAnyOrder(
                "the job registers deadLetters, which the metrics table does not list",
                "the metrics table lists chunksMerged twice",
                "the metrics table lists chunksMergedd, which the job does not register",
                "the metrics table lists the job metric numRestartz, which is not among Flink's "
                        + MetricNames.FLINK_JOB_METRICS,
                "the metrics table gives uptime the scope 'taskmanager'; scopes are [job, operator]");
    }

    @Test
    void theTableIsReadFromItsHeaderToItsLastRow() {
        List<String> doc = List.of("text", MetricNames.TABLE_HEADER, "|---|---|---|---|---|",
                "| `a`, `b` | operator | `X` | gauge | two |", "| `c` | job | Flink | gauge | one |", "",
                "| `d` | operator | another table |");

        assertThat(MetricNames.documented(doc)).containsExactly(new MetricNames.Documented("a", "operator"),
                new MetricNames.Documented("b", "operator"), new MetricNames.Documented("c", "job"));
    }

    /**
     * {@link MetricNames#JOB_METRICS} is what the job registers: every literal or constant name
     * passed to {@code gauge(}, {@code counter(}, {@code histogram(} or {@code meter(} in the job's
     * sources is in it, and every name in it (but the models' totals, registered from a map) is
     * registered so.
     */
    @Test
    void theMetricListIsWhatTheJobRegisters() throws IOException {
        Pattern call = Pattern.compile("\\.(?:<[^()]*>)?(?:gauge|counter|histogram|meter)\\(\\s*(?:\"([^\"]+)\"|([A-Z][A-Z0-9_]*)\\b)");
        Pattern constant = Pattern.compile("static final String ([A-Z][A-Z0-9_]*) = \"([^\"]+)\"");
        Set<String> registered = new TreeSet<>();
        List<Path> sources;
        try (Stream<Path> files = Files.walk(Path.of("src", "main", "java"))) {
            sources = files.filter(p -> p.toString().endsWith(".java")).toList();
        }
        for (Path source : sources) {
            String text = Files.readString(source);
            Map<String, String> constants = new HashMap<>();
            Matcher c = constant.matcher(text);
            while (c.find()) {
                constants.put(c.group(1), c.group(2));
            }
            Matcher m = call.matcher(text);
            while (m.find()) {
                String name = m.group(1) != null ? m.group(1) : constants.get(m.group(2));
                assertThat(name).as("the metric name %s in %s", m.group(), source).isNotNull();
                registered.add(name);
            }
        }
        Set<String> listed = new TreeSet<>(MetricNames.JOB_METRICS);
        listed.removeAll(MetricNames.MODEL_METRICS);
        assertThat(registered).containsExactlyInAnyOrderElementsOf(listed);
    }

}
