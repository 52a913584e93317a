package io.dubstream.job;

import java.util.List;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

import io.dubstream.connectors.format.ClipRecordCodec;
import io.dubstream.connectors.format.InvalidRecordException;
import io.dubstream.connectors.kafka.ClipTopics;
import io.dubstream.connectors.kafka.KafkaClients;
import io.dubstream.connectors.records.ClipRecord;

/** Input records written straight to the input topics, as an upload would, for tests that build clips in code. */
final class InputRecords {

    private InputRecords() {}

    /** Writes {@code records} to the input topics of their types in one transaction, keyed by clip id. */
    static void write(String bootstrap, ClipTopics topics, String transactionalId, List<ClipRecord> records)
            throws InvalidRecordException {
        ClipRecordCodec codec = new ClipRecordCodec();
        try (KafkaProducer<String, byte[]> producer = KafkaClients.transactionalProducer(bootstrap, transactionalId)) {
            producer.initTransactions();
            producer.beginTransaction();
            for (ClipRecord record : records) {
                producer.send(new ProducerRecord<>(topics.topicOf(record.recordType()), record.getClipId(),
                        codec.encode(record)));
            }
            producer.commitTransaction();
        }
    }
}
