package io.dubstream.job.cluster;

import java.time.Duration;

import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ClusterOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.HeartbeatManagerOptions;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.TaskManagerOptions;

/**
 * The shape of a {@link LocalSessionCluster}: ports, how many TaskManagers with how many slots, and
 * the memory of each process. {@link #flinkConfiguration} turns it into the cluster's Flink
 * configuration, which also holds what makes jobs survive killed TaskManagers: checkpoints in a
 * local directory and a restart strategy that keeps trying.
 *
 * <p>{@code metricsPort}: Flink's Prometheus reporter serves the JobManager's metrics on it and
 * TaskManager {@code n}'s on {@code metricsPort + n} ({@link PrometheusEndpoints}); 0 turns it off.
 */
public record LocalClusterSpec(int restPort, int rpcPort, int taskManagers, int slotsPerTaskManager,
        MemorySize jobManagerMemory, MemorySize taskManagerMemory, int metricsPort) {

    public static final int DEFAULT_REST_PORT = 8081;
    public static final int DEFAULT_RPC_PORT = 6123;
    /** Prometheus' usual port of Flink's reporter; the TaskManagers take the ports after it. */
    public static final int DEFAULT_METRICS_PORT = 9249;
    public static final int NO_METRICS = 0;
    public static final MemorySize DEFAULT_JOB_MANAGER_MEMORY = MemorySize.parse("768m");
    public static final MemorySize DEFAULT_TASK_MANAGER_MEMORY = MemorySize.parse("1g");

    /** A restart waits this long at first, doubling up to {@link #RESTART_MAX_BACKOFF} while failures repeat. */
    static final Duration RESTART_INITIAL_BACKOFF = Duration.ofSeconds(1);
    static final Duration RESTART_MAX_BACKOFF = Duration.ofSeconds(10);
    /** After running this long without a failure, the next restart waits the initial backoff again. */
    static final Duration RESTART_RESET_THRESHOLD = Duration.ofMinutes(1);
    /**
     * A TaskManager that stops answering is given up after two failed heartbeat calls (a killed
     * process refuses them at once), or after the timeout when it hangs.
     */
    static final Duration HEARTBEAT_INTERVAL = Duration.ofSeconds(2);
    static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(20);

    public LocalClusterSpec {
        if (taskManagers < 1) {
            throw new IllegalArgumentException("a cluster needs at least one TaskManager, got " + taskManagers);
        }
        if (slotsPerTaskManager < 1) {
            throw new IllegalArgumentException("a TaskManager needs at least one slot, got " + slotsPerTaskManager);
        }
        checkPort("REST", restPort);
        checkPort("RPC", rpcPort);
        if (metricsPort != NO_METRICS) {
            checkPort("metrics", metricsPort);
            checkPort("the last TaskManager's metrics", metricsPort + taskManagers);
        }
    }

    /** Two TaskManagers with two slots each: a job of parallelism 2 still has slots when one is lost. */
    public static LocalClusterSpec defaults() {
        return new LocalClusterSpec(DEFAULT_REST_PORT, DEFAULT_RPC_PORT, 2, 2, DEFAULT_JOB_MANAGER_MEMORY,
                DEFAULT_TASK_MANAGER_MEMORY, DEFAULT_METRICS_PORT);
    }

    public LocalClusterSpec withPorts(int rest, int rpc) {
        return new LocalClusterSpec(rest, rpc, taskManagers, slotsPerTaskManager, jobManagerMemory, taskManagerMemory,
                metricsPort);
    }

    /** The same cluster with its Prometheus reporter from {@code port} on ({@link #NO_METRICS}: off). */
    public LocalClusterSpec withMetricsPort(int port) {
        return new LocalClusterSpec(restPort, rpcPort, taskManagers, slotsPerTaskManager, jobManagerMemory,
                taskManagerMemory, port);
    }

    /** The configuration every process of the cluster reads from {@link ClusterDirectory#configFile()}. */
    public Configuration flinkConfiguration(ClusterDirectory dir) {
        Configuration conf = new Configuration();
        conf.set(JobManagerOptions.ADDRESS, "localhost");
        conf.set(JobManagerOptions.BIND_HOST, "localhost");
        conf.set(JobManagerOptions.PORT, rpcPort);
        conf.set(TaskManagerOptions.HOST, "localhost");
        conf.set(TaskManagerOptions.BIND_HOST, "localhost");
        conf.set(RestOptions.ADDRESS, "localhost");
        conf.set(RestOptions.BIND_ADDRESS, "localhost");
        conf.set(RestOptions.PORT, restPort);

        conf.set(JobManagerOptions.TOTAL_PROCESS_MEMORY, jobManagerMemory);
        conf.set(TaskManagerOptions.TOTAL_PROCESS_MEMORY, taskManagerMemory);
        conf.set(TaskManagerOptions.NUM_TASK_SLOTS, slotsPerTaskManager);
        // keyed state lives on the heap (hashmap state backend): managed memory would only be idle
        conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.ZERO);

        conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, dir.checkpoints().toUri().toString());
        conf.set(CheckpointingOptions.SAVEPOINT_DIRECTORY, dir.savepoints().toUri().toString());
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "exponential-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF, RESTART_INITIAL_BACKOFF);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF, RESTART_MAX_BACKOFF);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_BACKOFF_MULTIPLIER, 2.0);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_RESET_BACKOFF_THRESHOLD,
                RESTART_RESET_THRESHOLD);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_ATTEMPTS, Integer.MAX_VALUE);
        conf.set(HeartbeatManagerOptions.HEARTBEAT_INTERVAL, HEARTBEAT_INTERVAL);
        conf.set(HeartbeatManagerOptions.HEARTBEAT_TIMEOUT, HEARTBEAT_TIMEOUT);

        if (metricsPort != NO_METRICS) {
            PrometheusEndpoints.enable(conf, metricsPort);
        }

        conf.set(ClusterOptions.PROCESS_WORKING_DIR_BASE, dir.work().toString());
        conf.set(CoreOptions.TMP_DIRS, dir.work().resolve("tmp").toString());
        return conf;
    }

    private static void checkPort(String what, int port) {
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException(what + " port must be in 1..65535, got " + port);
        }
    }
}
