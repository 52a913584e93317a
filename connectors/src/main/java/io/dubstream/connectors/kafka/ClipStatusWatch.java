package io.dubstream.connectors.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

import io.dubstream.connectors.format.ClipRecordCodec;
import io.dubstream.connectors.format.DecodeResult;
import io.dubstream.connectors.records.ChunkStatus;
import io.dubstream.connectors.records.ClipRecord;
import io.dubstream.connectors.records.ClipStatus;

/**
 * Watches one clip's partition of the job's status topic for new status records, as signs that the job
 * is working on the clip although none of its output has come yet: a chunk cut, its attempts, a
 * merge, or the heartbeat the job sends while a chunk stays pending (a clip run whole is one chunk,
 * which may take minutes). {@link ClipDownloader} counts them as progress, so that it waits as long as
 * the job works on the clip.
 *
 * <p>Only records committed after the watch begins count ({@code read_committed}, from the end of the
 * partition): earlier ones say nothing about now. A status topic that does not exist yet (the job has
 * not started) is looked up again every {@link #LOOKUP_INTERVAL}. Records of other clips and records
 * that are not valid status records are not counted. {@link #poll} never waits, so it slows no reader
 * that calls it between its own polls. One consumer of its own, closed with the watch.
 */
final class ClipStatusWatch implements AutoCloseable {

    /** How often a status topic that does not exist yet is looked up again. */
    static final Duration LOOKUP_INTERVAL = Duration.ofSeconds(5);
    private static final Duration LOOKUP_TIMEOUT = Duration.ofSeconds(1);

    private final KafkaConsumer<String, byte[]> consumer;
    private final String topic;
    private final String clipId;
    private final ClipRecordCodec codec;
    private TopicPartition partition;
    private long lastLookupNanos;
    private long lookups;
    private long records;
    private long lastRecordNanos;

    private ClipStatusWatch(KafkaConsumer<String, byte[]> consumer, String topic, String clipId,
            ClipRecordCodec codec) {
        this.consumer = consumer;
        this.topic = topic;
        this.clipId = clipId;
        this.codec = codec;
    }

    /** Watches {@code clipId} on {@code topic} of the cluster the connection reaches. */
    static ClipStatusWatch open(KafkaConnection connection, String topic, String clipId, ClipRecordCodec codec) {
        Objects.requireNonNull(topic);
        return new ClipStatusWatch(KafkaClients.committedReader(connection), topic, Objects.requireNonNull(clipId),
                Objects.requireNonNull(codec));
    }

    /** A watch that sees nothing: for readers told not to read a status topic. */
    static ClipStatusWatch none() {
        return new ClipStatusWatch(null, null, null, null);
    }

    /** Whether this watch reads a status topic. */
    boolean watching() {
        return consumer != null;
    }

    /**
     * Takes in the status records of the clip that have arrived, without waiting.
     *
     * @return how many new ones there were
     */
    int poll() {
        if (consumer == null || !partitionKnown()) {
            return 0;
        }
        int arrived = 0;
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ZERO)) {
            if (clipId.equals(record.key()) && isStatus(record.value())) {
                arrived++;
            }
        }
        if (arrived > 0) {
            records += arrived;
            lastRecordNanos = System.nanoTime();
        }
        return arrived;
    }

    /** The status records of the clip seen since the watch began. */
    long records() {
        return records;
    }

    /** When the last one was seen ({@link System#nanoTime}); meaningless while {@link #records()} is 0. */
    long lastRecordNanos() {
        return lastRecordNanos;
    }

    private boolean partitionKnown() {
        if (partition != null) {
            return true;
        }
        long now = System.nanoTime();
        if (lookups > 0 && now - lastLookupNanos < LOOKUP_INTERVAL.toNanos()) {
            return false;
        }
        lookups++;
        lastLookupNanos = now;
        partition = ClipPartitions.find(consumer, topic, clipId, LOOKUP_TIMEOUT).orElse(null);
        if (partition == null) {
            return false;
        }
        consumer.assign(List.of(partition));
        consumer.seekToEnd(List.of(partition));
        return true;
    }

    private boolean isStatus(byte[] value) {
        if (codec.decode(value) instanceof DecodeResult.Valid valid) {
            ClipRecord r = valid.record();
            return r instanceof ChunkStatus || r instanceof ClipStatus;
        }
        return false;
    }

    @Override
    public void close() {
        if (consumer != null) {
            consumer.close();
        }
    }
}
