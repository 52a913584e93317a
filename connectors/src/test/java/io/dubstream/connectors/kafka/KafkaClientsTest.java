package io.dubstream.connectors.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The connection's client properties reach every client, under the settings exactly-once rests on. */
class KafkaClientsTest {

    private static final Map<String, String> SASL = Map.of(
            "security.protocol", "SASL_SSL",
            "sasl.mechanism", "SCRAM-SHA-512",
            "sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required"
                    + " username=\"uploader\" password=\"secret\";",
            "linger.ms", "50");

    @TempDir
    Path tmp;

    @Test
    void propertiesReachTheProducerConsumerAndAdmin() {
        KafkaConnection connection = new KafkaConnection("kafka:9093", SASL);

        Properties producer = KafkaClients.transactionalProducerConfig(connection, "dubstream-upload-a");
        Properties consumer = KafkaClients.committedReaderConfig(connection);
        Properties admin = connection.clientProperties();

        for (Properties config : new Properties[] {producer, consumer, admin}) {
            assertThat(config).containsEntry("bootstrap.servers", "kafka:9093")
                    .containsEntry("security.protocol", "SASL_SSL")
                    .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                    .containsEntry("sasl.jaas.config", SASL.get("sasl.jaas.config"));
        }
        assertThat(producer).containsEntry("linger.ms", "50")
                .containsEntry("transactional.id", "dubstream-upload-a")
                .containsEntry("enable.idempotence", "true")
                .containsEntry("acks", "all");
        assertThat(consumer).containsEntry("isolation.level", "read_committed")
                .containsEntry("enable.auto.commit", "false");
    }

    @Test
    void aPlainConnectionAddsNothing() {
        assertThat(KafkaConnection.of("localhost:9092").clientProperties())
                .containsExactly(Map.entry("bootstrap.servers", "localhost:9092"));
    }

    @Test
    void settingsExactlyOnceRestsOnAreRefused() {
        for (String key : new String[] {"bootstrap.servers", "transactional.id", "isolation.level",
                "enable.idempotence", "value.serializer"}) {
            assertThatThrownBy(() -> new KafkaConnection("kafka:9093", Map.of(key, "x")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(key).hasMessageContaining("dubstream sets it itself");
        }
    }

    @Test
    void aClientConfigFileIsReadLikeKafkasCommandConfig() throws Exception {
        Path file = tmp.resolve("client.properties");
        Files.writeString(file, """
                # as for kafka-console-producer --command-config
                security.protocol=SASL_PLAINTEXT
                sasl.mechanism=SCRAM-SHA-512
                sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required \\
                    username="downloader" password="pw";
                """);

        KafkaConnection connection = KafkaConnection.of("kafka:9092", file);

        assertThat(connection.properties()).containsEntry("security.protocol", "SASL_PLAINTEXT")
                .containsEntry("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule"
                        + " required username=\"downloader\" password=\"pw\";");
        assertThat(connection.toString()).isEqualTo("kafka:9092 (with 3 client properties)")
                .doesNotContain("pw");
    }

    @Test
    void aBadClientConfigFileIsNamed() throws Exception {
        Path missing = tmp.resolve("missing.properties");
        assertThatThrownBy(() -> KafkaConnection.of("kafka:9092", missing))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(missing.toString());

        Path reserved = tmp.resolve("reserved.properties");
        Files.writeString(reserved, "bootstrap.servers=other:9092\n");
        assertThatThrownBy(() -> KafkaConnection.of("kafka:9092", reserved))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(reserved + ": ").hasMessageContaining("bootstrap.servers");
    }
}
