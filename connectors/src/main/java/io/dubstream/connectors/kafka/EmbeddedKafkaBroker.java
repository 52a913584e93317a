package io.dubstream.connectors.kafka;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A real single-node Kafka broker (KRaft, combined broker and controller) running inside this JVM.
 *
 * <p>It backs {@code dubstream broker}, the embedded demo and the integration tests. It is built on
 * Kafka's own {@link KafkaClusterTestKit}, so it is the same server code as any Kafka 4.x cluster,
 * with replication factors of one for the internal topics (offsets, transactions) so that
 * transactions and consumer groups work on a single node.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    /** Port 0 picks a free port. */
    public static final int ANY_PORT = 0;

    private static final String CLUSTER_ID = "ZHVic3RyZWFtLWxvY2FsMQ";

    private final KafkaClusterTestKit cluster;
    private final Path dataDir;
    private final boolean ownsDataDir;

    private EmbeddedKafkaBroker(KafkaClusterTestKit cluster, Path dataDir, boolean ownsDataDir) {
        this.cluster = cluster;
        this.dataDir = dataDir;
        this.ownsDataDir = ownsDataDir;
    }

    /** Starts a broker on a free port with its data in a fresh temporary directory, deleted on close. */
    public static EmbeddedKafkaBroker start() throws BrokerStartException {
        return start(ANY_PORT, null);
    }

    /**
     * Starts a broker.
     *
     * @param port the client port on localhost, or {@link #ANY_PORT}
     * @param dataDir where the logs live, kept on close; {@code null} for a temporary directory that
     *     is deleted on close. An existing directory must be empty: the broker formats its storage.
     */
    public static EmbeddedKafkaBroker start(int port, Path dataDir) throws BrokerStartException {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, got " + port);
        }
        boolean owns = dataDir == null;
        try {
            Path dir = owns ? Files.createTempDirectory("dubstream-kafka-") : prepare(dataDir);
            TestKitNodes nodes = new TestKitNodes.Builder()
                    .setClusterId(CLUSTER_ID)
                    .setCombined(true)
                    .setNumBrokerNodes(1)
                    .setNumControllerNodes(1)
                    .setBaseDirectory(dir)
                    .build();
            KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes)
                    .setDeleteOnClose(owns);
            for (Map.Entry<String, Object> e : serverConfig(nodes, port).entrySet()) {
                builder.setConfigProp(e.getKey(), e.getValue());
            }
            KafkaClusterTestKit cluster = builder.build();
            try {
                cluster.format();
                cluster.startup();
                cluster.waitForReadyBrokers();
            } catch (Exception | Error e) {
                closeQuietly(cluster);
                throw e;
            }
            return new EmbeddedKafkaBroker(cluster, dir, owns);
        } catch (BrokerStartException e) {
            throw e;
        } catch (Exception e) {
            throw new BrokerStartException(
                    "could not start the embedded Kafka broker"
                            + (port == ANY_PORT ? "" : " on port " + port)
                            + ": " + rootMessage(e),
                    e);
        }
    }

    private static Map<String, Object> serverConfig(TestKitNodes nodes, int port) {
        Map<String, Object> config = new java.util.HashMap<>(Map.of(
                "offsets.topic.replication.factor", "1",
                "offsets.topic.num.partitions", "1",
                "transaction.state.log.replication.factor", "1",
                "transaction.state.log.min.isr", "1",
                "transaction.state.log.num.partitions", "1",
                "group.initial.rebalance.delay.ms", "0",
                "num.partitions", "1",
                "auto.create.topics.enable", "true"));
        if (port != ANY_PORT) {
            config.put("listeners", nodes.brokerListenerName().value() + "://localhost:" + port
                    + "," + nodes.controllerListenerName().value() + "://localhost:0");
        }
        return config;
    }

    private static Path prepare(Path dataDir) throws Exception {
        Files.createDirectories(dataDir);
        try (var entries = Files.list(dataDir)) {
            if (entries.findAny().isPresent()) {
                throw new BrokerStartException("data directory " + dataDir
                        + " is not empty: give an empty or new directory (the broker formats it)");
            }
        }
        return dataDir;
    }

    /** The {@code bootstrap.servers} value for clients. */
    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    public Path dataDir() {
        return dataDir;
    }

    @Override
    public void close() throws Exception {
        cluster.close();
    }

    private static void closeQuietly(KafkaClusterTestKit cluster) {
        try {
            cluster.close();
        } catch (Exception ignored) {
            // the start failure is the error worth reporting
        }
    }

    static String rootMessage(Throwable t) {
        Throwable root = Objects.requireNonNull(t);
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }

    /** The broker could not start: a port in use, an unusable data directory, ... */
    public static final class BrokerStartException extends Exception {
        private static final long serialVersionUID = 1L;

        public BrokerStartException(String message) {
            super(message);
        }

        public BrokerStartException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
