package io.dubstream.job.kafka;

import java.nio.charset.StandardCharsets;

import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.dubstream.connectors.format.ClipRecordCodec;
import io.dubstream.connectors.format.InvalidRecordException;
import io.dubstream.connectors.format.RecordLimits;
import io.dubstream.connectors.kafka.ClipTopics;
import io.dubstream.connectors.records.ClipRecord;
import io.dubstream.connectors.records.DeadLetter;
import io.dubstream.job.records.ClipEvent;

/**
 * Writes the job's output: manifests and end-of-clip records to the clips topic, frames (whole or
 * in parts, {@link io.dubstream.connectors.records.FramePart}) and audio to the media topic, dead
 * letters to the dead-letter topic, chunk and clip status records to the status topic; every record
 * keyed by its clip id, so Kafka's default partitioner keeps a clip's records of one topic in one
 * partition, in order.
 */
public final class ClipEventSerializer implements KafkaRecordSerializationSchema<ClipEvent> {

    private static final long serialVersionUID = 1L;

    private static final Logger LOG = LoggerFactory.getLogger(ClipEventSerializer.class);

    private final ClipTopics topics;
    private final String deadLetterTopic;
    private final String statusTopic;
    private final RecordLimits limits;
    private transient ClipRecordCodec codec;

    public ClipEventSerializer(ClipTopics topics, String deadLetterTopic, String statusTopic, RecordLimits limits) {
        this.topics = topics;
        this.deadLetterTopic = deadLetterTopic;
        this.statusTopic = statusTopic;
        this.limits = limits;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(ClipEvent event, KafkaSinkContext context, Long timestamp) {
        if (codec == null) {
            codec = new ClipRecordCodec(limits);
        }
        ClipRecord record = event.record();
        String topic = switch (record.recordType()) {
            case DEAD_LETTER -> deadLetterTopic;
            case CHUNK_STATUS, CLIP_STATUS -> statusTopic;
            default -> topics.topicOf(record.recordType());
        };
        try {
            return new ProducerRecord<>(topic, record.getClipId().getBytes(StandardCharsets.UTF_8),
                    codec.encode(record));
        } catch (InvalidRecordException e) {
            // The job only emits records it built from valid ones, so this is a bug. Failing the job would
            // fail it again on the same record after every restart: the record's dead letter says what it was.
            String why = "the job produced an invalid " + record.recordType() + " for clip " + record.getClipId()
                    + " (a bug; the record is not written): " + e.getMessage();
            LOG.error(why, e);
            return deadLetterOf(record, why);
        }
    }

    private ProducerRecord<byte[], byte[]> deadLetterOf(ClipRecord record, String why) {
        int max = limits.maxTextLength();
        String clipId = record.getClipId() == null ? "" : record.getClipId();
        clipId = clipId.length() <= max ? clipId : clipId.substring(0, max);
        DeadLetter d = new DeadLetter(clipId, "dubstream job output", -1, -1,
                why.length() <= max ? why : why.substring(0, max - 3) + "...", new byte[0], System.currentTimeMillis());
        try {
            return new ProducerRecord<>(deadLetterTopic, clipId.getBytes(StandardCharsets.UTF_8), codec.encode(d));
        } catch (InvalidRecordException e) {
            throw new IllegalStateException(why + "; and its dead letter is invalid too: " + e.getMessage(), e);
        }
    }
}
