package io.dubstream.job;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import io.dubstream.connectors.format.ClipRecordCodec;
import io.dubstream.connectors.kafka.ClipPartitions;
import io.dubstream.connectors.kafka.ClipTopics;
import io.dubstream.connectors.kafka.KafkaClients;
import io.dubstream.connectors.records.AudioBlock;
import io.dubstream.connectors.records.ClipManifest;
import io.dubstream.connectors.records.ClipRecord;
import io.dubstream.connectors.records.EndOfClip;
import io.dubstream.connectors.records.VideoFrame;

/** Everything one read_committed consumer finds for one clip under a topic prefix. */
final class ClipOutput {

    final List<ClipRecord> control = new ArrayList<>();
    final List<VideoFrame> frames = new ArrayList<>();
    final List<AudioBlock> audio = new ArrayList<>();
    final List<byte[]> rawValues = new ArrayList<>();

    /**
     * The clip's records under {@code prefix}; with {@code strict} every one must be valid, without
     * records that are not valid are skipped.
     */
    static ClipOutput read(String bootstrap, String prefix, String clipId, boolean strict) {
        ClipTopics topics = ClipTopics.withPrefix(prefix);
        ClipOutput o = new ClipOutput();
        ClipRecordCodec codec = new ClipRecordCodec();
        for (String topic : topics.all()) {
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

    short[] samples() {
        short[] out = new short[audio.stream().mapToInt(b -> b.getSamples().length).sum()];
        int at = 0;
        for (AudioBlock b : audio) {
            System.arraycopy(b.getSamples(), 0, out, at, b.getSamples().length);
            at += b.getSamples().length;
        }
        return out;
    }

    /** The committed records of {@code clipId} in its partition of {@code topic}, in order. */
    static List<ConsumerRecord<String, byte[]>> readPartition(String bootstrap, String topic, String clipId) {
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (var consumer = KafkaClients.committedReader(bootstrap)) {
            var tp = ClipPartitions.find(consumer, topic, clipId, Duration.ofSeconds(10)).orElseThrow();
            consumer.assign(List.of(tp));
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            while (consumer.position(tp) < end) {
                for (var r : consumer.poll(Duration.ofMillis(200))) {
                    if (clipId.equals(r.key())) {
                        records.add(r);
                    }
                }
            }
        }
        return records;
    }
}
