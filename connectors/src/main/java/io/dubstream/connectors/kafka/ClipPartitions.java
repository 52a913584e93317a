package io.dubstream.connectors.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;

/**
 * Finds the one partition of a topic that holds a clip's records: records are keyed by clip id and
 * placed by Kafka's default partitioner (murmur2 of the key), so readers need not scan the others.
 */
public final class ClipPartitions {

    private ClipPartitions() {}

    /** The partition Kafka's default partitioner gives {@code clipId} among {@code partitions}. */
    public static int partitionOf(String clipId, int partitions) {
        if (partitions <= 0) {
            throw new IllegalArgumentException("partition count must be positive, got " + partitions);
        }
        byte[] key = clipId.getBytes(StandardCharsets.UTF_8);
        return Utils.toPositive(Utils.murmur2(key)) % partitions;
    }

    /** The clip's partition of {@code topic}, or empty when the topic does not exist. */
    public static Optional<TopicPartition> find(Consumer<?, ?> consumer, String topic, String clipId,
            Duration timeout) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
        if (infos == null || infos.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new TopicPartition(topic, partitionOf(clipId, infos.size())));
    }
}
