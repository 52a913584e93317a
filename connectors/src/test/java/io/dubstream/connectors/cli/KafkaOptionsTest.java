package io.dubstream.connectors.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import io.dubstream.connectors.kafka.KafkaConnection;

/** {@code --command-config} on every Kafka-facing command gives its clients the file's settings. */
class KafkaOptionsTest {

    @TempDir
    Path tmp;

    @Test
    void everyKafkaCommandTakesACommandConfig() throws Exception {
        Path file = tmp.resolve("client.properties");
        Files.writeString(file, "security.protocol=SASL_PLAINTEXT\nsasl.mechanism=SCRAM-SHA-512\n");
        Map<Callable<Integer>, List<String>> commands = Map.of(
                new UploadCommand(), List.of("--input", "in.mp4"),
                new DownloadCommand(), List.of("--clip-id", "c", "--output", "out.mp4"),
                new StatusCommand(), List.of("--clip-id", "c"));
        for (var entry : commands.entrySet()) {
            Callable<Integer> command = entry.getKey();
            List<String> args = new ArrayList<>(List.of("--bootstrap", "kafka:9092", "--command-config", file.toString()));
            args.addAll(entry.getValue());
            new CommandLine(command).parseArgs(args.toArray(String[]::new));

            KafkaConnection connection = kafkaOf(command).connection();

            assertThat(connection.bootstrap()).isEqualTo("kafka:9092");
            assertThat(connection.properties()).containsEntry("security.protocol", "SASL_PLAINTEXT")
                    .containsEntry("sasl.mechanism", "SCRAM-SHA-512");
        }
    }

    @Test
    void withoutACommandConfigOnlyTheBootstrapServers() throws Exception {
        UploadCommand upload = new UploadCommand();
        new CommandLine(upload).parseArgs("--bootstrap", "kafka:9092", "--input", "in.mp4");

        assertThat(upload.kafka.connection()).isEqualTo(KafkaConnection.of("kafka:9092"));
    }

    @Test
    void aMissingCommandConfigIsAUsageError() {
        Path missing = tmp.resolve("nope.properties");
        CliRun run = CliRun.of("status", "--bootstrap", "localhost:1", "--command-config", missing.toString(),
                "--clip-id", "c");

        assertThat(run.exitCode()).isEqualTo(DubstreamCli.EXIT_USAGE);
        assertThat(run.err()).contains("no such Kafka client config file: " + missing);
    }

    private static KafkaOptions kafkaOf(Callable<Integer> command) {
        if (command instanceof UploadCommand u) {
            return u.kafka;
        }
        if (command instanceof DownloadCommand d) {
            return d.kafka;
        }
        return ((StatusCommand) command).kafka;
    }
}
