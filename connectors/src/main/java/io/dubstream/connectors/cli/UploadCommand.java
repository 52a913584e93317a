package io.dubstream.connectors.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import io.dubstream.connectors.kafka.ClipTopics;
import io.dubstream.connectors.kafka.KafkaConnection;
import io.dubstream.connectors.kafka.ClipUploader;
import io.dubstream.connectors.media.AudioLayout;
import io.dubstream.connectors.records.ClipManifest;
import io.dubstream.connectors.script.Script;

/** {@code dubstream upload}: streams a media file to Kafka as one clip. */
@Command(name = "upload", mixinStandardHelpOptions = true,
        description = {"Streams a media file to Kafka as one clip: manifest, JPEG frames, PCM audio, end of clip.",
            "A clip id is uploaded once: a second upload of the same id is refused (exit code 3).",
            "With --script, the dubbing script's lines go to PREFIXscript with the manifest, before the frames."})
public final class UploadCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--input", required = true, paramLabel = "FILE",
            description = "Any file FFmpeg reads (mp4, mkv, mov, avi, ...).")
    Path input;

    @Option(names = "--clip-id", paramLabel = "ID",
            description = "Clip id (letters, digits, '.', '_', '-'); default: the file name without extension.")
    String clipId;

    @Mixin
    ScriptInput scriptInput;

    @Option(names = "--topic-prefix", paramLabel = "PREFIX", defaultValue = ClipTopics.INPUT_PREFIX,
            description = "Writes to PREFIXclips, PREFIXmedia and PREFIXscript (default: ${DEFAULT-VALUE}).")
    String topicPrefix;

    @Option(names = "--jpeg-quality", paramLabel = "Q", defaultValue = "0.9",
            description = "JPEG quality of the frames, 0 < Q <= 1, on about libjpeg's scale; frames are 4:4:4"
                    + " JPEG by FFmpeg's mjpeg (default: ${DEFAULT-VALUE}).")
    float jpegQuality;

    @Option(names = "--audio-rate", paramLabel = "HZ",
            description = "Transport sample rate the audio is resampled to, 8000..192000 (default: the source's; "
                    + "a source outside 8000..192000 Hz is resampled to 48000).")
    Integer audioRate;

    @Option(names = "--audio-channels", paramLabel = "N",
            description = "Transport channel count the audio is mixed to, 1..8 (default: the source's; "
                    + "more than 8 are mixed down to 8).")
    Integer audioChannels;

    @Override
    public Integer call() throws Exception {
        KafkaConnection connection = kafka.connection();
        String id = clipId != null ? clipId : clipIdFromFileName(input);
        Script script = scriptInput.read();
        ClipUploader.Options options = new ClipUploader.Options(
                ClipTopics.withPrefix(topicPrefix),
                new AudioLayout(audioRate == null ? AudioLayout.AS_SOURCE : audioRate,
                        audioChannels == null ? AudioLayout.AS_SOURCE : audioChannels),
                jpegQuality,
                kafka.limits(),
                ClipUploader.Options.defaults().framesPerTransaction(),
                ClipUploader.Options.defaults().kafkaTimeout());
        ClipUploader.Result result = ConsoleProgress.showing("upload " + id,
                p -> new ClipUploader(connection, options).upload(input, id, script, p));
        spec.commandLine().getOut().println(describe(result));
        return DubstreamCli.EXIT_OK;
    }

    public static String describe(ClipUploader.Result r) {
        return String.format("uploaded clip %s: %d frames, %d audio samples (%s)%s, %.1f MB in %.2f s: %.0f frames/s, "
                        + "%.1fx real-time; %s",
                r.clipId(), r.frames(), r.samples(),
                r.manifest().hasAudio() ? audioLayout(r.manifest()) : "no audio track",
                describeScript(r.manifest()) + (r.framesRetimed() > 0 ? ", " + r.framesRetimed()
                        + " frames whose time did not go forward sent a frame after the previous" : ""),
                r.bytes() / 1e6, r.seconds(), r.frames() / r.seconds(), r.realtimeFactor(),
                JvmMemory.describe());
    }

    /** {@code ", 12 script lines (fr)"}, or nothing for a clip without a script. */
    private static String describeScript(ClipManifest m) {
        if (!m.hasScript()) {
            return "";
        }
        return ", " + m.getScriptLineCount() + " script lines"
                + (m.getScriptLanguage().isEmpty() ? "" : " (" + m.getScriptLanguage() + ")");
    }

    /** The transport layout, and the source's where it differs. */
    private static String audioLayout(ClipManifest m) {
        String transport = m.getSampleRate() + " Hz x" + m.getChannels();
        boolean same = m.getSampleRate() == m.getSourceSampleRate() && m.getChannels() == m.getSourceChannels();
        return same ? transport : transport + " from " + m.getSourceSampleRate() + " Hz x" + m.getSourceChannels();
    }

    /** The file name without its extension, made into a valid clip id. */
    static String clipIdFromFileName(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        if (dot > 0) {
            name = name.substring(0, dot);
        }
        String id = name.replaceAll("[^A-Za-z0-9._-]", "-").replaceFirst("^[._-]+", "");
        if (id.isEmpty()) {
            throw new IllegalArgumentException("cannot make a clip id from the file name '" + file.getFileName()
                    + "': give --clip-id");
        }
        return id.length() > 128 ? id.substring(0, 128) : id;
    }
}
