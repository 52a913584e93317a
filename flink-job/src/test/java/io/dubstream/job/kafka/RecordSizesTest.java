package io.dubstream.job.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

import io.dubstream.connectors.format.RecordLimits;
import io.dubstream.connectors.records.DeadLetter;
import io.dubstream.job.DubstreamOptions;

/** The job's largest records against the producers' request size and the topics' limits, at start. */
class RecordSizesTest {

    private static final String FRAMES = "dubstream.out.media";
    private static final String DLQ = "dubstream.dlq";

    @Test
    void theDefaultsFitKafkasDefaults() {
        assertThatCode(() -> KafkaConnectors.checkRecordSizes(new Configuration(), false)).doesNotThrowAnyException();
        // and the broker's default topic limit (message.max.bytes 1048588)
        assertThatCode(() -> RecordSizes.check(RecordLimits.DEFAULTS, DeadLetter.DEFAULT_MAX_KEPT_BYTES,
                RecordLimits.KAFKA_DEFAULT_MAX_RECORD_BYTES, Map.of(FRAMES, 1_048_588, DLQ, 1_048_588), FRAMES, DLQ))
                .doesNotThrowAnyException();
        assertThat(RecordLimits.DEFAULTS.largestFrameRecordBytes()).isBetween(1_000_000, RecordLimits.KAFKA_DEFAULT_MAX_RECORD_BYTES);
    }

    @Test
    void aFrameLimitAboveTheRequestSizeIsRefusedNamingBothOptions() {
        Configuration conf = new Configuration();
        conf.set(DubstreamOptions.MAX_FRAME_BYTES, 1_048_000);
        assertThatThrownBy(() -> KafkaConnectors.checkRecordSizes(conf, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dubstream.max-frame-bytes=1048000")
                .hasMessageContaining("dubstream.kafka.max-request-size=1048576");
        conf.set(DubstreamOptions.KAFKA_MAX_REQUEST_SIZE, 2_000_000);
        assertThatCode(() -> KafkaConnectors.checkRecordSizes(conf, false)).doesNotThrowAnyException();
    }

    @Test
    void theLargestFrameRecordIsAFramePartAndTheWholeFrameBoundIsNotKafkas() {
        int largest = RecordLimits.DEFAULTS.largestFrameRecordBytes();
        assertThatThrownBy(() -> RecordSizes.check(RecordLimits.DEFAULTS, DeadLetter.DEFAULT_MAX_KEPT_BYTES,
                largest - 1, Map.of(), FRAMES, DLQ))
                .hasMessageContaining("a frame part of dubstream.max-frame-bytes=1000000 bytes makes a record of up to "
                        + largest + " bytes");
        // a whole frame of 100 MB goes in parts of a record each
        Configuration conf = new Configuration();
        conf.set(DubstreamOptions.MAX_WHOLE_FRAME_BYTES, 100_000_000);
        conf.set(DubstreamOptions.CLIP_MAX_PARTIAL_FRAME_BYTES, 200_000_000);
        assertThatCode(() -> KafkaConnectors.checkRecordSizes(conf, false)).doesNotThrowAnyException();
        assertThat(KafkaConnectors.limits(conf).maxWholeFrameBytes()).isEqualTo(100_000_000);
    }

    @Test
    void aWholeFrameBoundBelowTheRecordBoundIsRefusedNamingBoth() {
        Configuration conf = new Configuration();
        conf.set(DubstreamOptions.MAX_WHOLE_FRAME_BYTES, 999_999);
        assertThatThrownBy(() -> KafkaConnectors.limits(conf)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("dubstream.max-whole-frame-bytes (999999) must be at least dubstream.max-frame-bytes"
                        + " (1000000), which must be positive");
    }

    @Test
    void aDeadLetterCapAboveTheRequestSizeIsRefused() {
        Configuration conf = new Configuration();
        conf.set(DubstreamOptions.DEAD_LETTER_MAX_ORIGINAL_BYTES, 1_048_576);
        assertThatThrownBy(() -> KafkaConnectors.checkRecordSizes(conf, false))
                .hasMessageContaining("dubstream.dead-letter.max-original-bytes=1048576");
    }

    @Test
    void aTopicThatTakesLessThanTheLargestRecordIsRefused() {
        assertThatThrownBy(() -> RecordSizes.check(RecordLimits.DEFAULTS, DeadLetter.DEFAULT_MAX_KEPT_BYTES,
                RecordLimits.KAFKA_DEFAULT_MAX_RECORD_BYTES, Map.of(FRAMES, 500_000), FRAMES, DLQ))
                .hasMessageContaining("above topic dubstream.out.media's max.message.bytes=500000");
        assertThatThrownBy(() -> RecordSizes.check(RecordLimits.DEFAULTS, DeadLetter.DEFAULT_MAX_KEPT_BYTES,
                RecordLimits.KAFKA_DEFAULT_MAX_RECORD_BYTES, Map.of(DLQ, 50_000), FRAMES, DLQ))
                .hasMessageContaining("above topic dubstream.dlq's max.message.bytes=50000");
    }
}
