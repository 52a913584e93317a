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

    @Option(names = "--scram-admin-password", paramLabel = "PASSWORD",
            description = "Secures the broker: clients authenticate with SASL/SCRAM-SHA-512 (no TLS) and ACLs apply;"
                    + " only the super user 'admin' with this password (letters, digits, '.', '_', '-') may do"
                    + " anything until users and ACLs are added. Prints its client config for --command-config.")
    String scramAdminPassword;

    @Override
    public Integer call() throws Exception {
        EmbeddedKafkaBroker broker = scramAdminPassword == null ? EmbeddedKafkaBroker.start(port, dataDir)
                : EmbeddedKafkaBroker.startSecured(port, dataDir, scramAdminPassword);
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
        if (broker.secured()) {
            spec.commandLine().getOut().println("SASL/SCRAM and ACLs on; the admin's client config (--command-config):");
            broker.adminConnection().properties().forEach((key, value) ->
                    spec.commandLine().getOut().println("  " + key + "=" + value));
        }
        spec.commandLine().getOut().flush();
        stopped.await();
        return DubstreamCli.EXIT_OK;
    }
}
