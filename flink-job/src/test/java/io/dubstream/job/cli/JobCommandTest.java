package io.dubstream.job.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobCommandTest {

    private String err;

    private int run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter errors = new StringWriter();
        int code = DubstreamLauncher.run(new PrintWriter(out), new PrintWriter(errors), args);
        err = errors.toString();
        return code;
    }

    @Test
    void detachedGoesWithCluster() {
        assertThat(run("job", "--bootstrap", "localhost:9092", "--detached")).isEqualTo(2);
        assertThat(err).contains("--detached goes with --cluster");
    }

    @Test
    void theClusterAddressNeedsAPort() {
        assertThat(run("job", "--bootstrap", "localhost:9092", "--cluster", "localhost")).isEqualTo(2);
        assertThat(err).contains("--cluster wants HOST:PORT", "got 'localhost'");
    }

    @Test
    void theClusterAddressMayBeTheWebUiUrl() {
        assertThat(new ClusterSubmission("http://localhost:8081/").webUi()).hasToString("http://localhost:8081");
        assertThat(new ClusterSubmission("localhost:9000").webUi()).hasToString("http://localhost:9000");
    }

    @Test
    void jarGoesWithCluster() {
        assertThat(run("job", "--bootstrap", "localhost:9092", "--jar", "job.jar")).isEqualTo(2);
        assertThat(err).contains("--jar goes with --cluster");
    }

    @Test
    void aJarThatIsNotThereIsRefused() {
        assertThat(run("job", "--bootstrap", "localhost:9092", "--cluster", "localhost:1", "--jar", "no-such.jar"))
                .isEqualTo(2);
        assertThat(err).contains("--jar no-such.jar: no such file");
    }

    @Test
    void theBuildsJobJarIsTheOneInItsDirectory(@TempDir Path target) throws Exception {
        assertThatThrownBy(() -> ClusterSubmission.jobJarIn(target)).hasMessageContaining("no self-contained job jar")
                .hasMessageContaining("mvn package -pl flink-job -am");
        Files.createFile(target.resolve("dubstream-flink-job.jar"));
        Path jobJar = Files.createFile(target.resolve("dubstream-flink-job-0.1.0-job.jar"));
        assertThat(ClusterSubmission.jobJarIn(target)).isEqualTo(jobJar);
        Files.createFile(target.resolve("dubstream-flink-job-0.2.0-job.jar"));
        assertThatThrownBy(() -> ClusterSubmission.jobJarIn(target)).hasMessageContaining("several job jars")
                .hasMessageContaining("dubstream-flink-job-0.1.0-job.jar, dubstream-flink-job-0.2.0-job.jar");
    }
}
