package io.dubstream.job.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import io.dubstream.connectors.format.ClipRecordCodec;
import io.dubstream.connectors.format.RecordLimits;
import io.dubstream.connectors.kafka.ClipTopics;
import io.dubstream.connectors.records.DeadLetter;
import io.dubstream.connectors.records.EndOfClip;
import io.dubstream.connectors.records.FramePart;
import io.dubstream.connectors.records.VideoFrame;
import io.dubstream.job.records.ClipEvent;

/** Each record to its topic, keyed by clip; a record the job should never make goes to the dead letters, never fails the sink. */
class ClipEventSerializerTest {

    private final ClipEventSerializer serializer = new ClipEventSerializer(ClipTopics.withPrefix("out."), "dlq",
            "status", RecordLimits.DEFAULTS.withMaxFrameBytes(10));

    @Test
    void recordsGoToTheirTopicsKeyedByClip() throws Exception {
        ProducerRecord<byte[], byte[]> frame = serializer.serialize(
                ClipEvent.of(new VideoFrame("clip", 0, 0, 64, 36, new byte[] {1, 2, 3})), null, null);
        assertThat(frame.topic()).isEqualTo("out.media");
        assertThat(new String(frame.key())).isEqualTo("clip");
        assertThat(serializer.serialize(ClipEvent.of(EndOfClip.complete("clip", 1, 0, 0)), null, null).topic())
                .isEqualTo("out.clips");
        ProducerRecord<byte[], byte[]> part = serializer.serialize(
                ClipEvent.of(new FramePart("clip", 0, 0, 64, 36, 1, 2, 20, new byte[10])), null, null);
        assertThat(part.topic()).isEqualTo("out.media");
        assertThat(new String(part.key())).isEqualTo("clip");
    }

    @Test
    void anInvalidRecordBecomesADeadLetterInsteadOfFailingTheJobOverAndOver() throws Exception {
        ProducerRecord<byte[], byte[]> written = serializer.serialize(
                ClipEvent.of(new VideoFrame("clip", 4, 160_000, 64, 36, new byte[11])), null, null);

        assertThat(written.topic()).isEqualTo("dlq");
        DeadLetter letter = (DeadLetter) new ClipRecordCodec().decodeOrThrow(written.value());
        assertThat(letter.getClipId()).isEqualTo("clip");
        assertThat(letter.getReason()).isEqualTo("the job produced an invalid VIDEO_FRAME for clip clip (a bug; the"
                + " record is not written): frame 4 is 11 bytes encoded, above the limit of 10 bytes per frame");
    }
}
