package io.dubstream.connectors.cli;

import picocli.CommandLine.Option;

/** The options every Kafka-facing command shares. */
final class KafkaOptions {

    @Option(names = "--bootstrap", required = true, paramLabel = "HOST:PORT",
            description = "Kafka bootstrap servers, e.g. localhost:9092.")
    String bootstrap;

    @Option(names = "--max-frame-bytes", paramLabel = "BYTES", defaultValue = "1000000",
            description = "Largest encoded frame accepted (default: ${DEFAULT-VALUE}, which keeps records under "
                    + "Kafka's default 1 MiB limit).")
    int maxFrameBytes;
}
