package io.dubstream.connectors.kafka;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;

/**
 * A real single-node Kafka broker running inside this JVM: Kafka's own {@link KafkaRaftServer} in
 * KRaft combined mode (broker and controller in one node), exactly what {@code kafka-server-start}
 * runs, with its storage formatted here.
 *
 * <p>It backs {@code dubstream broker}, the embedded demo and the integration tests. Internal topics
 * (consumer offsets, transaction state) have a replication factor of one, so that transactions and
 * consumer groups work on one node.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    /** Port 0 picks a free port. */
    public static final int ANY_PORT = 0;

    private static final String BROKER_LISTENER = "PLAINTEXT";
    private static final String CONTROLLER_LISTENER = "CONTROLLER";
    private static final int NODE_ID = 1;
    private static final long READY_TIMEOUT_MS = 60_000;

    private final KafkaRaftServer server;
    private final String bootstrapServers;
    private final Path dataDir;
    private final boolean ownsDataDir;

    private EmbeddedKafkaBroker(KafkaRaftServer server, String bootstrapServers, Path dataDir, boolean ownsDataDir) {
        this.server = server;
        this.bootstrapServers = bootstrapServers;
        this.dataDir = dataDir;
        this.ownsDataDir = ownsDataDir;
    }

    /** Starts a broker on a free port with its data in a fresh temporary directory, deleted on close. */
    public static EmbeddedKafkaBroker start() throws BrokerStartException {
        return start(ANY_PORT, null);
    }

    /**
     * Starts a broker and waits until it serves clients.
     *
     * @param port the client port on localhost, or {@link #ANY_PORT}
     * @param dataDir where the logs live, kept on close; {@code null} for a temporary directory that
     *     is deleted on close. An existing directory must be empty: the broker formats it.
     */
    public static EmbeddedKafkaBroker start(int port, Path dataDir) throws BrokerStartException {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, got " + port);
        }
        String where = port == ANY_PORT ? "" : " on port " + port;
        boolean owns = dataDir == null;
        Path dir;
        try {
            dir = owns ? Files.createTempDirectory("dubstream-kafka-") : prepare(dataDir);
        } catch (IOException e) {
            throw new BrokerStartException("could not start the embedded Kafka broker" + where
                    + ": cannot use data directory " + dataDir + ": " + e.getMessage(), e);
        }
        KafkaRaftServer server = null;
        try {
            int brokerPort = port == ANY_PORT ? freePort() : port;
            ensureFree(brokerPort);
            int controllerPort = freePort();
            KafkaConfig config = KafkaConfig.fromProps(serverConfig(brokerPort, controllerPort, dir));
            format(dir);
            server = new KafkaRaftServer(config, Time.SYSTEM);
            server.startup();
            String bootstrap = "localhost:" + brokerPort;
            awaitReady(bootstrap);
            return new EmbeddedKafkaBroker(server, bootstrap, dir, owns);
        } catch (Exception | Error e) {
            if (server != null) {
                stop(server);
            }
            if (owns) {
                deleteRecursively(dir);
            }
            throw new BrokerStartException("could not start the embedded Kafka broker" + where + ": "
                    + rootMessage(e), e);
        }
    }

    private static Properties serverConfig(int brokerPort, int controllerPort, Path dir) {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", String.valueOf(NODE_ID));
        p.put("controller.quorum.voters", NODE_ID + "@localhost:" + controllerPort);
        p.put("listeners", BROKER_LISTENER + "://localhost:" + brokerPort + ","
                + CONTROLLER_LISTENER + "://localhost:" + controllerPort);
        p.put("advertised.listeners", BROKER_LISTENER + "://localhost:" + brokerPort);
        p.put("listener.security.protocol.map", BROKER_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        p.put("controller.listener.names", CONTROLLER_LISTENER);
        p.put("inter.broker.listener.name", BROKER_LISTENER);
        p.put("log.dirs", dir.toString());
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("num.partitions", "1");
        p.put("auto.create.topics.enable", "true");
        return p;
    }

    private static void format(Path dir) throws Exception {
        new Formatter()
                .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                .setNodeId(NODE_ID)
                .setClusterId(Uuid.randomUuid().toString())
                .setDirectories(List.of(dir.toString()))
                .setMetadataLogDirectory(dir.toString())
                .setControllerListenerName(CONTROLLER_LISTENER)
                .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
                .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                .run();
    }

    private static void awaitReady(String bootstrap) throws Exception {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(p)) {
            admin.describeCluster().nodes().get(READY_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        }
    }

    private static Path prepare(Path dataDir) throws IOException, BrokerStartException {
        Files.createDirectories(dataDir);
        try (Stream<Path> entries = Files.list(dataDir)) {
            if (entries.findAny().isPresent()) {
                throw new BrokerStartException("data directory " + dataDir
                        + " is not empty: give an empty or new directory (the broker formats it)");
            }
        }
        return dataDir;
    }

    /** The {@code bootstrap.servers} value for clients. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Stops the broker; deletes its data when the directory was a temporary one. */
    @Override
    public void close() {
        stop(server);
        if (ownsDataDir) {
            deleteRecursively(dataDir);
        }
    }

    private static void stop(KafkaRaftServer server) {
        server.shutdown();
        server.awaitShutdown();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("localhost"))) {
            return s.getLocalPort();
        }
    }

    private static void ensureFree(int port) throws BrokerStartException {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getByName("localhost"))) {
            s.setReuseAddress(true);
        } catch (IOException e) {
            throw new BrokerStartException("port " + port + " on localhost is in use (" + e.getMessage()
                    + "); stop what holds it or give another --port");
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory left behind is harmless
        }
    }

    static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return root == t || t.getMessage() == null ? message : t.getMessage() + " (" + message + ")";
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
