package io.dubstream.connectors.cli;

import io.dubstream.connectors.format.RecordLimits;
import picocli.CommandLine.Option;

/** The options every Kafka-facing command shares. */
final class KafkaOptions {

    @Option(names = "--bootstrap", required = true, paramLabel = "HOST:PORT",
            description = "Kafka bootstrap servers, e.g. localhost:9092.")
    String bootstrap;

    @Option(names = "--max-frame-bytes", paramLabel = "BYTES", defaultValue = "1000000",
            description = "Most JPEG bytes in one frame record; a larger frame travels as several frame part "
                    + "records (default: ${DEFAULT-VALUE}, which keeps records under Kafka's default 1 MiB limit).")
    int maxFrameBytes;

    @Option(names = "--max-whole-frame-bytes", paramLabel = "BYTES", defaultValue = "16777216",
            description = "Largest encoded frame accepted, all its parts together (default: ${DEFAULT-VALUE}, 16 MiB).")
    int maxWholeFrameBytes;

    /** The record limits these options give. */
    RecordLimits limits() {
        return RecordLimits.DEFAULTS.withMaxWholeFrameBytes(maxWholeFrameBytes).withMaxFrameBytes(maxFrameBytes);
    }
}
