package io.dubstream.job.kafka;

import java.io.Serializable;

import org.apache.flink.configuration.Configuration;

import io.dubstream.connectors.format.ClipRecordCodec;
import io.dubstream.connectors.format.InvalidRecordException;
import io.dubstream.connectors.format.RecordLimits;
import io.dubstream.connectors.kafka.ClipTopics;
import io.dubstream.connectors.records.ClipRecord;
import io.dubstream.connectors.records.DeadLetter;
import io.dubstream.job.DubstreamOptions;
import io.dubstream.job.records.ClipEvent;

/**
 * Dead letters for input the job refuses after it was read: a record that is valid on its own but
 * wrong for its clip (a duplicate, a frame of the wrong size, ...), or a clip that never completed.
 *
 * <p>The record is encoded again with the codec: for a record that was read with the same limits
 * these are its original bytes. A frame joined from {@link io.dubstream.connectors.records.FramePart
 * parts} is encoded as one video frame record, which may be larger than a Kafka record is allowed
 * (up to {@link RecordLimits#maxWholeFrameBytes()}): the dead letter keeps its first bytes, as for
 * any large original. The source topic is the input topic of the record's type; the
 * partition and offset are not known after reading and are {@value #UNKNOWN}. Also the dead letters
 * of records that could not be read at all ({@link #unreadable}), with where they came from.
 *
 * <p>Every dead letter made here is a valid record that fits under the producer's request size
 * ({@link io.dubstream.job.kafka.RecordSizes}), whatever the input: a clip id or reason longer than
 * the record limits allow is cut, and of the original bytes only the first {@code maxKept} are kept
 * (with the whole original's length and SHA-256). A dead letter that could not be written would fail
 * the job and, after its restart, fail it again on the same record.
 */
public final class InputDeadLetters implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The source partition and offset of a dead letter made after reading. */
    public static final int UNKNOWN = -1;

    private final ClipTopics input;
    private final RecordLimits limits;
    private final int maxKept;
    private transient ClipRecordCodec codec;

    /** Keeping up to {@link DeadLetter#DEFAULT_MAX_KEPT_BYTES} of each original. */
    public InputDeadLetters(ClipTopics input, RecordLimits limits) {
        this(input, limits, DeadLetter.DEFAULT_MAX_KEPT_BYTES);
    }

    /** @param maxKept the most original bytes a dead letter keeps */
    public InputDeadLetters(ClipTopics input, RecordLimits limits, int maxKept) {
        this.input = input;
        this.limits = limits;
        this.maxKept = maxKept;
    }

    /** Dead letters for the job's input topics, record limits and dead-letter cap. */
    public static InputDeadLetters of(Configuration conf) {
        return new InputDeadLetters(ClipTopics.withPrefix(conf.get(DubstreamOptions.INPUT_TOPIC_PREFIX)),
                KafkaConnectors.limits(conf), conf.get(DubstreamOptions.DEAD_LETTER_MAX_ORIGINAL_BYTES));
    }

    /**
     * The dead letter of a Kafka record that could not be read as an input record.
     *
     * @param key the record's key as text (the clip id it claims), cut to the text limit
     * @param value its value (empty for none)
     */
    public ClipEvent unreadable(String topic, int partition, long offset, String key, String reason, byte[] value,
            long atMillis) {
        return ClipEvent.of(DeadLetter.keeping(fit(key), fit(topic), partition, offset, fit(reason), value, maxKept,
                atMillis));
    }

    /** A dead letter of {@code record}, with its bytes. */
    public ClipEvent refused(ClipRecord record, String reason, long atMillis) {
        String why = reason;
        byte[] value;
        try {
            value = codec().encode(record);
        } catch (InvalidRecordException e) {
            value = new byte[0];
            why = reason + " (and the record cannot be encoded: " + e.getMessage() + ")";
        }
        return deadLetter(record.getClipId(), topicOf(record), why, value, atMillis);
    }

    /**
     * A dead letter that stands for a whole clip rather than one record, e.g. one whose manifest or
     * end-of-clip record never came: no bytes, and the clips topic as its source.
     */
    public ClipEvent clipRefused(String clipId, String reason, long atMillis) {
        return deadLetter(clipId, input.clips(), reason, new byte[0], atMillis);
    }

    private ClipEvent deadLetter(String clipId, String topic, String reason, byte[] value, long atMillis) {
        return unreadable(topic, UNKNOWN, UNKNOWN, clipId, reason, value, atMillis);
    }

    /** The reason, cut to the longest text a record may hold. */
    public String fit(String reason) {
        int max = limits.maxTextLength();
        return reason.length() <= max ? reason : reason.substring(0, max - 3) + "...";
    }

    private String topicOf(ClipRecord record) {
        return input.topicOf(record.recordType());
    }

    /** The codec of the limits, but for a whole frame of any size they allow: a frame joined from parts is one. */
    private ClipRecordCodec codec() {
        if (codec == null) {
            codec = new ClipRecordCodec(limits.withMaxFrameBytes(limits.maxWholeFrameBytes()));
        }
        return codec;
    }
}
