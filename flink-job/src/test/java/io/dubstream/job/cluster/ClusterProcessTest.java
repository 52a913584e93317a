package io.dubstream.job.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterProcessTest {

    @TempDir
    Path tmp;

    private ProcessHandle started;

    @AfterEach
    void killWhatWasStarted() {
        if (started != null) {
            started.destroyForcibly();
        }
    }

    /** A process that waits, with the cluster's configuration directory on its command line as Flink's get it. */
    private List<String> waiting(ClusterDirectory dir) {
        // bash waits on its own (a builtin), so that killing it leaves no child behind
        return List.of("bash", "-c", "read -t 60 line", "--configDir", dir.conf().toString());
    }

    @Test
    void killIsSigkillAndKeepsThePidFileStopRemovesIt() throws Exception {
        ClusterDirectory dir = new ClusterDirectory(tmp);
        ClusterProcess process = new ClusterProcess(dir, "taskmanager-1");
        started = process.start(waiting(dir));

        assertThat(process.running()).map(ProcessHandle::pid).contains(started.pid());
        assertThat(Files.readString(dir.pidFile("taskmanager-1")).trim()).isEqualTo(Long.toString(started.pid()));
        assertThatThrownBy(() -> process.start(waiting(dir))).hasMessageContaining("already running");

        assertThat(process.kill()).isEqualTo(started.pid());
        assertThat(started.onExit()).succeedsWithin(Duration.ofSeconds(5));
        assertThat(process.running()).isEmpty();
        assertThat(process.belongsToCluster()).isTrue();

        assertThat(process.stop(Duration.ofSeconds(1))).isFalse();
        assertThat(process.belongsToCluster()).isFalse();
    }

    @Test
    void aPidFileOfAProcessOfAnotherDirectoryCountsAsNotRunning() throws Exception {
        ClusterDirectory other = new ClusterDirectory(tmp.resolve("other"));
        started = new ClusterProcess(other, "taskmanager-1").start(waiting(other));
        ClusterDirectory dir = new ClusterDirectory(tmp.resolve("ours"));
        Files.createDirectories(dir.root());
        Files.writeString(dir.pidFile("taskmanager-1"), started.pid() + "\n");
        ClusterProcess process = new ClusterProcess(dir, "taskmanager-1");

        assertThat(process.running()).isEmpty();
        assertThatThrownBy(process::kill).hasMessageContaining("taskmanager-1 is not running");
        assertThat(started.isAlive()).isTrue();
    }
}
