package io.dubstream.job.cluster;

import java.net.URI;
import java.util.Optional;

import org.apache.flink.configuration.Configuration;

/**
 * Where the processes of a {@link LocalSessionCluster} serve their metrics to Prometheus: Flink's
 * Prometheus reporter (the {@code metrics-prometheus} plugin) on one port per process, so that they
 * do not race for the ports of a range and each keeps its port across restarts: the JobManager on the
 * configured port, TaskManager {@code n} on that port plus {@code n}.
 */
public final class PrometheusEndpoints {

    public static final String FACTORY_CLASS_KEY = "metrics.reporter.prom.factory.class";
    public static final String FACTORY_CLASS = "org.apache.flink.metrics.prometheus.PrometheusReporterFactory";
    public static final String PORT_KEY = "metrics.reporter.prom.port";
    /** The plugin's sub-directory in the cluster's plugins directory, as in Flink's distribution. */
    public static final String PLUGIN = "metrics-prometheus";

    private PrometheusEndpoints() {}

    /** Turns the reporter on in {@code conf}, the JobManager on {@code port}. */
    static void enable(Configuration conf, int port) {
        conf.setString(FACTORY_CLASS_KEY, FACTORY_CLASS);
        conf.setString(PORT_KEY, Integer.toString(port));
    }

    /** The JobManager's port, when the cluster's configuration turns the reporter on. */
    static Optional<Integer> jobManagerPort(Configuration conf) {
        if (!FACTORY_CLASS.equals(conf.getString(FACTORY_CLASS_KEY, null))) {
            return Optional.empty();
        }
        return Optional.of(Integer.parseInt(conf.getString(PORT_KEY, "").strip()));
    }

    /** TaskManager {@code n}'s port. */
    static Optional<Integer> taskManagerPort(Configuration conf, int n) {
        return jobManagerPort(conf).map(port -> port + n);
    }

    /** The port of the process named {@code process} ({@code jobmanager}, {@code taskmanager-N}). */
    static Optional<Integer> port(Configuration conf, String process) {
        if (process.equals(LocalSessionCluster.JOB_MANAGER)) {
            return jobManagerPort(conf);
        }
        if (process.startsWith(LocalSessionCluster.TASK_MANAGER_PREFIX)) {
            return taskManagerPort(conf, Integer.parseInt(process.substring(LocalSessionCluster.TASK_MANAGER_PREFIX.length())));
        }
        throw new IllegalArgumentException("no process of the cluster is named " + process);
    }

    /** The address Prometheus scrapes for {@code port}. */
    static URI uri(int port) {
        return URI.create("http://localhost:" + port + "/metrics");
    }
}
