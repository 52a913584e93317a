package io.dubstream.job.kafka;

import java.nio.charset.StandardCharsets;

import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

import io.dubstream.connectors.format.ClipRecordCodec;
import io.dubstream.connectors.format.InvalidRecordException;
import io.dubstream.connectors.format.RecordLimits;
import io.dubstream.connectors.kafka.ClipTopics;
import io.dubstream.connectors.records.ClipRecord;
import io.dubstream.job.records.ClipEvent;

/**
 * Writes the job's output: manifests and end-of-clip records to the clips topic, frames and audio
 * to theirs, dead letters to the dead-letter topic, chunk and clip status records to the status
 * topic; every record keyed by its clip id, so Kafka's default partitioner keeps a clip's records
 * of one topic in one partition, in order.
 */
public final class ClipEventSerializer implements KafkaRecordSerializationSchema<ClipEvent> {

    private static final long serialVersionUID = 1L;

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
            case MANIFEST, END_OF_CLIP -> topics.clips();
            case VIDEO_FRAME -> topics.frames();
            case AUDIO_BLOCK -> topics.audio();
            case SCRIPT_LINE -> topics.script();
            case DEAD_LETTER -> deadLetterTopic;
            case CHUNK_STATUS, CLIP_STATUS -> statusTopic;
        };
        try {
            return new ProducerRecord<>(topic, record.getClipId().getBytes(StandardCharsets.UTF_8),
                    codec.encode(record));
        } catch (InvalidRecordException e) {
            // the job only emits records it built from valid ones: this is a bug, fail loudly
            throw new IllegalStateException("the job produced an invalid " + record.recordType() + " for clip "
                    + record.getClipId() + ": " + e.getMessage(), e);
        }
    }
}
