package io.dubstream.job.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import org.apache.flink.api.common.functions.util.ListCollector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

import io.dubstream.connectors.format.ClipRecordCodec;
import io.dubstream.connectors.format.RecordLimits;
import io.dubstream.connectors.kafka.ClipTopics;
import io.dubstream.connectors.records.ChunkStatus;
import io.dubstream.connectors.records.DeadLetter;
import io.dubstream.connectors.records.FramePart;
import io.dubstream.connectors.records.VideoFrame;
import io.dubstream.job.records.ClipEvent;

/**
 * Records that cannot be read become dead letters at the source, each with its topic, partition,
 * offset, Kafka timestamp, reason and original bytes; a good record passes through.
 */
class ClipEventDeserializerTest {

    private static final String TOPIC = "dubstream.frames";
    private static final long TIMESTAMP = 1_700_000_000_123L;

    private final ClipEventDeserializer deserializer = new ClipEventDeserializer(RecordLimits.DEFAULTS,
            new InputDeadLetters(ClipTopics.INPUT, RecordLimits.DEFAULTS));
    private final ClipRecordCodec codec = new ClipRecordCodec();

    @Test
    void aValidRecordPassesThrough() throws Exception {
        VideoFrame frame = frame(new byte[] {1, 2, 3});

        assertThat(read("clip", codec.encode(frame))).containsExactly(ClipEvent.of(frame));
    }

    @Test
    void aFramePartIsAnInputRecordAndABadOneADeadLetter() throws Exception {
        FramePart part = new FramePart("clip", 7, 280_000, 3840, 2160, 1, 2, 5, new byte[] {4, 5, 6});
        assertThat(read("clip", codec.encode(part))).containsExactly(ClipEvent.of(part));

        byte[] bytes = codec.encode(part);
        // the part index sits after header 4 + id (2 + 4) + index 8 + pts 8 + size 8 = 34
        ByteBuffer.wrap(bytes).putInt(34, 2);
        assertDeadLetter(read("clip", bytes), "part index 2 of frame 7 is outside 0..1 (the frame is in 2 parts)",
                bytes);
    }

    @Test
    void garbageIsADeadLetter() {
        byte[] garbage = "not a frame".getBytes(StandardCharsets.UTF_8);

        assertDeadLetter(read("clip", garbage), "record does not start with the dubstream magic 'DS' (found 0x6e6f)",
                garbage);
    }

    @Test
    void aTruncatedRecordIsADeadLetter() throws Exception {
        byte[] whole = codec.encode(frame(new byte[] {1, 2, 3}));
        byte[] truncated = Arrays.copyOf(whole, whole.length - 2);

        assertDeadLetter(read("clip", truncated), "VIDEO_FRAME record is truncated: " + truncated.length
                + " bytes end inside field 'image'", truncated);
    }

    @Test
    void anOversizedFrameIsADeadLetter() throws Exception {
        byte[] big = new ClipRecordCodec(RecordLimits.DEFAULTS.withMaxFrameBytes(2_000_000))
                .encode(frame(new byte[1_000_001]));

        assertDeadLetter(read("clip", big), "VIDEO_FRAME field 'image' declares 1000001 bytes, outside 0..1000000",
                big);
    }

    @Test
    void aRecordNearKafkasLimitMakesADeadLetterThatFitsUnderIt() throws Exception {
        // random bytes just under the broker's default limit, with a key far longer than a clip id
        byte[] random = new byte[1_048_400];
        new java.util.Random(3).nextBytes(random);
        String key = "k".repeat(20_000);

        List<ClipEvent> out = read(key, random);

        DeadLetter letter = out.get(0).getDeadLetter();
        assertThat(letter.isOriginalCut()).isTrue();
        assertThat(letter.getOriginalLength()).isEqualTo(1_048_400);
        assertThat(letter.getClipId()).hasSize(RecordLimits.DEFAULTS.maxTextLength());
        byte[] written = codec.encode(letter);
        assertThat(written.length + key.length()).as("value and key").isLessThan(RecordLimits.KAFKA_DEFAULT_MAX_RECORD_BYTES / 10);
        assertThat(RecordLimits.DEFAULTS.largestDeadLetterRecordBytes(DeadLetter.DEFAULT_MAX_KEPT_BYTES))
                .isGreaterThan(written.length + RecordLimits.DEFAULTS.maxTextLength());
    }

    @Test
    void aNegativeFrameIndexIsADeadLetter() throws Exception {
        byte[] bytes = codec.encode(frame(new byte[] {1, 2, 3}));
        // the frame index follows the 4-byte header and the clip id (u16 length + "clip")
        ByteBuffer.wrap(bytes).putLong(ClipRecordCodec.HEADER_BYTES + 2 + 4, -3);

        assertDeadLetter(read("clip", bytes), "frame index -3 is negative", bytes);
    }

    @Test
    void aKeyThatIsNotTheClipIdIsADeadLetter() throws Exception {
        byte[] bytes = codec.encode(frame(new byte[] {1, 2, 3}));

        List<ClipEvent> out = read("other", bytes);

        assertDeadLetter(out, "record key 'other' differs from its clip id 'clip'", bytes);
        assertThat(out.get(0).getDeadLetter().getClipId()).isEqualTo("other");
    }

    @Test
    void recordsTheJobWritesAreNoInput() throws Exception {
        byte[] status = codec.encode(new ChunkStatus("clip", 0, 3, ChunkStatus.State.DONE, 1, "", TIMESTAMP, ""));
        byte[] letter = codec.encode(new DeadLetter("clip", "dubstream.frames", 0, 5L, "garbage", new byte[] {9},
                TIMESTAMP));

        assertDeadLetter(read("clip", status), "a chunk status record is not an input record (manifest, frame, frame "
                + "part, audio block, script line, end of clip)", status);
        assertDeadLetter(read("clip", letter), "a dead letter record is not an input record (manifest, frame, frame "
                + "part, audio block, script line, end of clip)", letter);
    }

    @Test
    void aTombstoneIsADeadLetterWithNoBytes() {
        assertDeadLetter(read("clip", null), "record value is null (a tombstone is not a dubstream record)",
                new byte[0]);
    }

    private List<ClipEvent> read(String key, byte[] value) {
        List<ClipEvent> out = new ArrayList<>();
        deserializer.deserialize(new ConsumerRecord<>(TOPIC, 3, 42L, TIMESTAMP, TimestampType.CREATE_TIME, -1, -1,
                key.getBytes(StandardCharsets.UTF_8), value, new RecordHeaders(), Optional.empty()),
                new ListCollector<>(out));
        return out;
    }

    private static void assertDeadLetter(List<ClipEvent> out, String reason, byte[] original) {
        assertThat(out).hasSize(1);
        DeadLetter letter = out.get(0).getDeadLetter();
        assertThat(letter).isNotNull();
        assertThat(letter.getReason()).isEqualTo(reason);
        assertThat(letter.getSourceTopic()).isEqualTo(TOPIC);
        assertThat(letter.getSourcePartition()).isEqualTo(3);
        assertThat(letter.getSourceOffset()).isEqualTo(42L);
        assertThat(letter.getRejectedAtMillis()).isEqualTo(TIMESTAMP);
        // the first 64 KiB of the original, with its whole length and digest
        assertThat(letter.getOriginalValue())
                .isEqualTo(Arrays.copyOf(original, Math.min(original.length, DeadLetter.DEFAULT_MAX_KEPT_BYTES)));
        assertThat(letter.getOriginalLength()).isEqualTo(original.length);
        assertThat(letter.getOriginalSha256()).isEqualTo(DeadLetter.sha256(original));
    }

    private static VideoFrame frame(byte[] image) {
        return new VideoFrame("clip", 7, 280_000, 64, 36, image);
    }
}
