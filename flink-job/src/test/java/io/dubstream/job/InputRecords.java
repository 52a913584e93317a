package io.dubstream.job;

import java.util.List;
import java.util.function.Function;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

import io.dubstream.connectors.format.ClipRecordCodec;
import io.dubstream.connectors.format.InvalidRecordException;
import io.dubstream.connectors.kafka.ClipTopics;
import io.dubstream.connectors.kafka.KafkaClients;
import io.dubstream.connectors.records.ClipRecord;
import io.dubstream.connectors.records.RecordType;

/** Input records written straight to the input topics, as an upload would, for tests that build clips in code. */
final class InputRecords {

    private InputRecords() {}

    /** Writes {@code records} to the input topics of their types in one transaction, keyed by clip id. */
    static void write(String bootstrap, ClipTopics topics, String transactionalId, List<ClipRecord> records)
            throws InvalidRecordException {
        write(bootstrap, topics::topicOf, transactionalId, records);
    }

    /** As {@link #write(String, ClipTopics, String, List)}, each record to {@code topicOf} its type. */
    static void write(String bootstrap, Function<RecordType, String> topicOf, String transactionalId,
            List<ClipRecord> records) throws InvalidRecordException {
        ClipRecordCodec codec = new ClipRecordCodec();
        try (KafkaProducer<String, byte[]> producer = KafkaClients.transactionalProducer(bootstrap, transactionalId)) {
            producer.initTransactions();
            producer.beginTransaction();
            for (ClipRecord record : records) {
                producer.send(new ProducerRecord<>(topicOf.apply(record.recordType()), record.getClipId(),
                        codec.encode(record)));
            }
            producer.commitTransaction();
        }
    }
}
