package io.dubstream.job.cluster;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

/** What the tests on a local multi-process cluster share: waiting on a condition, ports, clean directories. */
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
}
