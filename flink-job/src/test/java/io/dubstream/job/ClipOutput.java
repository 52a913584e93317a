package io.dubstream.job;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

import io.dubstream.connectors.format.ClipRecordCodec;
import io.dubstream.connectors.kafka.ClipPartitions;
import io.dubstream.connectors.kafka.ClipTopics;
import io.dubstream.connectors.kafka.KafkaClients;
import io.dubstream.connectors.records.AudioBlock;
import io.dubstream.connectors.records.ClipManifest;
import io.dubstream.connectors.records.ClipRecord;
import io.dubstream.connectors.records.EndOfClip;
import io.dubstream.connectors.records.VideoFrame;

/** Everything one read_committed consumer finds for a clip under a topic prefix, in the order written. */
final class ClipOutput {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    final List<ClipRecord> control = new ArrayList<>();
    final List<VideoFrame> frames = new ArrayList<>();
    final List<AudioBlock> audio = new ArrayList<>();
    final List<byte[]> rawValues = new ArrayList<>();

    private ClipOutput() {}

    /** The clip's records under {@code prefix}; every one must be valid. */
    static ClipOutput read(String bootstrap, String prefix, String clipId) {
        return read(bootstrap, prefix, clipId, true);
    }

    /** As {@link #read(String, String, String)}; with {@code strict} false, records that are not valid are skipped. */
    static ClipOutput read(String bootstrap, String prefix, String clipId, boolean strict) {
        ClipOutput o = new ClipOutput();
        ClipRecordCodec codec = new ClipRecordCodec();
        for (String topic : ClipTopics.withPrefix(prefix).all()) {
            for (ConsumerRecord<String, byte[]> r : readPartition(bootstrap, topic, clipId)) {
                var decoded = codec.decode(r.value());
                if (!strict && !decoded.isValid()) {
                    continue;
                }
                o.rawValues.add(r.value());
                ClipRecord record = decoded.recordOrThrow();
                if (record instanceof VideoFrame f) {
                    o.frames.add(f);
                } else if (record instanceof AudioBlock b) {
                    o.audio.add(b);
                } else if (record instanceof ClipManifest || record instanceof EndOfClip) {
                    o.control.add(record);
                }
            }
        }
        return o;
    }

    /** The clip's end-of-clip record: the last control record. */
    EndOfClip end() {
        return (EndOfClip) control.get(control.size() - 1);
    }

    /** The audio's samples, interleaved, in the order the blocks came. */
    short[] samples() {
        short[] out = new short[audio.stream().mapToInt(b -> b.getSamples().length).sum()];
        int at = 0;
        for (AudioBlock b : audio) {
            System.arraycopy(b.getSamples(), 0, out, at, b.getSamples().length);
            at += b.getSamples().length;
        }
        return out;
    }

    /** The committed records keyed {@code clipId} in its partition of {@code topic}. */
    static List<ConsumerRecord<String, byte[]>> readPartition(String bootstrap, String topic, String clipId) {
        try (var consumer = KafkaClients.committedReader(bootstrap)) {
            TopicPartition tp = ClipPartitions.find(consumer, topic, clipId, TIMEOUT).orElseThrow();
            return readAll(consumer, List.of(tp)).stream().filter(r -> clipId.equals(r.key())).toList();
        }
    }

    /** The committed records of every partition of {@code topic}. */
    static List<ConsumerRecord<String, byte[]>> readTopic(String bootstrap, String topic) {
        try (var consumer = KafkaClients.committedReader(bootstrap)) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo info : consumer.partitionsFor(topic, TIMEOUT)) {
                partitions.add(new TopicPartition(topic, info.partition()));
            }
            return readAll(consumer, partitions);
        }
    }

    private static List<ConsumerRecord<String, byte[]>> readAll(
            Consumer<String, byte[]> consumer, List<TopicPartition> partitions) {
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        var ends = consumer.endOffsets(partitions);
        while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
            consumer.poll(Duration.ofMillis(200)).forEach(records::add);
        }
        return records;
    }
}
