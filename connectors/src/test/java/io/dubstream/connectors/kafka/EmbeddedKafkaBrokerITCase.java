package io.dubstream.connectors.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaBrokerITCase {

    @TempDir
    Path tmp;

    @Test
    void committedTransactionsAreReadAndAbortedOnesAreNot() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            // created first, as every writer of the project does: a topic auto-created by the first
            // transactional send can race the broker's check that its partition is in the transaction
            TopicSetup.ensureExist(broker.bootstrapServers(), List.of("t"), 1);
            try (KafkaProducer<String, byte[]> producer =
                    KafkaClients.transactionalProducer(broker.bootstrapServers(), "it-tx")) {
                producer.initTransactions();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>("t", "k", new byte[] {1}));
                producer.commitTransaction();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>("t", "k", new byte[] {2}));
                producer.abortTransaction();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>("t", "k", new byte[] {3}));
                producer.commitTransaction();
            }
            assertThat(readAll(broker.bootstrapServers(), "t")).containsExactly((byte) 1, (byte) 3);
        }
    }

    @Test
    void listensOnTheGivenPortAndKeepsItsDataDirectory() throws Exception {
        int port = freePort();
        Path data = tmp.resolve("kafka-data");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(port, data)) {
            assertThat(broker.bootstrapServers()).endsWith(":" + port);
            TopicSetup.ensureExist("localhost:" + port, List.of("p"), 1);
            try (KafkaProducer<String, byte[]> producer =
                    KafkaClients.transactionalProducer("localhost:" + port, "it-port")) {
                producer.initTransactions();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>("p", "k", new byte[] {9}));
                producer.commitTransaction();
            }
            assertThat(readAll("localhost:" + port, "p")).containsExactly((byte) 9);
        }
        try (var files = Files.walk(data)) {
            assertThat(files.anyMatch(f -> f.getFileName().toString().startsWith("p-0"))).isTrue();
        }
    }

    @Test
    void aPortInUseGivesAClearError() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("localhost"))) {
            int port = taken.getLocalPort();
            assertThatThrownBy(() -> EmbeddedKafkaBroker.start(port, null))
                    .isInstanceOf(EmbeddedKafkaBroker.BrokerStartException.class)
                    .hasMessageContaining("could not start the embedded Kafka broker on port " + port).hasMessageContaining("in use");
        }
    }

    @Test
    void aNonEmptyDataDirectoryIsRefused() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("used"));
        Files.writeString(data.resolve("something"), "x");
        assertThatThrownBy(() -> EmbeddedKafkaBroker.start(0, data))
                .isInstanceOf(EmbeddedKafkaBroker.BrokerStartException.class)
                .hasMessageContaining("is not empty");
    }

    static List<Byte> readAll(String bootstrap, String topic) {
        List<Byte> values = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = KafkaClients.committedReader(bootstrap)) {
            TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            while (consumer.position(tp) < end) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(r.value()[0]);
                }
            }
        }
        return values;
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
