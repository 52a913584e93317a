package io.dubstream.job.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link SavepointStop} against a hand-made stand-in for the few REST answers of a Flink cluster it
 * reads (the answers' shapes as Flink 2.2 writes them); {@code UpgradeModelITCase} runs it against a
 * real cluster.
 */
class SavepointStopTest {

    private static final String JOB = "0123456789abcdef0123456789abcdef";

    /** Answers in the order given, per path; records the requests. */
    private final class TestingFlinkRest {
        final Deque<String> savepointAnswers = new ArrayDeque<>();
        final Deque<String> jobStates = new ArrayDeque<>();
        final List<String> requests = new ArrayList<>();
        int stopStatus = 202;
        String stopAnswer = "{\"request-id\":\"trigger-1\"}";

        void handle(HttpExchange exchange) throws IOException {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String path = exchange.getRequestURI().getPath();
            requests.add(exchange.getRequestMethod() + " " + path + (body.isEmpty() ? "" : " " + body));
            if (path.equals("/jobs/" + JOB + "/stop")) {
                answer(exchange, stopStatus, stopAnswer);
            } else if (path.equals("/jobs/" + JOB + "/savepoints/trigger-1")) {
                answer(exchange, 200, savepointAnswers.size() > 1 ? savepointAnswers.poll() : savepointAnswers.peek());
            } else if (path.equals("/jobs/" + JOB)) {
                answer(exchange, 200, "{\"state\":\"" + (jobStates.size() > 1 ? jobStates.poll() : jobStates.peek())
                        + "\"}");
            } else {
                answer(exchange, 404, "{\"errors\":[\"Not found: " + path + "\"]}");
            }
        }

        private void answer(HttpExchange exchange, int status, String body) throws IOException {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        }
    }

    private final TestingFlinkRest flink = new TestingFlinkRest();
    private HttpServer server;
    private SavepointStop stop;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
        server.createContext("/", flink::handle);
        server.start();
        stop = new SavepointStop(new ClusterRestApi(URI.create("http://localhost:" + server.getAddress().getPort())),
                Duration.ofSeconds(10));
    }

    @AfterEach
    void shutDown() {
        server.stop(0);
    }

    @Test
    void waitsForTheSavepointAndTheJobsEndAndReturnsTheSavepointsPath() throws Exception {
        flink.savepointAnswers.add("{\"status\":{\"id\":\"IN_PROGRESS\"}}");
        flink.savepointAnswers.add("{\"status\":{\"id\":\"COMPLETED\"},\"operation\":{\"location\":"
                + "\"file:/sp/savepoint-012345-6789abcdef01\"}}");
        flink.jobStates.add("RUNNING");
        flink.jobStates.add("FINISHED");

        assertThat(stop.stop(JOB, "file:///sp")).isEqualTo("file:/sp/savepoint-012345-6789abcdef01");
        assertThat(flink.requests.get(0)).isEqualTo("POST /jobs/" + JOB + "/stop "
                + "{\"drain\":false,\"formatType\":\"CANONICAL\",\"targetDirectory\":\"file:///sp\"}");
        assertThat(flink.requests).containsSubsequence("GET /jobs/" + JOB + "/savepoints/trigger-1",
                "GET /jobs/" + JOB + "/savepoints/trigger-1", "GET /jobs/" + JOB, "GET /jobs/" + JOB);
    }

    @Test
    void withoutADirectoryTheClustersOwnIsUsed() throws Exception {
        flink.savepointAnswers.add("{\"status\":{\"id\":\"COMPLETED\"},\"operation\":{\"location\":\"file:/d/sp\"}}");
        flink.jobStates.add("FINISHED");

        assertThat(stop.stop(JOB, null)).isEqualTo("file:/d/sp");
        assertThat(flink.requests.get(0)).endsWith("{\"drain\":false,\"formatType\":\"CANONICAL\"}");
    }

    @Test
    void aFailedSavepointSaysWhyInOneLine() {
        flink.savepointAnswers.add("{\"status\":{\"id\":\"COMPLETED\"},\"operation\":{\"failure-cause\":{"
                + "\"class\":\"java.util.concurrent.CompletionException\",\"stack-trace\":"
                + "\"java.util.concurrent.CompletionException: org.apache.flink.runtime.checkpoint.CheckpointException:"
                + " Checkpoint Coordinator is suspending.\\n\\tat a.b.C.d(C.java:1)\\nCaused by: "
                + "org.apache.flink.runtime.checkpoint.CheckpointException: Checkpoint Coordinator is suspending.\\n"
                + "\\t... 3 more\\nCaused by: java.io.IOException: /sp is not writable\\n\"}}}");
        flink.jobStates.add("RUNNING");

        assertThatThrownBy(() -> stop.stop(JOB, "file:///sp")).isInstanceOf(IllegalStateException.class)
                .hasMessage("the savepoint of job " + JOB + " failed, the job goes on: "
                        + "java.util.concurrent.CompletionException: org.apache.flink.runtime.checkpoint."
                        + "CheckpointException: Checkpoint Coordinator is suspending. (caused by java.io.IOException: "
                        + "/sp is not writable)");
    }

    @Test
    void aJobTheClusterDoesNotKnowIsRefusedWithTheClustersReason() {
        flink.stopStatus = 404;
        flink.stopAnswer = "{\"errors\":[\"org.apache.flink.runtime.rest.NotFoundException: Job " + JOB
                + " not found\\n\\tat x.y.Z(Z.java:1)\"]}";

        assertThatThrownBy(() -> stop.stop(JOB, null)).isInstanceOf(IOException.class)
                .hasMessageEndingWith("/jobs/" + JOB + "/stop answered 404: "
                        + "org.apache.flink.runtime.rest.NotFoundException: Job " + JOB + " not found");
    }

    @Test
    void aSavepointThatNeverCompletesTimesOut() {
        flink.savepointAnswers.add("{\"status\":{\"id\":\"IN_PROGRESS\"}}");
        SavepointStop impatient = new SavepointStop(new ClusterRestApi(URI.create("http://localhost:"
                + server.getAddress().getPort())), Duration.ofSeconds(1));

        assertThatThrownBy(() -> impatient.stop(JOB, null)).isInstanceOf(IllegalStateException.class)
                .hasMessage("the savepoint of job " + JOB + " did not complete within 1 s");
    }
}
