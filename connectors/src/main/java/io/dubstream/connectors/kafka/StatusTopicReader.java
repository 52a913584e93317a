package io.dubstream.connectors.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

import io.dubstream.connectors.format.ClipRecordCodec;
import io.dubstream.connectors.format.DecodeResult;
import io.dubstream.connectors.records.ChunkStatus;
import io.dubstream.connectors.records.ClipRecord;
import io.dubstream.connectors.records.ClipStatus;

/**
 * Reads what the job's status topic holds now: every committed status record ({@code read_committed})
 * from the start of the topic's partitions to their ends when the read began, grouped by clip in the
 * order the job published them. Unlike {@link ClipStatusFollower} it does not wait for clips to end:
 * a clip in progress comes with the records it has so far.
 */
public final class StatusTopicReader {

    /**
     * What the topic held.
     *
     * @param byClip each clip's status records in order, clips in the order of their first record
     * @param skipped records that were not valid status records (none come from the job)
     */
    public record Result(Map<String, List<ClipRecord>> byClip, int skipped) {}

    private final KafkaConnection connection;
    private final String topic;
    private final Duration timeout;
    private final ClipRecordCodec codec = new ClipRecordCodec();

    /**
     * @param timeout how long to wait for the broker to answer, and for the read to reach the ends
     */
    public StatusTopicReader(String bootstrap, String topic, Duration timeout) {
        this(KafkaConnection.of(bootstrap), topic, timeout);
    }

    /** As {@link #StatusTopicReader(String, String, Duration)}, with the connection's client settings. */
    public StatusTopicReader(KafkaConnection connection, String topic, Duration timeout) {
        this.connection = connection;
        this.topic = topic;
        this.timeout = timeout;
    }

    /**
     * The status records of {@code clipIds} (only their partitions are read), or of every clip on
     * the topic when {@code clipIds} is empty.
     *
     * @throws TransferException when the topic does not exist, the broker does not answer, or the
     *     read does not reach the ends within the timeout
     */
    public Result read(Collection<String> clipIds) throws TransferException {
        Set<String> wanted = new LinkedHashSet<>(clipIds);
        try (KafkaConsumer<String, byte[]> consumer = KafkaClients.committedReader(connection)) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
            if (infos == null || infos.isEmpty()) {
                throw new TransferException("no topic " + topic + " at " + connection.bootstrap());
            }
            Set<TopicPartition> partitions = new LinkedHashSet<>();
            if (wanted.isEmpty()) {
                infos.forEach(i -> partitions.add(new TopicPartition(topic, i.partition())));
            } else {
                wanted.forEach(id -> partitions.add(new TopicPartition(topic,
                        ClipPartitions.partitionOf(id, infos.size()))));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, timeout);
            Map<String, List<ClipRecord>> byClip = new LinkedHashMap<>();
            int skipped = 0;
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!reachedEnds(consumer, ends)) {
                if (System.nanoTime() > deadline) {
                    throw new TransferException("reading " + topic + " at " + connection.bootstrap()
                            + " did not reach its end within " + timeout.toSeconds() + " s");
                }
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.key() == null || (!wanted.isEmpty() && !wanted.contains(r.key()))) {
                        continue;
                    }
                    ClipRecord status = decode(r);
                    if (status == null) {
                        skipped++;
                    } else {
                        byClip.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(status);
                    }
                }
            }
            return new Result(byClip, skipped);
        } catch (KafkaException e) {
            throw new TransferException("reading " + topic + " from Kafka at " + connection.bootstrap() + " failed: "
                    + e.getMessage(), e);
        }
    }

    private static boolean reachedEnds(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> ends) {
        for (Map.Entry<TopicPartition, Long> e : ends.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    /** The status record, or null when the bytes are none, or one of another clip than its key. */
    private ClipRecord decode(ConsumerRecord<String, byte[]> r) {
        if (r.value() == null) {
            return null;
        }
        DecodeResult result = codec.decode(r.value());
        if (!(result instanceof DecodeResult.Valid valid)) {
            return null;
        }
        ClipRecord record = valid.record();
        boolean status = record instanceof ChunkStatus || record instanceof ClipStatus;
        return status && r.key().equals(record.getClipId()) ? record : null;
    }
}
