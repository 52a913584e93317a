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

    @Test
    void theBootstrapIsRequiredToRunAJob() {
        assertThat(run("job", "--cluster", "localhost:8081")).isEqualTo(2);
        assertThat(err).contains("Missing required option: '--bootstrap=HOST:PORT'");
    }

    @Test
    void stopGoesWithClusterAndAJobId() {
        assertThat(run("job", "--stop", "0123456789abcdef0123456789abcdef")).isEqualTo(2);
        assertThat(err).contains("--stop goes with --cluster HOST:PORT");
        assertThat(run("job", "--cluster", "localhost:8081", "--stop", "my-job")).isEqualTo(2);
        assertThat(err).contains("--stop wants a job id (32 hex digits", "got 'my-job'");
        assertThat(run("job", "--cluster", "localhost:8081", "--stop", "0123456789abcdef0123456789abcdef",
                "--from-savepoint", "/tmp/sp")).isEqualTo(2);
        assertThat(err).contains("--from-savepoint, --detached and --jar go with submitting one");
        assertThat(run("job", "--bootstrap", "localhost:9092", "--savepoint-dir", "/tmp/sp")).isEqualTo(2);
        assertThat(err).contains("--savepoint-dir goes with --stop");
    }

    @Test
    void aStopOnAClusterThatDoesNotAnswerFailsInOneLine() throws Exception {
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            port = free.getLocalPort();
        }
        assertThat(run("job", "--cluster", "localhost:" + port, "--stop", "0123456789abcdef0123456789abcdef"))
                .isEqualTo(1);
        assertThat(err.strip().lines()).hasSize(1);
    }
}
