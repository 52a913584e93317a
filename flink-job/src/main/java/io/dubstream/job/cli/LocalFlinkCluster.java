package io.dubstream.job.cli;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
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

    private LocalFlinkCluster(MiniCluster cluster, URI webUi) {
        this.cluster = cluster;
        this.webUi = webUi;
    }

    public static LocalFlinkCluster start(int slots) throws Exception {
        Configuration conf = new Configuration();
        conf.set(RestOptions.ADDRESS, "localhost");
        conf.set(RestOptions.BIND_ADDRESS, "localhost");
        conf.set(RestOptions.BIND_PORT, WEB_UI_PORTS);
        conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.ofMebiBytes(64));
        MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
                .setConfiguration(conf)
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(slots)
                .build());
        cluster.start();
        return new LocalFlinkCluster(cluster, cluster.getRestAddress().get(30, TimeUnit.SECONDS));
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
                        + cluster.requestJobResult(job).get().getSerializedThrowable()
                                .map(t -> t.getFullStringifiedStackTrace().lines().findFirst().orElse(""))
                                .orElse("no error"));
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
        cluster.closeAsync().get(60, TimeUnit.SECONDS);
    }
}
