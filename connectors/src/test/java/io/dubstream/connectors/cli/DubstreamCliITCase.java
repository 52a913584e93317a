package io.dubstream.connectors.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;


import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.dubstream.connectors.kafka.KafkaBrokerExtension;
import io.dubstream.connectors.media.MediaReader;
import io.dubstream.connectors.media.SampleClipGenerator;

/** The upload and download commands against a real broker, as a user runs them. */
class DubstreamCliITCase {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @TempDir
    Path tmp;

    @Test
    void uploadThenDownloadThroughTheOutputTopicsAndRefuseAReupload() throws Exception {
        Path input = SampleClipGenerator.write(tmp.resolve("talk.mp4"),
                new SampleClipGenerator.Spec(256, 144, 25, 1, 2.0, 22_050, 1));
        Path output = tmp.resolve("out/talk-copy.mp4");
        String bootstrap = KAFKA.bootstrapServers();

        CliRun upload = CliRun.of("upload", "--bootstrap", bootstrap, "--input", input.toString(),
                "--topic-prefix", "dubstream.out.");
        assertThat(upload.exitCode()).as(upload.err()).isZero();
        assertThat(upload.out()).startsWith("uploaded clip talk: 50 frames, 32000 audio samples (16000 Hz x1)")
                .contains("frames/s", "x real-time");

        CliRun download = CliRun.of("download", "--bootstrap", bootstrap, "--clip-id", "talk", "--output",
                output.toString(), "--timeout", "30");
        assertThat(download.exitCode()).as(download.err()).isZero();
        assertThat(download.out()).startsWith("downloaded clip talk: 50 frames, 32000 audio samples to " + output);
        try (MediaReader reader = MediaReader.open(output, 16_000, 1)) {
            assertThat(reader.info().hasAudio()).isTrue();
            assertThat(reader.info().width()).isEqualTo(256);
        }

        CliRun again = CliRun.of("upload", "--bootstrap", bootstrap, "--input", input.toString(),
                "--topic-prefix", "dubstream.out.");
        assertThat(again.exitCode()).isEqualTo(DubstreamCli.EXIT_REFUSED);
        assertThat(again.err().strip()).startsWith("dubstream upload: error: clip id 'talk' was already uploaded")
                .contains("upload under a new clip id");
    }

    @Test
    void downloadOfAnUnknownClipTimesOutWithExitCode1() {
        CliRun run = CliRun.of("download", "--bootstrap", KAFKA.bootstrapServers(), "--clip-id", "never-uploaded",
                "--output", tmp.resolve("x.mp4").toString(), "--timeout", "2");
        assertThat(run.exitCode()).isEqualTo(DubstreamCli.EXIT_FAILED);
        assertThat(run.err().strip()).startsWith("dubstream download: error: timed out after 2 s")
                .contains("never-uploaded");
    }
}
