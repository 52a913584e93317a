package io.dubstream.connectors.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.dubstream.connectors.media.SampleClipGenerator;
import io.dubstream.connectors.media.VideoEncoder;
import io.dubstream.connectors.media.VideoEncoders;

/** Bad input files and bad usage: one clear line, the right exit code, no Kafka needed. */
class DubstreamCliTest {

    /** Nothing listens here: input errors must be found before Kafka is contacted. */
    private static final String NO_BROKER = "localhost:1";

    @TempDir
    Path tmp;

    @Test
    void garbageFileGivesOneErrorLineAndExitCode1InARealProcess() throws Exception {
        Path garbage = tmp.resolve("garbage.mp4");
        byte[] junk = new byte[64 * 1024];
        new Random(5).nextBytes(junk);
        Files.write(garbage, junk);

        Process process = new ProcessBuilder(javaCommand("upload", "--bootstrap", NO_BROKER, "--input",
                garbage.toString())).redirectErrorStream(false).start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();

        assertThat(process.exitValue()).isEqualTo(DubstreamCli.EXIT_FAILED);
        assertThat(err.lines()).hasSize(1);
        assertThat(err).startsWith("dubstream upload: error: ").contains(garbage.toString());
        assertThat(err).doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void truncatedFileIsAClearError() throws Exception {
        Path whole = SampleClipGenerator.write(tmp.resolve("whole.mp4"),
                new SampleClipGenerator.Spec(256, 144, 25, 1, 2.0, 16_000, 1));
        byte[] bytes = Files.readAllBytes(whole);
        Path truncated = tmp.resolve("truncated.mp4");
        Files.write(truncated, Arrays.copyOf(bytes, bytes.length / 2));

        assertOneLineFailure(CliRun.of("upload", "--bootstrap", NO_BROKER, "--input", truncated.toString()),
                truncated.toString());
    }

    @Test
    void missingEmptyAndDirectoryInputsAreClearErrors() throws IOException {
        Path missing = tmp.resolve("nope.mp4");
        Path empty = Files.createFile(tmp.resolve("empty.mp4"));
        for (Path input : List.of(missing, empty, tmp)) {
            assertOneLineFailure(CliRun.of("upload", "--bootstrap", NO_BROKER, "--input", input.toString()),
                    input.toString());
        }
    }

    @Test
    void badUsageExitsWith2() throws IOException {
        Path file = Files.createFile(tmp.resolve("x.mp4"));
        CliRun badId = CliRun.of("upload", "--bootstrap", NO_BROKER, "--input", file.toString(), "--clip-id", "a b");
        assertThat(badId.exitCode()).isEqualTo(DubstreamCli.EXIT_USAGE);
        assertThat(badId.err()).contains("clip id 'a b' has characters other than");

        CliRun badRate = CliRun.of("upload", "--bootstrap", NO_BROKER, "--input", file.toString(), "--audio-rate", "4000");
        assertThat(badRate.exitCode()).isEqualTo(DubstreamCli.EXIT_USAGE);
        assertThat(badRate.err()).contains("audio sample rate 4000 Hz is outside 8000..192000 Hz");

        CliRun missingOption = CliRun.of("download", "--bootstrap", NO_BROKER);
        assertThat(missingOption.exitCode()).isEqualTo(DubstreamCli.EXIT_USAGE);
        assertThat(missingOption.err()).contains("Missing required options");

        CliRun unknown = CliRun.of("teleport");
        assertThat(unknown.exitCode()).isEqualTo(DubstreamCli.EXIT_USAGE);
    }

    @Test
    void anEncoderThatIsNotHereIsAUsageErrorBeforeKafkaIsContacted() throws Exception {
        String out = tmp.resolve("out.mp4").toString();
        CliRun nvenc = CliRun.of("download", "--bootstrap", NO_BROKER, "--clip-id", "c", "--output", out,
                "--encoder", "nvenc");
        if (!VideoEncoders.works(VideoEncoder.NVENC)) {
            assertThat(nvenc.exitCode()).isEqualTo(DubstreamCli.EXIT_USAGE);
            assertThat(nvenc.err().strip()).startsWith("dubstream download: error: --encoder nvenc: the nvenc video"
                    + " encoder is not available: h264_nvenc does not open (").contains("available here: ");
        }
        if ("lgpl".equals(System.getProperty("dubstream.ffmpeg.licence"))) {
            CliRun x264 = CliRun.of("download", "--bootstrap", NO_BROKER, "--clip-id", "c", "--output", out,
                    "--encoder", "x264");
            assertThat(x264.exitCode()).isEqualTo(DubstreamCli.EXIT_USAGE);
            assertThat(x264.err().strip().lines()).hasSize(1);
            assertThat(x264.err()).contains("--encoder x264: the x264 video encoder is not available: this is the"
                    + " LGPL FFmpeg build", "mvn -Pgpl package");
        }
        CliRun unknown = CliRun.of("download", "--bootstrap", NO_BROKER, "--clip-id", "c", "--output", out,
                "--encoder", "h265");
        assertThat(unknown.exitCode()).isEqualTo(DubstreamCli.EXIT_USAGE);
        assertThat(unknown.err()).contains("unknown video encoder 'h265'; one of auto, x264, nvenc, openh264, mpeg4");

        CliRun badQuality = CliRun.of("download", "--bootstrap", NO_BROKER, "--clip-id", "c", "--output", out,
                "--quality", "60");
        assertThat(badQuality.exitCode()).isEqualTo(DubstreamCli.EXIT_USAGE);
        assertThat(badQuality.err()).contains("video quality must be 0..51 (lower is better), got 60");
        assertThat(Path.of(out)).doesNotExist();
    }

    @Test
    void theQualityHelpStatesEachEncodersDefault() throws NoSuchFieldException {
        String help = String.join(" ", EncoderOptions.class.getDeclaredField("quality")
                .getAnnotation(picocli.CommandLine.Option.class).description());
        assertThat(help).contains(String.format("(x264 %d, NVENC %d, openh264 %d, MPEG-4 %d)",
                VideoEncoder.X264.defaultQuality(), VideoEncoder.NVENC.defaultQuality(),
                VideoEncoder.OPENH264.defaultQuality(), VideoEncoder.MPEG4.defaultQuality()));
    }

    @Test
    void aBadScriptIsOneLineAndExitCode1BeforeTheMediaOrKafka() throws IOException {
        Path media = Files.createFile(tmp.resolve("never-read.mp4"));
        Path srt = Files.writeString(tmp.resolve("subs.srt"), "1\n00:00:01,000 --> 00:01:0x,000\nHello\n");

        assertOneLineFailure(uploadWithScript(media, srt), srt + ":2: unparsable timestamp '00:01:0x,000'");
    }

    @Test
    void aScriptPastTheClipsEndIsRefusedBeforeKafkaIsContacted() throws Exception {
        Path media = SampleClipGenerator.write(tmp.resolve("short.mp4"),
                new SampleClipGenerator.Spec(256, 144, 25, 1, 1.0, 16_000, 1));
        Path vtt = Files.writeString(tmp.resolve("subs.vtt"), "WEBVTT\n\n00:00.500 --> 00:05.000\nToo long\n");

        assertOneLineFailure(uploadWithScript(media, vtt), vtt + ":3: the line ends at 00:00:05.000, past the clip's end at 00:00:01.");
    }

    @Test
    void scriptLanguageIsCheckedAndNeedsAScript() throws IOException {
        Path media = Files.createFile(tmp.resolve("x.mp4"));
        Path srt = Files.writeString(tmp.resolve("subs.srt"), "00:00:01,000 --> 00:00:02,000\nHello\n");

        CliRun badTag = uploadWithScript(media, srt, "--script-language", "en_US");
        assertThat(badTag.exitCode()).isEqualTo(DubstreamCli.EXIT_USAGE);
        assertThat(badTag.err().strip()).isEqualTo("dubstream upload: error: script language 'en_US' is not a"
                + " language tag such as 'fr', 'deu' or 'pt-BR'");

        CliRun alone = CliRun.of("upload", "--bootstrap", NO_BROKER, "--input", media.toString(),
                "--script-language", "fr");
        assertThat(alone.exitCode()).isEqualTo(DubstreamCli.EXIT_USAGE);
        assertThat(alone.err().strip()).isEqualTo("dubstream upload: error: --script-language needs --script");
    }

    @Test
    void helpListsTheCommands() {
        CliRun help = CliRun.of("--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("upload", "download", "status", "report", "broker", "sample");
    }

    @Test
    void clipIdComesFromTheFileName() {
        assertThat(UploadCommand.clipIdFromFileName(Path.of("/videos/My Talk (final).v2.mp4")))
                .isEqualTo("My-Talk--final-.v2");
        assertThat(UploadCommand.clipIdFromFileName(Path.of("_x.mkv"))).isEqualTo("x");
    }

    @Test
    void progressBarRendersFractionAndRate() {
        ConsoleProgress bar = new ConsoleProgress("upload c", System.err, false);
        assertThat(bar.render(50, 200, 2.0)).startsWith("upload c [########----------------------]  25% 50/200 frames 25 frames/s");
        assertThat(bar.render(7, -1, 1.0)).contains("7 frames");
    }

    private static CliRun uploadWithScript(Path media, Path script, String... more) {
        List<String> args = new ArrayList<>(List.of("upload", "--bootstrap", NO_BROKER, "--input", media.toString(),
                "--script", script.toString()));
        args.addAll(List.of(more));
        return CliRun.of(args.toArray(String[]::new));
    }

    private static void assertOneLineFailure(CliRun run, String mentions) {
        assertThat(run.exitCode()).as(run.err()).isEqualTo(DubstreamCli.EXIT_FAILED);
        String err = run.err().strip();
        assertThat(err.lines()).as(err).hasSize(1);
        assertThat(err).startsWith("dubstream upload: error: ").contains(mentions);
    }

    private static List<String> javaCommand(String... args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                DubstreamCli.class.getName()));
        command.addAll(List.of(args));
        return command;
    }
}
