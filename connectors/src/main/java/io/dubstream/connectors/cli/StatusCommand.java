package io.dubstream.connectors.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import io.dubstream.connectors.kafka.ClipStatusFollower;
import io.dubstream.connectors.kafka.ClipTopics;
import io.dubstream.connectors.kafka.KafkaConnection;
import io.dubstream.connectors.kafka.TransferException;
import io.dubstream.connectors.records.ChunkStatus;
import io.dubstream.connectors.records.ClipStatus;

/** {@code dubstream status}: follows a clip's chunks on the job's status topic and prints their table. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Follows a clip on the job's status topic (read_committed): prints each change of a chunk's"
                + " state as it comes (and 'still PENDING' when the job reports a long chunk again), then the chunk"
                + " table and the clip's outcome.",
            "Exit code 0 when the clip completed, 1 when it failed or nothing came for --timeout seconds."})
public final class StatusCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--clip-id", required = true, paramLabel = "ID", description = "The clip to follow.")
    String clipId;

    @Option(names = "--topic", paramLabel = "TOPIC", defaultValue = ClipTopics.STATUS_TOPIC,
            description = "The status topic (default: ${DEFAULT-VALUE}).")
    String topic;

    @Mixin
    WaitOption timeout;

    @Override
    public Integer call() throws Exception {
        KafkaConnection connection = kafka.connection();
        Duration wait = timeout.duration();
        PrintWriter out = spec.commandLine().getOut();
        ChunkTable table = new ChunkTable();
        ClipStatus end = new ClipStatusFollower(connection, topic, wait)
                .follow(clipId, record -> {
                    if (record instanceof ChunkStatus change) {
                        boolean changed = table.add(change);
                        out.println(changed ? ChunkTable.describe(change) : ChunkTable.describeRepeat(change));
                        out.flush();
                    }
                });
        out.print(table.render());
        out.println(ChunkTable.describe(end));
        if (!end.isCompleted()) {
            throw new TransferException("clip " + clipId + " failed: " + end.getReason());
        }
        return DubstreamCli.EXIT_OK;
    }
}
