package io.dubstream.job.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;

import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessUtils;
import org.apache.flink.runtime.jobmanager.JobManagerProcessUtils;
import org.junit.jupiter.api.Test;

class LocalClusterSpecTest {

    private final ClusterDirectory dir = new ClusterDirectory(Path.of("/tmp/cluster"));

    @Test
    void memoryFitsFlinksModelWithRoomForTasks() {
        Configuration conf = LocalClusterSpec.defaults().flinkConfiguration(dir);

        var tm = TaskExecutorProcessUtils.processSpecFromConfig(conf);
        assertThat(tm.getTotalProcessMemorySize()).isEqualTo(MemorySize.parse("1g"));
        assertThat(tm.getTaskHeapSize()).isEqualTo(MemorySize.parse("256m"));
        assertThat(tm.getManagedMemorySize()).isEqualTo(MemorySize.ZERO);
        var jm = JobManagerProcessUtils.processSpecFromConfig(conf);
        assertThat(jm.getJvmHeapMemorySize()).isEqualTo(MemorySize.parse("192m"));
    }

    @Test
    void jobsCheckpointIntoTheClusterDirectoryAndSurviveAnyNumberOfFailures() {
        Configuration conf = LocalClusterSpec.defaults().withPorts(9081, 7123).flinkConfiguration(dir);

        assertThat(conf.get(CheckpointingOptions.CHECKPOINT_STORAGE)).isEqualTo("filesystem");
        assertThat(conf.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY)).isEqualTo("file:///tmp/cluster/checkpoints");
        assertThat(conf.get(CheckpointingOptions.SAVEPOINT_DIRECTORY)).isEqualTo("file:///tmp/cluster/savepoints");
        assertThat(conf.get(RestartStrategyOptions.RESTART_STRATEGY)).isEqualTo("exponential-delay");
        assertThat(conf.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_ATTEMPTS))
                .isEqualTo(Integer.MAX_VALUE);
        assertThat(conf.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF))
                .isEqualTo(Duration.ofSeconds(10));
        assertThat(conf.get(RestOptions.PORT)).isEqualTo(9081);
        assertThat(conf.get(TaskManagerOptions.NUM_TASK_SLOTS)).isEqualTo(2);
    }

    @Test
    void refusesAClusterWithoutTaskManagersOrPorts() {
        assertThatThrownBy(() -> new LocalClusterSpec(8081, 6123, 0, 2, MemorySize.parse("768m"),
                MemorySize.parse("1g"), 9249)).hasMessageContaining("at least one TaskManager");
        assertThatThrownBy(() -> LocalClusterSpec.defaults().withPorts(0, 6123))
                .hasMessageContaining("REST port must be in 1..65535, got 0");
        assertThatThrownBy(() -> LocalClusterSpec.defaults().withMetricsPort(65_535))
                .hasMessageContaining("the last TaskManager's metrics port must be in 1..65535, got 65537");
    }

    @Test
    void thePrometheusReporterServesEachProcessOnItsOwnPortOrIsOff() {
        Configuration conf = LocalClusterSpec.defaults().withMetricsPort(9300).flinkConfiguration(dir);

        assertThat(conf.getString(PrometheusEndpoints.FACTORY_CLASS_KEY, null))
                .isEqualTo("org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
        assertThat(PrometheusEndpoints.port(conf, "jobmanager")).contains(9300);
        assertThat(PrometheusEndpoints.port(conf, "taskmanager-2")).contains(9302);
        assertThat(PrometheusEndpoints.uri(9302)).hasToString("http://localhost:9302/metrics");

        Configuration off = LocalClusterSpec.defaults().withMetricsPort(LocalClusterSpec.NO_METRICS).flinkConfiguration(dir);
        assertThat(off.toMap()).doesNotContainKey(PrometheusEndpoints.FACTORY_CLASS_KEY);
        assertThat(PrometheusEndpoints.port(off, "taskmanager-1")).isEmpty();
    }
}
