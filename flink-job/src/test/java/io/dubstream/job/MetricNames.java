package io.dubstream.job;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.dubstream.job.chunking.ChunkAssembler;
import io.dubstream.job.inference.dub.DubbingStage;
import io.dubstream.job.inference.lipsync.LipSyncStage;
import io.dubstream.job.parts.FramePartJoiner;
import io.dubstream.job.status.ChunkStateTracker;
import io.dubstream.job.status.DeadLetterCounter;

/**
 * The job's metric names, for the tests that hold the sources, the docs' metrics table, the Grafana
 * dashboard and what a cluster's Prometheus endpoint exports to one another: {@link #JOB_METRICS}
 * (checked against the sources) and {@link #documented()} (the table in {@code docs/design.md}).
 */
public final class MetricNames {

    /** Prometheus' name of a metric in Flink's operator scope: this, then the metric's name. */
    public static final String OPERATOR_SCOPE = "flink_taskmanager_job_task_operator_";
    /** Prometheus' name of a metric in Flink's JobManager job scope. */
    public static final String JOB_SCOPE = "flink_jobmanager_job_";

    /** The docs' words for the scopes, in the table's scope column. */
    static final Map<String, String> SCOPES = Map.of("operator", OPERATOR_SCOPE, "job", JOB_SCOPE);

    static final Path DOCS = Path.of("..", "docs", "design.md");
    /** The header of the one metrics table in {@link #DOCS}. */
    static final String TABLE_HEADER = "| metric | scope | registered by | kind | what |";

    /**
     * The metrics the job registers, under the names Flink's Prometheus reporter gives them after
     * {@code flink_taskmanager_job_task_operator_}: the operators' counters, gauges and histogram, and
     * the models' running totals that {@code ChunkInference} registers as gauges. The one place that
     * lists them; {@code DeployManifestsTest} checks it against the sources and the docs.
     */
    public static final Set<String> JOB_METRICS = Set.of(
            // ChunkStateTracker
            ChunkStateTracker.CHUNKS_PENDING, ChunkStateTracker.CHUNKS_DONE, ChunkStateTracker.CHUNKS_FAILED,
            ChunkStateTracker.CHUNKS_MERGED, ChunkStateTracker.CLIPS_IN_PROGRESS, ChunkStateTracker.RETRIES,
            ChunkStateTracker.CHUNK_FAILURES, ChunkStateTracker.CLIPS_COMPLETED, ChunkStateTracker.CLIPS_FAILED,
            ChunkStateTracker.LATE_CHANGES, ChunkStateTracker.HEARTBEATS, ChunkStateTracker.INFERENCE_LATENCY,
            // ChunkInference's own gauges
            "attemptsRunning", "attemptsRunningPastTimeout", "chunksAwaitingRetry",
            // the models' totals, through ChunkInference
            LipSyncStage.FRAMES_WITH_FACE, LipSyncStage.FRAMES_WITHOUT_FACE, LipSyncStage.FRAMES_WITHOUT_SPEECH,
            LipSyncStage.BATCHES, LipSyncStage.BATCHED_FRAMES, LipSyncStage.GPU_PEAK_USED_BYTES,
            DubbingStage.LINES_SPOKEN, DubbingStage.LINES_EXTENDED, DubbingStage.LINES_STRETCHED,
            DubbingStage.LINES_CUT,
            // the other operators
            DeadLetterCounter.METRIC, ChunkAssembler.CUTS_INSIDE_LINES, ChunkAssembler.CHUNK_FRAMES,
            FramePartJoiner.FRAMES_JOINED, "lateChunksDropped");

    /** The model totals of {@link #JOB_METRICS}: registered from a map by name, not by a literal call. */
    public static final Set<String> MODEL_METRICS = Set.of(LipSyncStage.FRAMES_WITH_FACE, LipSyncStage.FRAMES_WITHOUT_FACE,
            LipSyncStage.FRAMES_WITHOUT_SPEECH, LipSyncStage.BATCHES, LipSyncStage.BATCHED_FRAMES,
            LipSyncStage.GPU_PEAK_USED_BYTES, DubbingStage.LINES_SPOKEN, DubbingStage.LINES_EXTENDED,
            DubbingStage.LINES_STRETCHED, DubbingStage.LINES_CUT);

    /** Flink's own job metrics the dashboard reads, after {@code flink_jobmanager_job_}. */
    public static final Set<String> FLINK_JOB_METRICS = Set.of("numRestarts", "lastCheckpointDuration",
            "numberOfFailedCheckpoints", "numberOfCompletedCheckpoints", "lastCheckpointSize", "uptime");

    private MetricNames() {}

    /** A row's metric: its name and scope, and the name Prometheus exports it under. */
    public record Documented(String name, String scope) {
        public String prometheusName() {
            return SCOPES.get(scope) + name;
        }
    }

    private static final Pattern NAME = Pattern.compile("`([A-Za-z0-9]+)`");

    /** Every metric of the docs' table, in its order; duplicates and unknown scopes stay in for the tests to find. */
    public static List<Documented> documented() throws IOException {
        return documented(Files.readAllLines(DOCS));
    }

    /**
     * What is wrong with the table, one line each: a metric listed twice, a scope it does not know,
     * an operator metric the job does not register ({@link #JOB_METRICS}) or one it registers that the
     * table leaves out, a job metric that is not Flink's ({@link #FLINK_JOB_METRICS}).
     */
    public static List<String> tableProblems(List<Documented> table) {
        List<String> problems = new ArrayList<>();
        Set<String> seen = new TreeSet<>();
        for (Documented metric : table) {
            if (!seen.add(metric.name())) {
                problems.add("the metrics table lists " + metric.name() + " twice");
            }
            if (!SCOPES.containsKey(metric.scope())) {
                problems.add("the metrics table gives " + metric.name() + " the scope '" + metric.scope()
                        + "'; scopes are " + new TreeSet<>(SCOPES.keySet()));
            } else if (metric.scope().equals("operator") && !JOB_METRICS.contains(metric.name())) {
                problems.add("the metrics table lists " + metric.name() + ", which the job does not register");
            } else if (metric.scope().equals("job") && !FLINK_JOB_METRICS.contains(metric.name())) {
                problems.add("the metrics table lists the job metric " + metric.name() + ", which is not among Flink's "
                        + FLINK_JOB_METRICS);
            }
        }
        for (String name : new TreeSet<>(JOB_METRICS)) {
            if (table.stream().noneMatch(m -> m.name().equals(name) && m.scope().equals("operator"))) {
                problems.add("the job registers " + name + ", which the metrics table does not list");
            }
        }
        return problems;
    }

    static List<Documented> documented(List<String> lines) {
        int header = lines.indexOf(TABLE_HEADER);
        if (header < 0 || lines.lastIndexOf(TABLE_HEADER) != header) {
            throw new IllegalStateException("expected one metrics table (" + TABLE_HEADER + ") in " + DOCS);
        }
        List<Documented> rows = new ArrayList<>();
        for (int i = header + 2; i < lines.size() && lines.get(i).startsWith("|"); i++) {
            String[] cells = lines.get(i).split("\\|");
            if (cells.length < 3) {
                throw new IllegalStateException(DOCS + ":" + (i + 1) + ": not a row of the metrics table");
            }
            Matcher names = NAME.matcher(cells[1]);
            String scope = cells[2].strip();
            while (names.find()) {
                rows.add(new Documented(names.group(1), scope));
            }
        }
        return rows;
    }
}
