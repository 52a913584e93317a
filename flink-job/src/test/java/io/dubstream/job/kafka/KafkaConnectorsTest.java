package io.dubstream.job.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Properties;

import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

import io.dubstream.job.DubstreamOptions;

/** {@code dubstream.kafka.properties.*} reach the source, both sinks and the admin client, and are checked. */
class KafkaConnectorsTest {

    private static final String JAAS = "org.apache.kafka.common.security.scram.ScramLoginModule required"
            + " username=\"dubstream-job\" password=\"p:w,d\";";

    /** As in a Flink config file or -D options: one key per client property. */
    private static Configuration secured(Map<String, String> more) {
        Configuration conf = Configuration.fromMap(Map.of(
                "dubstream.kafka.bootstrap-servers", "kafka:9093",
                "dubstream.kafka.properties.security.protocol", "SASL_SSL",
                "dubstream.kafka.properties.sasl.mechanism", "SCRAM-SHA-512",
                "dubstream.kafka.properties.sasl.jaas.config", JAAS,
                "dubstream.kafka.properties.linger.ms", "20"));
        more.forEach(conf::setString);
        return conf;
    }

    @Test
    void propertiesReachTheConsumerTheProducersAndTheAdminClient() {
        Configuration conf = secured(Map.of());

        Properties consumer = KafkaConnectors.consumerProperties(conf);
        Properties producer = KafkaConnectors.producerProperties(conf);
        Properties admin = KafkaConnectors.connection(conf).clientProperties();

        for (Properties config : new Properties[] {consumer, producer, admin}) {
            assertThat(config).containsEntry("bootstrap.servers", "kafka:9093")
                    .containsEntry("security.protocol", "SASL_SSL")
                    .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                    .containsEntry("sasl.jaas.config", JAAS);
        }
        assertThat(consumer).containsEntry("isolation.level", "read_committed");
        assertThat(producer).containsEntry("linger.ms", "20")
                .containsEntry("transaction.timeout.ms", String.valueOf(
                        DubstreamOptions.TRANSACTION_TIMEOUT.defaultValue().toMillis()));
        assertThatCode(() -> {
            KafkaConnectors.source(conf);
            KafkaConnectors.sink(conf);
            KafkaConnectors.statusSink(conf);
        }).doesNotThrowAnyException();
    }

    @Test
    void noPropertiesByDefault() {
        Configuration conf = new Configuration();
        conf.set(DubstreamOptions.BOOTSTRAP_SERVERS, "kafka:9092");

        assertThat(KafkaConnectors.connection(conf).properties()).isEmpty();
        assertThat(KafkaConnectors.consumerProperties(conf)).doesNotContainKey("security.protocol");
    }

    @Test
    void overridesThatBreakExactlyOnceAreRefusedWithTheKey() {
        for (String key : new String[] {"bootstrap.servers", "transactional.id", "isolation.level",
                "enable.idempotence"}) {
            Configuration conf = secured(Map.of("dubstream.kafka.properties." + key, "x"));
            assertThatThrownBy(() -> KafkaConnectors.source(conf))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("dubstream.kafka.properties: ").hasMessageContaining(key);
        }
    }

    @Test
    void propertiesWithOptionsOfTheirOwnNameTheOption() {
        assertThatThrownBy(() -> KafkaConnectors.sink(secured(Map.of("dubstream.kafka.properties.group.id", "g"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("dubstream.kafka.properties.group.id is not allowed: set dubstream.kafka.group-id instead");
        assertThatThrownBy(() -> KafkaConnectors.connection(
                        secured(Map.of("dubstream.kafka.properties.transaction.timeout.ms", "1"))))
                .hasMessageContaining("set dubstream.kafka.transaction-timeout instead");
    }
}
