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
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
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
 *
 * <p>{@link #startSecured} starts it like a production cluster: clients authenticate with SASL/SCRAM
 * ({@code SCRAM-SHA-512}) and Kafka's {@code StandardAuthorizer} allows each user only what an ACL
 * grants. The admin user, created when the storage is formatted, is the super user that the broker
 * also talks to itself as; users are added with {@link #createUser}. (The controller listener stays
 * plaintext on its own port, its anonymous principal a super user, as KRaft needs; it serves only
 * controller requests. No TLS: the SCRAM exchange never sends the password, but records travel in
 * the clear.)
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    /** Port 0 picks a free port. */
    public static final int ANY_PORT = 0;

    private static final String BROKER_LISTENER = "PLAINTEXT";
    private static final String CONTROLLER_LISTENER = "CONTROLLER";
    private static final int NODE_ID = 1;
    private static final long READY_TIMEOUT_MS = 60_000;

    /** The SASL mechanism of a secured broker. */
    public static final String SCRAM_MECHANISM = "SCRAM-SHA-512";

    /** The super user of a secured broker. */
    public static final String ADMIN_USER = "admin";

    private static final String SECURED_LISTENER = "SASL_PLAINTEXT";

    private final KafkaRaftServer server;
    private final String bootstrapServers;
    private final Path dataDir;
    private final boolean ownsDataDir;
    private final KafkaConnection admin;

    private EmbeddedKafkaBroker(KafkaRaftServer server, String bootstrapServers, Path dataDir, boolean ownsDataDir,
            KafkaConnection admin) {
        this.server = server;
        this.bootstrapServers = bootstrapServers;
        this.dataDir = dataDir;
        this.ownsDataDir = ownsDataDir;
        this.admin = admin;
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
        return start(port, dataDir, null);
    }

    /**
     * Starts a broker that authenticates clients with SASL/SCRAM and authorizes them with ACLs, and
     * waits until it serves clients: only {@link #ADMIN_USER} with {@code adminPassword} may do
     * anything until users and ACLs are added.
     *
     * @see #start(int, Path)
     */
    public static EmbeddedKafkaBroker startSecured(int port, Path dataDir, String adminPassword)
            throws BrokerStartException {
        if (adminPassword == null || !adminPassword.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("a secured broker needs an admin password of letters, digits,"
                    + " '.', '_' and '-'");
        }
        return start(port, dataDir, adminPassword);
    }

    private static EmbeddedKafkaBroker start(int port, Path dataDir, String adminPassword)
            throws BrokerStartException {
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
            Properties props = serverConfig(brokerPort, controllerPort, dir);
            if (adminPassword != null) {
                secure(props, brokerPort, adminPassword);
            }
            KafkaConfig config = KafkaConfig.fromProps(props);
            format(dir, adminPassword);
            server = new KafkaRaftServer(config, Time.SYSTEM);
            server.startup();
            String bootstrap = "localhost:" + brokerPort;
            KafkaConnection admin = adminPassword == null ? KafkaConnection.of(bootstrap)
                    : new KafkaConnection(bootstrap, scramClientProperties(ADMIN_USER, adminPassword));
            awaitReady(admin);
            return new EmbeddedKafkaBroker(server, bootstrap, dir, owns, admin);
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
        // the log cleaner compacts only the internal offsets and transaction topics here: Kafka's default
        // 128 MiB buffer for it would take an eighth of the demo's 1 GiB heap, for the broker's lifetime
        p.put("log.cleaner.dedupe.buffer.size", String.valueOf(16 * 1024 * 1024));
        return p;
    }

    /** The client listener becomes SASL/SCRAM, inter-broker traffic the admin user, and ACLs apply. */
    private static void secure(Properties p, int brokerPort, String adminPassword) {
        String controller = p.getProperty("listeners").split(",")[1];
        p.put("listeners", SECURED_LISTENER + "://localhost:" + brokerPort + "," + controller);
        p.put("advertised.listeners", SECURED_LISTENER + "://localhost:" + brokerPort);
        p.put("listener.security.protocol.map", SECURED_LISTENER + ":SASL_PLAINTEXT," + CONTROLLER_LISTENER
                + ":PLAINTEXT");
        p.put("inter.broker.listener.name", SECURED_LISTENER);
        p.put("sasl.enabled.mechanisms", SCRAM_MECHANISM);
        p.put("sasl.mechanism.inter.broker.protocol", SCRAM_MECHANISM);
        p.put("listener.name." + SECURED_LISTENER.toLowerCase(java.util.Locale.ROOT) + "."
                + SCRAM_MECHANISM.toLowerCase(java.util.Locale.ROOT) + ".sasl.jaas.config",
                jaasConfig(ADMIN_USER, adminPassword));
        p.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        p.put("super.users", "User:" + ADMIN_USER + ";User:ANONYMOUS");
        p.put("allow.everyone.if.no.acl.found", "false");
        p.put("auto.create.topics.enable", "false");
    }

    /** The client properties of a SCRAM user of a secured broker (no TLS: SASL_PLAINTEXT). */
    public static Map<String, String> scramClientProperties(String user, String password) {
        return Map.of("security.protocol", "SASL_PLAINTEXT",
                "sasl.mechanism", SCRAM_MECHANISM,
                "sasl.jaas.config", jaasConfig(user, password));
    }

    private static String jaasConfig(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user
                + "\" password=\"" + password + "\";";
    }

    /**
     * Creates (or changes the password of) a SCRAM user on this secured broker; it may do nothing
     * until ACLs allow it.
     */
    public void createUser(String user, String password) throws Exception {
        if (!secured()) {
            throw new IllegalStateException("this broker does not authenticate users: start it with startSecured");
        }
        try (Admin a = KafkaClients.admin(admin)) {
            a.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(user,
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192), password)))
                    .all().get(READY_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        }
    }

    /** Whether clients must authenticate ({@link #startSecured}). */
    public boolean secured() {
        return !admin.properties().isEmpty();
    }

    /** How the super user reaches this broker: the bootstrap servers, with its credentials when secured. */
    public KafkaConnection adminConnection() {
        return admin;
    }

    private static void format(Path dir, String adminPassword) throws Exception {
        new Formatter()
                .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                .setNodeId(NODE_ID)
                .setClusterId(Uuid.randomUuid().toString())
                .setDirectories(List.of(dir.toString()))
                .setMetadataLogDirectory(dir.toString())
                .setControllerListenerName(CONTROLLER_LISTENER)
                .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
                .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                .setScramArguments(adminPassword == null ? List.of()
                        : List.of(SCRAM_MECHANISM + "=[name=" + ADMIN_USER + ",password=" + adminPassword + "]"))
                .run();
    }

    private static void awaitReady(KafkaConnection connection) throws Exception {
        try (Admin admin = KafkaClients.admin(connection)) {
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
