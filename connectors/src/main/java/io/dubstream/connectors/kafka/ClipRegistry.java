package io.dubstream.connectors.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

import io.dubstream.connectors.format.ClipRecordCodec;
import io.dubstream.connectors.format.DecodeResult;
import io.dubstream.connectors.records.ClipManifest;

/**
 * Answers whether a clip id was uploaded before, by reading the committed records of the clip's
 * partition of the clips topic (manifests and end-of-clip records only: one or two records per
 * clip, so the scan stays small next to the clip's media).
 */
public final class ClipRegistry {

    private final Consumer<String, byte[]> consumer;
    private final ClipRecordCodec codec;
    private final Duration timeout;

    public ClipRegistry(Consumer<String, byte[]> consumer, ClipRecordCodec codec, Duration timeout) {
        this.consumer = consumer;
        this.codec = codec;
        this.timeout = timeout;
    }

    /** The first committed manifest of {@code clipId} on {@code clipsTopic}, if any. */
    public Optional<ClipManifest> findManifest(String clipsTopic, String clipId) {
        Optional<TopicPartition> partition = ClipPartitions.find(consumer, clipsTopic, clipId, timeout);
        if (partition.isEmpty()) {
            return Optional.empty();
        }
        TopicPartition tp = partition.get();
        consumer.assign(List.of(tp));
        consumer.seekToBeginning(List.of(tp));
        Map<TopicPartition, Long> end = consumer.endOffsets(List.of(tp), timeout);
        long endOffset = end.get(tp);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (consumer.position(tp, timeout) < endOffset) {
            if (System.nanoTime() > deadline) {
                throw new org.apache.kafka.common.errors.TimeoutException("reading " + tp + " to offset " + endOffset
                        + " took longer than " + timeout.toSeconds() + " s");
            }
            for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                if (clipId.equals(record.key())
                        && codec.decode(record.value()) instanceof DecodeResult.Valid v
                        && v.record() instanceof ClipManifest manifest) {
                    return Optional.of(manifest);
                }
            }
        }
        return Optional.empty();
    }
}
