package io.dubstream.connectors.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import io.dubstream.connectors.format.ClipRecordCodec;
import io.dubstream.connectors.records.ClipRecord;

/**
 * A real in-process Kafka broker for a test class:
 * {@code @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();}
 */
public final class KafkaBrokerExtension implements BeforeAllCallback, AfterAllCallback {

    private EmbeddedKafkaBroker broker;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        broker = EmbeddedKafkaBroker.start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (broker != null) {
            broker.close();
            broker = null;
        }
    }

    public String bootstrapServers() {
        if (broker == null) {
            throw new IllegalStateException("the broker runs only inside the test class that registers it");
        }
        return broker.bootstrapServers();
    }

    /** Every committed record of {@code clipId} on {@code topic} so far, in order. */
    public List<ClipRecord> committedRecords(String topic, String clipId) {
        ClipRecordCodec codec = new ClipRecordCodec();
        List<ClipRecord> records = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : committedConsumerRecords(topic, clipId)) {
            records.add(codec.decode(r.value()).recordOrThrow());
        }
        return records;
    }

    /** As {@link #committedRecords}, as Kafka gives them: bytes, offsets and timestamps. */
    public List<ConsumerRecord<String, byte[]>> committedConsumerRecords(String topic, String clipId) {
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (var consumer = KafkaClients.committedReader(bootstrapServers())) {
            var tp = ClipPartitions.find(consumer, topic, clipId, Duration.ofSeconds(10));
            if (tp.isEmpty()) {
                return records;
            }
            consumer.assign(List.of(tp.get()));
            long end = consumer.endOffsets(List.of(tp.get())).get(tp.get());
            while (consumer.position(tp.get()) < end) {
                for (var r : consumer.poll(Duration.ofMillis(200))) {
                    if (clipId.equals(r.key())) {
                        records.add(r);
                    }
                }
            }
        }
        return records;
    }
}
