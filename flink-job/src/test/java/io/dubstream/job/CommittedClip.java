package io.dubstream.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

import io.dubstream.connectors.format.ClipRecordCodec;
import io.dubstream.connectors.format.FramePartBuffer;
import io.dubstream.connectors.format.InvalidRecordException;
import io.dubstream.connectors.format.RecordLimits;
import io.dubstream.connectors.kafka.ClipPartitions;
import io.dubstream.connectors.kafka.ClipTopics;
import io.dubstream.connectors.kafka.KafkaClients;
import io.dubstream.connectors.records.AudioBlock;
import io.dubstream.connectors.records.ChunkStatus;
import io.dubstream.connectors.records.ClipManifest;
import io.dubstream.connectors.records.ClipRecord;
import io.dubstream.connectors.records.EndOfClip;
import io.dubstream.connectors.records.FramePart;
import io.dubstream.connectors.records.ScriptLine;
import io.dubstream.connectors.records.VideoFrame;

/**
 * Everything a read_committed consumer finds of one clip under a topic prefix: the job's committed
 * output, or the upload it read. For the job's integration tests. Frames that travelled in parts
 * are joined into {@link #frames} (the parts themselves are in {@link #frameParts}).
 */
public final class CommittedClip {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    public final List<ClipRecord> control = new ArrayList<>();
    public final List<VideoFrame> frames = new ArrayList<>();
    public final List<FramePart> frameParts = new ArrayList<>();
    public final List<AudioBlock> audio = new ArrayList<>();
    public final List<ScriptLine> script = new ArrayList<>();
    public final List<byte[]> rawValues = new ArrayList<>();

    /** The clip's records under {@code prefix}; every one must be valid. */
    public static CommittedClip read(String bootstrap, String prefix, String clipId) {
        return read(bootstrap, prefix, clipId, true);
    }

    /** As {@link #read(String, String, String)}; with {@code strict} false, records that are not valid are skipped. */
    public static CommittedClip read(String bootstrap, String prefix, String clipId, boolean strict) {
        CommittedClip clip = new CommittedClip();
        ClipRecordCodec codec = new ClipRecordCodec();
        ClipTopics topics = ClipTopics.withPrefix(prefix);
        FramePartBuffer parts = new FramePartBuffer(4L * RecordLimits.DEFAULT_MAX_WHOLE_FRAME_BYTES);
        for (String topic : topics.all()) {
            // the script topic exists once a clip with a script went through it
            List<ConsumerRecord<String, byte[]>> records = topic.equals(topics.script())
                    ? readPartitionIfAny(bootstrap, topic, clipId).orElse(List.of())
                    : readPartition(bootstrap, topic, clipId);
            for (ConsumerRecord<String, byte[]> r : records) {
                var decoded = codec.decode(r.value());
                if (!strict && !decoded.isValid()) {
                    continue;
                }
                clip.rawValues.add(r.value());
                ClipRecord record = decoded.recordOrThrow();
                if (record instanceof VideoFrame f) {
                    clip.frames.add(f);
                } else if (record instanceof FramePart part) {
                    clip.frameParts.add(part);
                    VideoFrame whole = join(parts, part);
                    if (whole != null) {
                        clip.frames.add(whole);
                    }
                } else if (record instanceof AudioBlock b) {
                    clip.audio.add(b);
                } else if (record instanceof ScriptLine line) {
                    clip.script.add(line);
                } else if (record instanceof ClipManifest || record instanceof EndOfClip) {
                    clip.control.add(record);
                }
            }
        }
        return clip;
    }

    private static VideoFrame join(FramePartBuffer parts, FramePart part) {
        try {
            return parts.add(part);
        } catch (InvalidRecordException e) {
            throw new IllegalStateException("a frame part that does not fit its frame: " + e.getMessage(), e);
        }
    }

    /** The end-of-clip record committed under {@code prefix}, once there is one: reads only the clips topic. */
    public static Optional<EndOfClip> committedEnd(String bootstrap, String prefix, String clipId) {
        ClipRecordCodec codec = new ClipRecordCodec();
        return readPartition(bootstrap, ClipTopics.withPrefix(prefix).clips(), clipId).stream()
                .map(r -> codec.decode(r.value()))
                .filter(d -> d.isValid() && d.recordOrThrow() instanceof EndOfClip)
                .map(d -> (EndOfClip) d.recordOrThrow())
                .findFirst();
    }

    /** The committed records keyed {@code clipId} in its partition of {@code topic}, in order. */
    public static List<ConsumerRecord<String, byte[]>> readPartition(String bootstrap, String topic, String clipId) {
        return readPartitionIfAny(bootstrap, topic, clipId)
                .orElseThrow(() -> new IllegalStateException("topic " + topic + " does not exist"));
    }

    /** As {@link #readPartition}; no records when the topic does not exist yet. */
    public static List<ConsumerRecord<String, byte[]>> readPartitionOrEmpty(String bootstrap, String topic,
            String clipId) {
        return readPartitionIfAny(bootstrap, topic, clipId).orElse(List.of());
    }

    /** As {@link #readPartition}, empty when the topic does not exist. */
    private static Optional<List<ConsumerRecord<String, byte[]>>> readPartitionIfAny(String bootstrap, String topic,
            String clipId) {
        try (var consumer = KafkaClients.committedReader(bootstrap)) {
            Optional<TopicPartition> tp = ClipPartitions.find(consumer, topic, clipId, TIMEOUT);
            return tp.map(p -> readAll(consumer, List.of(p)).stream().filter(r -> clipId.equals(r.key())).toList());
        }
    }

    /** The committed records of {@code clipId} on {@code topic} (status, dead letters), decoded, in order. */
    public static List<ClipRecord> records(String bootstrap, String topic, String clipId) {
        ClipRecordCodec codec = new ClipRecordCodec();
        return readPartition(bootstrap, topic, clipId).stream().map(r -> codec.decode(r.value()).recordOrThrow())
                .toList();
    }

    /**
     * Per chunk, the changes of its state as "STATE attempt", in the order of {@code status}, without
     * the heartbeats that repeat a chunk's state while it stays pending ({@link ChunkStatus#repeats}).
     */
    public static Map<Integer, List<String>> chunkChanges(List<ClipRecord> status) {
        Map<Integer, List<String>> changes = new TreeMap<>();
        Map<Integer, ChunkStatus> last = new HashMap<>();
        for (ClipRecord r : status) {
            if (r instanceof ChunkStatus s && !s.repeats(last.put(s.getChunkIndex(), s))) {
                changes.computeIfAbsent(s.getChunkIndex(), k -> new ArrayList<>())
                        .add(s.getState() + " " + s.getAttempt());
            }
        }
        return changes;
    }

    /** The committed records of every partition of {@code topic}. */
    public static List<ConsumerRecord<String, byte[]>> readTopic(String bootstrap, String topic) {
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

    /** The clip's end-of-clip record: the last control record. */
    public EndOfClip end() {
        return (EndOfClip) control.get(control.size() - 1);
    }

    /** All audio samples, blocks joined in order. */
    public short[] samples() {
        short[] out = new short[audio.stream().mapToInt(b -> b.getSamples().length).sum()];
        int at = 0;
        for (AudioBlock b : audio) {
            System.arraycopy(b.getSamples(), 0, out, at, b.getSamples().length);
            at += b.getSamples().length;
        }
        return out;
    }

    /**
     * Asserts that this output is {@code input} exactly, as the identity model must give it back:
     * the manifest, then every frame once, in order, with the input's bytes, every sample once in
     * contiguous blocks, and a complete end-of-clip record with the totals.
     */
    public void assertExactCopyOf(CommittedClip input, long frameCount, long sampleCount) {
        assertThat(control).hasSize(2);
        assertThat(control.get(0)).isEqualTo(input.control.get(0));
        EndOfClip end = (EndOfClip) control.get(1);
        assertThat(end.getStatus()).isEqualTo(EndOfClip.Status.COMPLETE);
        assertThat(end.getFramesSent()).isEqualTo(frameCount);
        assertThat(end.getSamplesSent()).isEqualTo(sampleCount);

        assertThat(script).as("script lines").isEqualTo(input.script);
        assertThat(frames).hasSize((int) frameCount);
        for (int i = 0; i < frameCount; i++) {
            VideoFrame frame = frames.get(i);
            assertThat(frame.getFrameIndex()).as("position %d", i).isEqualTo(i);
            assertThat(frame.getImage()).as("frame %d", i).isEqualTo(input.frames.get(i).getImage());
            assertThat(frame.getPtsMicros()).as("frame %d", i).isEqualTo(input.frames.get(i).getPtsMicros());
        }
        short[] outAudio = samples();
        ClipManifest manifest = (ClipManifest) control.get(0);
        assertThat(outAudio).hasSize((int) sampleCount * Math.max(1, manifest.getChannels()));
        assertThat(outAudio).isEqualTo(input.samples());
        long next = 0;
        for (AudioBlock block : audio) {
            assertThat(block.getFirstSample()).isEqualTo(next);
            next += block.sampleCount();
        }
    }
}
