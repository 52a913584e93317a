package io.dubstream.job.cli;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.MetricOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * A Flink MiniCluster in this process (one TaskManager with {@code slots} slots) with the Flink web
 * UI, for the demo and local runs. Jobs are submitted as graphs built in this JVM.
 */
public final class LocalFlinkCluster implements AutoCloseable {

    /** The web UI takes the first free port of this range. */
    public static final String WEB_UI_PORTS = "8081-8099";

    private final MiniCluster cluster;
    private final URI webUi;
    private final Path checkpoints;

    private LocalFlinkCluster(MiniCluster cluster, URI webUi, Path checkpoints) {
        this.cluster = cluster;
        this.webUi = webUi;
        this.checkpoints = checkpoints;
    }

    public static LocalFlinkCluster start(int slots) throws Exception {
        Configuration conf = new Configuration();
        conf.set(RestOptions.ADDRESS, "localhost");
        conf.set(RestOptions.BIND_ADDRESS, "localhost");
        conf.set(RestOptions.BIND_PORT, WEB_UI_PORTS);
        conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.ofMebiBytes(64));
        // the web UI and the demo's summary read fresh operator metrics
        conf.set(MetricOptions.METRIC_FETCHER_UPDATE_INTERVAL, Duration.ofSeconds(1));
        MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
                .setConfiguration(conf)
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(slots)
                .build());
        cluster.start();
        return new LocalFlinkCluster(cluster, cluster.getRestAddress().get(30, TimeUnit.SECONDS),
                Files.createTempDirectory("dubstream-checkpoints-"));
    }

    /**
     * Sets {@code conf} to checkpoint into a directory of this cluster (deleted on close): the chunks
     * in a checkpoint are megabytes, more than Flink's default in-memory checkpoint storage takes.
     */
    public Configuration withLocalCheckpoints(Configuration conf) {
        if (!conf.contains(CheckpointingOptions.CHECKPOINTS_DIRECTORY)) {
            conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
            conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
        }
        return conf;
    }

    /**
     * Calls {@code onFailure} with the reason if the job ends before it is cancelled: a daemon
     * thread that asks the cluster once a second.
     */
    public void watch(JobID job, java.util.function.Consumer<String> onFailure) {
        Thread watcher = new Thread(() -> {
            try {
                while (true) {
                    JobStatus status = status(job);
                    if (status.isGloballyTerminalState()) {
                        if (status != JobStatus.CANCELED) {
                            onFailure.accept("the job ended as " + status + ": " + failureCause(job));
                        }
                        return;
                    }
                    Thread.sleep(1000);
                }
            } catch (Exception e) {
                // the cluster is shutting down
            }
        }, "job-watcher");
        watcher.setDaemon(true);
        watcher.start();
    }

    private String failureCause(JobID job) throws Exception {
        return cluster.requestJobResult(job).get(30, TimeUnit.SECONDS).getSerializedThrowable()
                .map(t -> t.getFullStringifiedStackTrace().lines().findFirst().orElse("no error"))
                .orElse("no error");
    }

    /** The web UI and REST address, e.g. http://localhost:8081. */
    public URI webUi() {
        return webUi;
    }

    /** Submits the job defined on {@code env} and returns once it is accepted. */
    public JobID submit(StreamExecutionEnvironment env, String jobName) throws Exception {
        var graph = env.getStreamGraph();
        graph.setJobName(jobName);
        return cluster.submitJob(graph).get(60, TimeUnit.SECONDS).getJobID();
    }

    public JobStatus status(JobID job) throws Exception {
        return cluster.getJobStatus(job).get(30, TimeUnit.SECONDS);
    }

    /** Waits until the job runs (all its tasks deployed), or fails if it ends first. */
    public void awaitRunning(JobID job, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            JobStatus status = status(job);
            if (status == JobStatus.RUNNING) {
                return;
            }
            if (status.isGloballyTerminalState()) {
                throw new IllegalStateException("the job ended as " + status + " before it ran: "
                        + failureCause(job));
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the job did not start within " + timeout.toSeconds() + " s");
    }

    public void cancel(JobID job) throws Exception {
        cluster.cancelJob(job).get(60, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws Exception {
        try {
            cluster.closeAsync().get(60, TimeUnit.SECONDS);
        } finally {
            try (Stream<Path> files = Files.walk(checkpoints)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }
}
