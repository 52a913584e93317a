package io.dubstream.job.kafka;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.dubstream.connectors.format.RecordLimits;
import io.dubstream.connectors.kafka.ClipTopics;
import io.dubstream.connectors.kafka.KafkaConnection;
import io.dubstream.connectors.kafka.TopicSetup;
import io.dubstream.connectors.kafka.TransferException;
import io.dubstream.job.DubstreamOptions;
import io.dubstream.job.records.ClipEvent;

/** The job's Kafka source and exactly-once sink, built from {@link DubstreamOptions}. */
public final class KafkaConnectors {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaConnectors.class);

    /** Client properties the job sets from options of its own. */
    private static final Map<String, ConfigOption<?>> OWN_OPTIONS = Map.of(
            ConsumerConfig.GROUP_ID_CONFIG, DubstreamOptions.CONSUMER_GROUP,
            ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, DubstreamOptions.TRANSACTION_TIMEOUT,
            ProducerConfig.MAX_REQUEST_SIZE_CONFIG, DubstreamOptions.KAFKA_MAX_REQUEST_SIZE);

    private KafkaConnectors() {}

    /**
     * Reads the input topics (clips, media, script, and the legacy frames and audio topics where they
     * exist: {@link ClipTopics#subscription}) from the committed group offsets (earliest for a new
     * group), committed records only: an upload's aborted transactions are never seen.
     */
    public static KafkaSource<ClipEvent> source(Configuration conf) {
        return sourceBuilder(conf).build();
    }

    /**
     * The same source, stopping at the offsets that are latest when the job starts: for tests and
     * batch reprocessing of what is already on the topics.
     */
    public static KafkaSource<ClipEvent> boundedSource(Configuration conf) {
        return sourceBuilder(conf).setBounded(OffsetsInitializer.latest()).build();
    }

    @SuppressWarnings("deprecation") // OffsetResetStrategy: the connector's API for Kafka 4 clients
    private static KafkaSourceBuilder<ClipEvent> sourceBuilder(Configuration conf) {
        return KafkaSource.<ClipEvent>builder()
                .setBootstrapServers(bootstrap(conf))
                .setProperties(consumerProperties(conf))
                .setTopicPattern(ClipTopics.subscription(conf.get(DubstreamOptions.INPUT_TOPIC_PREFIX)))
                .setGroupId(conf.get(DubstreamOptions.CONSUMER_GROUP))
                .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setDeserializer(new ClipEventDeserializer(limits(conf), InputDeadLetters.of(conf)));
    }

    /**
     * The source's consumer properties: defaults, then {@link DubstreamOptions#KAFKA_PROPERTIES}, then
     * read_committed.
     */
    static Properties consumerProperties(Configuration conf) {
        Properties consumer = new Properties();
        consumer.setProperty(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, String.valueOf(8 * 1024 * 1024));
        consumer.setProperty("partition.discovery.interval.ms", "10000");
        consumer.putAll(connection(conf).clientProperties());
        consumer.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return consumer;
    }

    /**
     * Writes the output topics and the dead-letter topic exactly once: Kafka transactions committed
     * with Flink's checkpoints.
     */
    public static KafkaSink<ClipEvent> sink(Configuration conf) {
        return exactlyOnceSink(conf, conf.get(DubstreamOptions.TRANSACTIONAL_ID_PREFIX));
    }

    /**
     * Writes the status topic exactly once, in transactions of its own (transactional ids
     * {@code <prefix>-status}), so that status records never wait for, nor hold up, the clips' output.
     */
    public static KafkaSink<ClipEvent> statusSink(Configuration conf) {
        return exactlyOnceSink(conf, conf.get(DubstreamOptions.TRANSACTIONAL_ID_PREFIX) + "-status");
    }

    private static KafkaSink<ClipEvent> exactlyOnceSink(Configuration conf, String transactionalIdPrefix) {
        return KafkaSink.<ClipEvent>builder()
                .setBootstrapServers(bootstrap(conf))
                .setRecordSerializer(new ClipEventSerializer(
                        ClipTopics.withPrefix(conf.get(DubstreamOptions.OUTPUT_TOPIC_PREFIX)),
                        conf.get(DubstreamOptions.DEAD_LETTER_TOPIC), conf.get(DubstreamOptions.STATUS_TOPIC),
                        limits(conf)))
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(transactionalIdPrefix)
                .setKafkaProducerConfig(producerProperties(conf))
                .build();
    }

    /**
     * Both sinks' producer properties: defaults, then {@link DubstreamOptions#KAFKA_PROPERTIES}, then the
     * job's transaction timeout and request size (the sink adds the transactional ids).
     */
    static Properties producerProperties(Configuration conf) {
        Properties producer = new Properties();
        producer.setProperty(ProducerConfig.LINGER_MS_CONFIG, "5");
        producer.putAll(connection(conf).clientProperties());
        producer.setProperty(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG,
                String.valueOf(conf.get(DubstreamOptions.TRANSACTION_TIMEOUT).toMillis()));
        producer.setProperty(ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
                String.valueOf(conf.get(DubstreamOptions.KAFKA_MAX_REQUEST_SIZE)));
        return producer;
    }

    /** Creates the job's input, output, dead-letter and status topics where they are missing. */
    public static void createMissingTopics(Configuration conf) throws TransferException {
        int partitions = conf.get(DubstreamOptions.TOPIC_PARTITIONS);
        if (partitions == 0) {
            return;
        }
        List<String> topics = new ArrayList<>(ClipTopics.withPrefix(conf.get(DubstreamOptions.INPUT_TOPIC_PREFIX)).all());
        topics.addAll(ClipTopics.withPrefix(conf.get(DubstreamOptions.OUTPUT_TOPIC_PREFIX)).all());
        topics.add(conf.get(DubstreamOptions.DEAD_LETTER_TOPIC));
        topics.add(conf.get(DubstreamOptions.STATUS_TOPIC));
        TopicSetup.ensureExist(connection(conf), topics, partitions);
    }

    /**
     * Checks that the largest frame and dead letter the job may write fit the producers' request
     * size and, where the cluster can say, the output media and dead-letter topics' limits
     * ({@link RecordSizes}).
     */
    public static void checkRecordSizes(Configuration conf, boolean askTheCluster) {
        String frames = ClipTopics.withPrefix(conf.get(DubstreamOptions.OUTPUT_TOPIC_PREFIX)).media();
        String deadLetters = conf.get(DubstreamOptions.DEAD_LETTER_TOPIC);
        Map<String, Integer> topicLimits = Map.of();
        if (askTheCluster) {
            try {
                topicLimits = TopicSetup.maxMessageBytes(connection(conf), List.of(frames, deadLetters));
            } catch (TransferException e) {
                LOG.warn("Cannot check the topics' max.message.bytes against the job's largest records: {}",
                        e.getMessage());
            }
        }
        RecordSizes.check(limits(conf), conf.get(DubstreamOptions.DEAD_LETTER_MAX_ORIGINAL_BYTES),
                conf.get(DubstreamOptions.KAFKA_MAX_REQUEST_SIZE), topicLimits, frames, deadLetters);
    }

    /**
     * The job's Kafka cluster: {@link DubstreamOptions#BOOTSTRAP_SERVERS} with the client properties of
     * {@link DubstreamOptions#KAFKA_PROPERTIES}.
     *
     * @throws IllegalArgumentException when the bootstrap servers are missing, or the properties set
     *     what exactly-once rests on or what has an option of its own
     */
    public static KafkaConnection connection(Configuration conf) {
        Map<String, String> properties = conf.get(DubstreamOptions.KAFKA_PROPERTIES);
        for (var own : OWN_OPTIONS.entrySet()) {
            if (properties.containsKey(own.getKey())) {
                throw new IllegalArgumentException(DubstreamOptions.KAFKA_PROPERTIES.key() + "." + own.getKey()
                        + " is not allowed: set " + own.getValue().key() + " instead");
            }
        }
        try {
            return new KafkaConnection(bootstrap(conf), properties);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(DubstreamOptions.KAFKA_PROPERTIES.key() + ": " + e.getMessage(), e);
        }
    }

    private static String bootstrap(Configuration conf) {
        return conf.getOptional(DubstreamOptions.BOOTSTRAP_SERVERS).orElseThrow(() -> new IllegalArgumentException(
                DubstreamOptions.BOOTSTRAP_SERVERS.key() + " is required (the Kafka cluster to read and write)"));
    }

    /** The record limits the job reads and writes with: the frame options over the defaults. */
    public static RecordLimits limits(Configuration conf) {
        int frame = conf.get(DubstreamOptions.MAX_FRAME_BYTES);
        int whole = conf.get(DubstreamOptions.MAX_WHOLE_FRAME_BYTES);
        if (frame < 1 || whole < frame) {
            throw new IllegalArgumentException(DubstreamOptions.MAX_WHOLE_FRAME_BYTES.key() + " (" + whole
                    + ") must be at least " + DubstreamOptions.MAX_FRAME_BYTES.key() + " (" + frame
                    + "), which must be positive");
        }
        return RecordLimits.DEFAULTS.withMaxFrameBytes(frame).withMaxWholeFrameBytes(whole);
    }
}
