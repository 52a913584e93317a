package io.dubstream.connectors.cli;

import java.time.Duration;

import picocli.CommandLine.Option;

/** {@code --timeout}: how long a command that follows a clip waits for its next record. */
final class WaitOption {

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "120",
            description = "Give up after this long without a new record of the clip (default: ${DEFAULT-VALUE}).")
    long seconds;

    /** The wait; refused unless positive. */
    Duration duration() {
        if (seconds <= 0) {
            throw new IllegalArgumentException("--timeout must be positive, got " + seconds);
        }
        return Duration.ofSeconds(seconds);
    }
}
