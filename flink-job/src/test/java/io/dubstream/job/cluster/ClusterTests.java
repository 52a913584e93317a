package io.dubstream.job.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.dubstream.job.cli.DubstreamLauncher;

/**
 * What the tests on a local multi-process cluster share: waiting on a condition, ports, clean
 * directories, Flink's class path, running the launcher's commands.
 */
final class ClusterTests {

    private ClusterTests() {}

    /** A condition that the cluster or the broker reach in time. */
    interface Condition {
        boolean holds() throws Exception;
    }

    /** Polls {@code condition} every {@code pollMillis} until it holds; fails after {@code timeout}. */
    static void awaitTrue(String what, Duration timeout, long pollMillis, Condition condition) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no " + what + " within " + timeout.toSeconds() + " s");
            }
            Thread.sleep(pollMillis);
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** The first of {@code count} consecutive ports that are free now, e.g. a cluster's Prometheus ports. */
    static int freeConsecutivePorts(int count) throws IOException {
        for (int attempt = 0; attempt < 100; attempt++) {
            int first = freePort();
            if (first + count - 1 <= 65_535 && allFree(first, count)) {
                return first;
            }
        }
        throw new IOException("no " + count + " consecutive free ports found");
    }

    private static boolean allFree(int first, int count) {
        for (int port = first; port < first + count; port++) {
            try (ServerSocket socket = new ServerSocket(port)) {
                socket.setReuseAddress(true);
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }

    static void deleteRecursively(Path path) throws IOException {
        if (Files.exists(path)) {
            try (Stream<Path> files = Files.walk(path)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    /** Runs {@code dubstream ARGS...} in this JVM, as the launcher would; asserts it succeeds and returns what it printed. */
    static String dubstream(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = DubstreamLauncher.run(new PrintWriter(out), new PrintWriter(err), args);
        assertThat(code).as("dubstream %s: %s", String.join(" ", args), err).isZero();
        return out.toString();
    }

    /** The id of the job that {@code job --cluster} said it submitted. */
    static String submittedJob(String jobOutput) {
        Matcher submitted = Pattern.compile("dubstream job ([0-9a-f]{32}) submitted").matcher(jobOutput);
        assertThat(submitted.find()).as(jobOutput).isTrue();
        return submitted.group(1);
    }

    /**
     * Flink's modules and their dependencies, as the build resolved them, and log4j: what a Flink
     * distribution's {@code lib/} holds. Nothing of the job's: no Kafka, DJL, JavaCV, picocli or
     * Jackson, and none of the project's classes.
     */
    static String flinkOnlyClasspath() {
        String classpath = FlinkClasspath.ofBuild();
        assertThat(classpath.split(File.pathSeparator)).as("the cluster's class path")
                .anySatisfy(e -> assertThat(e).contains("flink-runtime-"))
                .noneSatisfy(e -> assertThat(e).containsAnyOf("dubstream", "/ai/djl/", "/org/bytedeco/",
                        "/org/apache/kafka/", "flink-connector-kafka", "picocli", "jackson-databind", "scala-library"));
        return classpath;
    }
}
