package io.dubstream.connectors.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;

import io.dubstream.connectors.format.ClipRecordCodec;
import io.dubstream.connectors.format.DecodeResult;
import io.dubstream.connectors.records.ChunkStatus;
import io.dubstream.connectors.records.ClipRecord;
import io.dubstream.connectors.records.ClipStatus;

/**
 * Follows one clip on the job's status topic ({@link ClipTopics#STATUS_TOPIC}): reads the clip's
 * partition from the start, committed records only, and hands each of the clip's status records on
 * in order until its {@link ClipStatus}, the last one.
 */
public final class ClipStatusFollower {

    private final KafkaConnection connection;
    private final String topic;
    private final Duration idleTimeout;
    private final ClipRecordCodec codec = new ClipRecordCodec();

    /**
     * @param idleTimeout give up after this long without a new record of the clip
     */
    public ClipStatusFollower(String bootstrap, String topic, Duration idleTimeout) {
        this(KafkaConnection.of(bootstrap), topic, idleTimeout);
    }

    /** With the connection's client properties (a secured cluster's credentials and the like). */
    public ClipStatusFollower(KafkaConnection connection, String topic, Duration idleTimeout) {
        this.connection = Objects.requireNonNull(connection);
        this.topic = Objects.requireNonNull(topic);
        this.idleTimeout = idleTimeout;
    }

    /**
     * Hands every status record of {@code clipId} to {@code onRecord}, in order, and returns the
     * clip's outcome.
     *
     * @throws TransferException after the idle timeout without a new record, or on a record that is
     *     not a valid status record
     */
    public ClipStatus follow(String clipId, Consumer<ClipRecord> onRecord) throws TransferException {
        try (KafkaConsumer<String, byte[]> consumer = KafkaClients.committedReader(connection)) {
            long lastRecordNanos = System.nanoTime();
            TopicPartition partition = null;
            while (true) {
                if (partition == null) {
                    partition = ClipPartitions.find(consumer, topic, clipId, Duration.ofSeconds(2)).orElse(null);
                    if (partition != null) {
                        consumer.assign(List.of(partition));
                        consumer.seekToBeginning(List.of(partition));
                    }
                }
                if (partition != null) {
                    for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                        if (!clipId.equals(record.key())) {
                            continue;
                        }
                        lastRecordNanos = System.nanoTime();
                        ClipRecord status = decode(record, clipId);
                        onRecord.accept(status);
                        if (status instanceof ClipStatus end) {
                            return end;
                        }
                    }
                }
                if (System.nanoTime() - lastRecordNanos > idleTimeout.toNanos()) {
                    throw new TransferException("timed out after " + idleTimeout.toSeconds() + " s without a status"
                            + " record of clip " + clipId + " on " + topic + "; is the clip id right and is the job"
                            + " running?");
                }
            }
        } catch (KafkaException e) {
            throw new TransferException("reading the status of clip " + clipId + " from Kafka at " + connection.bootstrap()
                    + " failed: " + e.getMessage(), e);
        }
    }

    private ClipRecord decode(ConsumerRecord<String, byte[]> record, String clipId) throws TransferException {
        DecodeResult result = codec.decode(record.value());
        if (result instanceof DecodeResult.Rejected rejected) {
            throw new TransferException("invalid status record of clip " + clipId + " at " + record.topic() + "-"
                    + record.partition() + "@" + record.offset() + ": " + rejected.reason());
        }
        ClipRecord r = ((DecodeResult.Valid) result).record();
        if (!(r instanceof ChunkStatus) && !(r instanceof ClipStatus)) {
            throw new TransferException("a " + r.recordType() + " record of clip " + clipId + " at " + record.topic()
                    + "-" + record.partition() + "@" + record.offset() + " is no status record");
        }
        return r;
    }
}
