package io.dubstream.connectors.kafka;

import java.util.Properties;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Kafka clients configured the way dubstream's CLIs use them: string keys, binary values, and the
 * {@link KafkaConnection}'s client properties (security settings and the like) under dubstream's own
 * settings. Every Kafka client of the connectors is made here.
 */
public final class KafkaClients {

    private KafkaClients() {}

    /**
     * A transactional producer: idempotent, {@code acks=all}, with the given transactional id, which
     * also fences an older producer that used the same id.
     */
    public static KafkaProducer<String, byte[]> transactionalProducer(String bootstrap, String transactionalId) {
        return transactionalProducer(KafkaConnection.of(bootstrap), transactionalId);
    }

    /** {@link #transactionalProducer(String, String)} with the connection's client properties. */
    public static KafkaProducer<String, byte[]> transactionalProducer(KafkaConnection connection,
            String transactionalId) {
        return new KafkaProducer<>(transactionalProducerConfig(connection, transactionalId));
    }

    /**
     * The transactional producer's configuration: dubstream's defaults, then the connection's
     * properties (which may tune e.g. {@code linger.ms}), then the settings exactly-once rests on.
     */
    static Properties transactionalProducerConfig(KafkaConnection connection, String transactionalId) {
        Properties p = new Properties();
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(256 * 1024));
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "120000");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "30000");
        p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "60000");
        p.putAll(connection.clientProperties());
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return p;
    }

    /**
     * A consumer without a group that reads only committed records ({@code read_committed}) and
     * never creates topics; partitions are assigned by hand.
     */
    public static KafkaConsumer<String, byte[]> committedReader(String bootstrap) {
        return committedReader(KafkaConnection.of(bootstrap));
    }

    /** {@link #committedReader(String)} with the connection's client properties. */
    public static KafkaConsumer<String, byte[]> committedReader(KafkaConnection connection) {
        return new KafkaConsumer<>(committedReaderConfig(connection));
    }

    /** The committed reader's configuration: defaults, the connection's properties, then read_committed. */
    static Properties committedReaderConfig(KafkaConnection connection) {
        Properties p = new Properties();
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, String.valueOf(8 * 1024 * 1024));
        p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, String.valueOf(32 * 1024 * 1024));
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "500");
        p.putAll(connection.clientProperties());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return p;
    }

    /** An admin client for the connection (topic creation and description). */
    public static Admin admin(KafkaConnection connection) {
        return Admin.create(connection.clientProperties());
    }
}
