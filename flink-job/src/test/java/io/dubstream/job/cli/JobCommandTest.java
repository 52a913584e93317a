package io.dubstream.job.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.junit.jupiter.api.Test;

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
}
