package io.dubstream.job.kafka;

import java.nio.charset.StandardCharsets;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import io.dubstream.connectors.format.ClipRecordCodec;
import io.dubstream.connectors.format.DecodeResult;
import io.dubstream.connectors.format.RecordLimits;
import io.dubstream.connectors.records.ClipRecord;
import io.dubstream.connectors.records.RecordType;
import io.dubstream.job.records.ClipEvent;

/**
 * Reads the input topics' records into {@link ClipEvent}s. A record that fails validation, or whose
 * key is not its clip id, becomes a {@link io.dubstream.connectors.records.DeadLetter} event that names its topic, partition,
 * offset and the reason, and carries the original bytes (up to the dead letters' cap, with the whole
 * record's length and SHA-256: {@link InputDeadLetters#unreadable}): nothing is dropped.
 */
public final class ClipEventDeserializer implements KafkaRecordDeserializationSchema<ClipEvent> {

    private static final long serialVersionUID = 1L;

    private final RecordLimits limits;
    private final InputDeadLetters deadLetters;
    private transient ClipRecordCodec codec;

    public ClipEventDeserializer(RecordLimits limits, InputDeadLetters deadLetters) {
        this.limits = limits;
        this.deadLetters = deadLetters;
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<ClipEvent> out) {
        if (codec == null) {
            codec = new ClipRecordCodec(limits);
        }
        String key = record.key() == null ? "" : new String(record.key(), StandardCharsets.UTF_8);
        DecodeResult result = codec.decode(record.value());
        if (result instanceof DecodeResult.Rejected rejected) {
            out.collect(deadLetter(record, key, rejected.reason()));
            return;
        }
        ClipRecord decoded = ((DecodeResult.Valid) result).record();
        if (!isInput(decoded.recordType())) {
            out.collect(deadLetter(record, key, "a " + decoded.recordType().name().toLowerCase().replace('_', ' ')
                    + " record is not an input record (manifest, frame, frame part, audio block, script line,"
                    + " end of clip)"));
            return;
        }
        if (!decoded.getClipId().equals(key)) {
            out.collect(deadLetter(record, key, "record key '" + key + "' differs from its clip id '"
                    + decoded.getClipId() + "'"));
            return;
        }
        out.collect(ClipEvent.of(decoded));
    }

    private static boolean isInput(RecordType type) {
        return switch (type) {
            case MANIFEST, VIDEO_FRAME, FRAME_PART, AUDIO_BLOCK, END_OF_CLIP, SCRIPT_LINE -> true;
            case DEAD_LETTER, CHUNK_STATUS, CLIP_STATUS -> false;
        };
    }

    private ClipEvent deadLetter(ConsumerRecord<byte[], byte[]> record, String key, String reason) {
        byte[] value = record.value() == null ? new byte[0] : record.value();
        return deadLetters.unreadable(record.topic(), record.partition(), record.offset(), key, reason, value,
                record.timestamp());
    }

    @Override
    public TypeInformation<ClipEvent> getProducedType() {
        return TypeInformation.of(ClipEvent.class);
    }
}
