package io.dubstream.connectors.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import io.dubstream.connectors.kafka.ClipDownloader;
import io.dubstream.connectors.kafka.ClipTopics;
import io.dubstream.connectors.kafka.ClipUploader;
import io.dubstream.connectors.kafka.EmbeddedKafkaBroker;
import io.dubstream.connectors.media.SampleClipGenerator;

/**
 * {@code dubstream demo}: the whole round trip on this machine, with nothing to install. It starts an
 * in-process Kafka broker, makes a sample clip (or takes {@code --input}), uploads it, downloads the
 * clip's records back into an mp4 and writes a JSON summary.
 *
 * <p>Until the streaming job runs between the two, the upload goes straight to the output topics.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Runs an in-process Kafka broker, uploads a clip, downloads it to an mp4, writes a summary.")
final class DemoCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--input", paramLabel = "FILE",
            description = "Clip to use; default: a generated 32 s 640x360 sample clip (out/sample.mp4).")
    Path input;

    @Option(names = "--output", paramLabel = "FILE", defaultValue = "out/demo.mp4",
            description = "The mp4 to write (default: ${DEFAULT-VALUE}).")
    Path output;

    @Option(names = "--summary", paramLabel = "FILE", defaultValue = "out/demo-summary.json",
            description = "The JSON summary to write (default: ${DEFAULT-VALUE}).")
    Path summary;

    @Option(names = "--clip-id", paramLabel = "ID", defaultValue = "demo",
            description = "Clip id (default: ${DEFAULT-VALUE}).")
    String clipId;

    @Override
    public Integer call() throws Exception {
        long started = System.nanoTime();
        Path outDir = output.toAbsolutePath().getParent();
        Files.createDirectories(outDir);
        Path clip = input;
        if (clip == null) {
            clip = outDir.resolve("sample.mp4");
            spec.commandLine().getOut().println("generating sample clip " + clip + " ...");
            SampleClipGenerator.write(clip, SampleClipGenerator.Spec.defaults());
        }
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            spec.commandLine().getOut().println("Kafka broker (in-process) at " + broker.bootstrapServers());
            ClipTopics topics = ClipTopics.OUTPUT;
            Path file = clip;
            ClipUploader.Result uploaded = ConsoleProgress.showing("upload " + clipId,
                    p -> new ClipUploader(broker.bootstrapServers(), ClipUploader.Options.defaults().withTopics(topics))
                            .upload(file, clipId, p));
            spec.commandLine().getOut().println(UploadCommand.describe(uploaded));
            ClipDownloader.Result downloaded = ConsoleProgress.showing("download " + clipId,
                    p -> new ClipDownloader(broker.bootstrapServers(),
                            ClipDownloader.Options.defaults().withTopics(topics)).download(clipId, output, p));
            spec.commandLine().getOut().println(DownloadCommand.describe(downloaded, output));
            double wall = (System.nanoTime() - started) / 1e9;
            double clipSeconds = (double) downloaded.frames() * downloaded.manifest().getFpsDen()
                    / downloaded.manifest().getFpsNum();
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("clipId", clipId);
            s.put("status", downloaded.end().getStatus().name());
            s.put("input", clip.toString());
            s.put("output", output.toString());
            s.put("videoCodec", downloaded.videoCodec());
            s.put("width", downloaded.manifest().getWidth());
            s.put("height", downloaded.manifest().getHeight());
            s.put("fps", downloaded.manifest().getFpsNum() + "/" + downloaded.manifest().getFpsDen());
            s.put("framesIn", uploaded.frames());
            s.put("framesOut", downloaded.frames());
            s.put("audioSampleRate", downloaded.manifest().getSampleRate());
            s.put("audioSamplesIn", uploaded.samples());
            s.put("audioSamplesOut", downloaded.samples());
            s.put("clipSeconds", round(clipSeconds));
            s.put("uploadSeconds", round(uploaded.seconds()));
            s.put("downloadSeconds", round(downloaded.seconds()));
            s.put("wallSeconds", round(wall));
            s.put("realtimeFactor", round(clipSeconds / wall));
            s.put("peakHeapBytes", JvmMemory.peakHeapBytes());
            Files.createDirectories(summary.toAbsolutePath().getParent());
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(summary.toFile(), s);
            spec.commandLine().getOut().println("wrote " + output + " and " + summary);
        }
        return DubstreamCli.EXIT_OK;
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
