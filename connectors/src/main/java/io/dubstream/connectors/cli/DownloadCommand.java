package io.dubstream.connectors.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import io.dubstream.connectors.kafka.ClipDownloader;
import io.dubstream.connectors.kafka.ClipTopics;
import io.dubstream.connectors.kafka.KafkaConnection;
import io.dubstream.connectors.media.VideoEncoding;
import io.dubstream.connectors.records.ClipMode;
import io.dubstream.connectors.records.ProcessingNote;

/** {@code dubstream download}: writes a clip's committed output records to an mp4. */
@Command(name = "download", mixinStandardHelpOptions = true,
        description = {"Reads a clip's committed records (read_committed) and writes a playable mp4 with audio.",
            "Waits for the end-of-clip record; gives up after --timeout seconds without new output records of the"
                + " clip and without status records of it (the job reports on a chunk that runs long)."})
public final class DownloadCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--clip-id", required = true, paramLabel = "ID", description = "The clip to download.")
    String clipId;

    @Option(names = "--output", required = true, paramLabel = "FILE", description = "The mp4 to write.")
    Path output;

    @Option(names = "--topic-prefix", paramLabel = "PREFIX", defaultValue = ClipTopics.OUTPUT_PREFIX,
            description = "Reads PREFIXclips and PREFIXmedia, and PREFIXframes and PREFIXaudio where an older"
                    + " job wrote them (default: ${DEFAULT-VALUE}).")
    String topicPrefix;

    @Option(names = "--status-topic", paramLabel = "TOPIC", defaultValue = ClipTopics.STATUS_TOPIC,
            description = "The job's status topic: its records of the clip show the job is working on it, so they"
                    + " count as progress for --timeout; '' for none (default: ${DEFAULT-VALUE}).")
    String statusTopic;

    @Mixin
    WaitOption timeout;

    @Mixin
    EncoderOptions encoder;

    @Override
    public Integer call() throws Exception {
        KafkaConnection connection = kafka.connection();
        Duration wait = timeout.duration();
        VideoEncoding encoding = encoder.encoding();
        Path parent = output.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        ClipDownloader.Options options = ClipDownloader.Options.defaults()
                .withTopics(ClipTopics.withPrefix(topicPrefix))
                .withStatusTopic(statusTopic)
                .withLimits(kafka.limits())
                .withIdleTimeout(wait)
                .withVideoEncoding(encoding);
        ClipDownloader.Result result = ConsoleProgress.showing("download " + clipId,
                p -> new ClipDownloader(connection, options).download(clipId, output, p));
        spec.commandLine().getOut().println(describe(result, output));
        return DubstreamCli.EXIT_OK;
    }

    public static String describe(ClipDownloader.Result r, Path output) {
        double mediaSeconds = (double) r.frames() * r.manifest().getFpsDen() / r.manifest().getFpsNum();
        return String.format("downloaded clip %s: %d frames, %d audio samples to %s (%s) in %.2f s: %.0f frames/s, "
                        + "%.1fx real-time; %s%s",
                r.clipId(), r.frames(), r.samples(), output, r.videoCodec(), r.seconds(), r.frames() / r.seconds(),
                mediaSeconds / r.seconds(), JvmMemory.describe(),
                r.duplicatesSkipped() > 0 ? " (" + r.duplicatesSkipped() + " duplicate records skipped)" : "")
                + ProcessingNote.parse(r.end().getReason()).map(DownloadCommand::describe).orElse("");
    }

    /** How the job processed the clip, as its output's end-of-clip record says. */
    private static String describe(ProcessingNote note) {
        return note.mode() == ClipMode.WHOLE ? "; processed whole"
                : "; processed in " + note.chunks() + " overlapping chunks";
    }
}
