package io.dubstream.connectors.cli;

import java.io.IOException;
import java.nio.file.Path;

import io.dubstream.connectors.format.RecordLimits;
import io.dubstream.connectors.kafka.KafkaConnection;
import picocli.CommandLine.Option;

/** The options every Kafka-facing command shares. */
final class KafkaOptions {

    @Option(names = "--bootstrap", required = true, paramLabel = "HOST:PORT",
            description = "Kafka bootstrap servers, e.g. localhost:9092.")
    String bootstrap;

    @Option(names = "--command-config", paramLabel = "FILE",
            description = "A Java properties file of Kafka client settings given to every Kafka client of the"
                    + " command, as with Kafka's own tools: e.g. security.protocol, sasl.mechanism,"
                    + " sasl.jaas.config, ssl.truststore.location for a secured cluster.")
    Path commandConfig;

    @Option(names = "--max-frame-bytes", paramLabel = "BYTES", defaultValue = "1000000",
            description = "Most JPEG bytes in one frame record; a larger frame travels as several frame part "
                    + "records (default: ${DEFAULT-VALUE}, which keeps records under Kafka's default 1 MiB limit).")
    int maxFrameBytes;

    @Option(names = "--max-whole-frame-bytes", paramLabel = "BYTES", defaultValue = "16777216",
            description = "Largest encoded frame accepted, all its parts together (default: ${DEFAULT-VALUE}, 16 MiB).")
    int maxWholeFrameBytes;

    /** The cluster: the bootstrap servers with the client settings of {@code --command-config}. */
    KafkaConnection connection() throws IOException {
        return KafkaConnection.of(bootstrap, commandConfig);
    }

    /** The record limits these options give. */
    RecordLimits limits() {
        return RecordLimits.DEFAULTS.withMaxWholeFrameBytes(maxWholeFrameBytes).withMaxFrameBytes(maxFrameBytes);
    }
}
