package io.dubstream.connectors.kafka;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * Where a Kafka cluster is and how to talk to it: the bootstrap servers and the client properties
 * that every client made for it gets, e.g. {@code security.protocol}, {@code sasl.mechanism},
 * {@code sasl.jaas.config} and {@code ssl.truststore.location} for a secured cluster.
 *
 * <p>The properties cannot override what dubstream's exactly-once reading and writing rest on
 * ({@link #RESERVED}): such a key is refused with a message that names it.
 */
public record KafkaConnection(String bootstrap, Map<String, String> properties) {

    /**
     * Client settings dubstream sets itself: the bootstrap servers (given on their own), the
     * serializers, transactional ids, idempotence and read_committed isolation.
     */
    public static final Set<String> RESERVED = Set.of(
            CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG,
            ProducerConfig.TRANSACTIONAL_ID_CONFIG,
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
            ConsumerConfig.ISOLATION_LEVEL_CONFIG,
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
            ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
            ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG);

    public KafkaConnection {
        Objects.requireNonNull(bootstrap, "bootstrap");
        if (bootstrap.isBlank()) {
            throw new IllegalArgumentException("the Kafka bootstrap servers are empty");
        }
        properties = Map.copyOf(new TreeMap<>(properties));
        Set<String> reserved = new TreeSet<>(properties.keySet());
        reserved.retainAll(RESERVED);
        if (!reserved.isEmpty()) {
            throw new IllegalArgumentException("the Kafka client properties may not set " + reserved
                    + ": dubstream sets " + (reserved.size() == 1 ? "it" : "them")
                    + " itself (bootstrap servers are given on their own)");
        }
    }

    /** A plain connection: the bootstrap servers and no other client properties. */
    public static KafkaConnection of(String bootstrap) {
        return new KafkaConnection(bootstrap, Map.of());
    }

    /**
     * A connection with the client properties of a Java properties file, like the
     * {@code --command-config} file of Kafka's own tools; {@code null} for none.
     */
    public static KafkaConnection of(String bootstrap, Path clientConfig) throws IOException {
        if (clientConfig == null) {
            return of(bootstrap);
        }
        Properties file = new Properties();
        try (Reader in = Files.newBufferedReader(clientConfig, StandardCharsets.UTF_8)) {
            file.load(in);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("no such Kafka client config file: " + clientConfig, e);
        }
        Map<String, String> properties = new TreeMap<>();
        file.stringPropertyNames().forEach(k -> properties.put(k, file.getProperty(k)));
        try {
            return new KafkaConnection(bootstrap, properties);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(clientConfig + ": " + e.getMessage(), e);
        }
    }

    /** {@code bootstrap.servers} and the client properties, to which a client adds its own settings. */
    public Properties clientProperties() {
        Properties p = new Properties();
        p.putAll(properties);
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return p;
    }

    /** The bootstrap servers only: the properties may hold secrets. */
    @Override
    public String toString() {
        return bootstrap + (properties.isEmpty() ? "" : " (with " + properties.size() + " client properties)");
    }
}
