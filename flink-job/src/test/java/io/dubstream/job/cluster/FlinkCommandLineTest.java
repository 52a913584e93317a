package io.dubstream.job.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;

import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

class FlinkCommandLineTest {

    private final ClusterDirectory dir = new ClusterDirectory(Path.of("/tmp/cluster"));
    private final Configuration conf = LocalClusterSpec.defaults().flinkConfiguration(dir);

    @Test
    void aTaskManagerGetsItsMemoryAsJvmFlagsAndDynamicPropertiesItsLogAndItsResourceId() {
        List<String> command = FlinkCommandLine.taskManager(dir, conf, "a.jar:lib/b.jar", "taskmanager-2", "tm-2-x");

        assertThat(command.get(0)).endsWith("/bin/java");
        assertThat(command).contains("-Xmx402653184", "-Xms402653184", "-Dlog.file=/tmp/cluster/log/taskmanager-2.log",
                "a.jar:lib/b.jar", "--add-opens=java.base/java.util=ALL-UNNAMED");
        assertThat(command).containsSubsequence("-cp", "a.jar:lib/b.jar",
                "org.apache.flink.runtime.taskexecutor.TaskManagerRunner", "--configDir", "/tmp/cluster/conf");
        assertThat(FlinkCommandLine.dynamicProperty(command, "taskmanager.memory.task.heap.size"))
                .contains("268435456b");
        assertThat(FlinkCommandLine.dynamicProperty(command, "taskmanager.resource-id")).contains("tm-2-x");
        // the JobManager's Prometheus port is the configuration's (9249), TaskManager 2's two after it
        assertThat(FlinkCommandLine.dynamicProperty(command, "metrics.reporter.prom.port")).contains("9251");
    }

    @Test
    void theJobManagerRunsTheSessionEntrypoint() {
        List<String> command = FlinkCommandLine.jobManager(dir, conf, "a.jar");

        assertThat(command).contains("-Xmx201326592",
                "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint");
        assertThat(FlinkCommandLine.dynamicProperty(command, "jobmanager.memory.heap.size")).contains("201326592b");
        assertThat(FlinkCommandLine.dynamicProperty(command, "taskmanager.resource-id")).isEmpty();
    }
}
