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
 * these are its original bytes. The source topic is the input topic of the record's type; the
 * partition and offset are not known after reading and are {@value #UNKNOWN}. Reasons longer than
 * the record limits allow are cut, so that a dead letter is always a valid record.
 */
public final class InputDeadLetters implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The source partition and offset of a dead letter made after reading. */
    public static final int UNKNOWN = -1;

    private final ClipTopics input;
    private final RecordLimits limits;
    private transient ClipRecordCodec codec;

    public InputDeadLetters(ClipTopics input, RecordLimits limits) {
        this.input = input;
        this.limits = limits;
    }

    /** Dead letters for the job's input topics and record limits. */
    public static InputDeadLetters of(Configuration conf) {
        return new InputDeadLetters(ClipTopics.withPrefix(conf.get(DubstreamOptions.INPUT_TOPIC_PREFIX)),
                KafkaConnectors.limits(conf));
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
        return ClipEvent.of(new DeadLetter(clipId, topic, UNKNOWN, UNKNOWN, fit(reason), value, atMillis));
    }

    /** The reason, cut to the longest text a record may hold. */
    public String fit(String reason) {
        int max = limits.maxTextLength();
        return reason.length() <= max ? reason : reason.substring(0, max - 3) + "...";
    }

    private String topicOf(ClipRecord record) {
        return switch (record.recordType()) {
            case MANIFEST, END_OF_CLIP, DEAD_LETTER, CHUNK_STATUS, CLIP_STATUS -> input.clips();
            case VIDEO_FRAME -> input.frames();
            case AUDIO_BLOCK -> input.audio();
            case SCRIPT_LINE -> input.script();
        };
    }

    private ClipRecordCodec codec() {
        if (codec == null) {
            codec = new ClipRecordCodec(limits);
        }
        return codec;
    }
}
