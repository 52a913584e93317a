package io.dubstream.connectors.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import io.dubstream.connectors.kafka.EmbeddedKafkaBroker;

/** {@code dubstream broker}: a real single-node KRaft Kafka broker in this process. */
@Command(name = "broker", mixinStandardHelpOptions = true,
        description = "Runs a single-node Kafka broker (KRaft) in-process until Ctrl-C, for local use and demos.")
final class BrokerCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "9092",
            description = "Client port on localhost; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Empty or new directory for the broker's logs, kept on exit; default: a temporary "
                    + "directory deleted on exit.")
    Path dataDir;

    @Override
    public Integer call() throws Exception {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(port, dataDir);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                broker.close();
            } catch (Exception e) {
                System.err.println("dubstream broker: error while stopping: " + e.getMessage());
            } finally {
                stopped.countDown();
            }
        }, "broker-shutdown"));
        spec.commandLine().getOut().println("Kafka broker ready at " + broker.bootstrapServers() + " (data in " + broker.dataDir()
                + "); Ctrl-C stops it");
        spec.commandLine().getOut().flush();
        stopped.await();
        return DubstreamCli.EXIT_OK;
    }
}
