package io.dubstream.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.dubstream.connectors.cli.Ffmpeg;
import io.dubstream.connectors.cli.Ffprobe;
import io.dubstream.connectors.kafka.ClipDownloader;
import io.dubstream.connectors.kafka.ClipTopics;
import io.dubstream.connectors.kafka.ClipUploader;
import io.dubstream.connectors.kafka.KafkaBrokerExtension;
import io.dubstream.connectors.kafka.TransferProgress;
import io.dubstream.connectors.records.ClipManifest;
import io.dubstream.connectors.script.ScriptFiles;
import io.dubstream.connectors.script.ScriptOptions;

/**
 * A phone-like clip through the whole job and back to an mp4: a variable frame rate (12 s at 24 fps,
 * then 12 s at 12 fps), a display rotation of 90 degrees, 48 kHz stereo sound and a German script,
 * made with ffmpeg and checked with ffprobe (the system's, else JavaCV's: {@code Ffmpeg}). The job
 * chunks it (24 s is over the hybrid threshold), and the download keeps every frame at its source
 * time, the rotation, the audio layout and the dub's language.
 */
class SourceFidelityITCase {

    private static final String CLIP = "phone";
    private static final int FRAMES = 12 * 24 + 12 * 12;

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK = BoundedJobs.miniCluster();

    @TempDir
    static Path tmp;

    private static Path source;
    private static Path output;
    private static ClipDownloader.Result downloaded;

    @BeforeAll
    static void dubAPhoneClip() throws Exception {
        Ffmpeg.assumeAvailable();
        Path vfr = Ffmpeg.variableFrameRateClip(tmp.resolve("vfr.mp4"), 320, 240, 12, 12);
        source = Ffmpeg.withRotation(vfr, tmp.resolve("phone.mp4"), 90);
        Path script = Files.writeString(tmp.resolve("phone.de.vtt"), """
                WEBVTT
                Language: de

                00:00:01.000 --> 00:00:09.600
                <v Anna>Guten Tag, wie geht es Ihnen?

                00:00:10.400 --> 00:00:20.000
                <v Ben>Danke, gut.
                """);
        ClipUploader.Result uploaded = new ClipUploader(KAFKA.bootstrapServers(), ClipUploader.Options.defaults())
                .upload(source, CLIP, ScriptFiles.read(script, ScriptOptions.DEFAULTS), TransferProgress.NONE);
        assertThat(uploaded.frames()).isEqualTo(FRAMES);

        BoundedJobs.run(BoundedJobs.configuration(KAFKA.bootstrapServers(), "phone", tmp), input -> input);

        output = tmp.resolve("phone-dubbed.mp4");
        downloaded = new ClipDownloader(KAFKA.bootstrapServers(),
                ClipDownloader.Options.defaults().withTopics(ClipTopics.withPrefix("phone.out.")))
                .download(CLIP, output, TransferProgress.NONE);
    }

    @Test
    void theJobChunkedItAndKeptTheSourcesLayoutRotationAndLanguage() throws Exception {
        ClipManifest manifest = downloaded.manifest();
        assertThat(downloaded.end().getReason()).startsWith("mode=chunked");
        assertThat(manifest.getRotationDegrees()).isEqualTo(90);
        assertThat(manifest.getSampleRate()).isEqualTo(48_000);
        assertThat(manifest.getChannels()).isEqualTo(2);

        assertThat(Ffprobe.clockwiseRotation(output)).isEqualTo(90);
        assertThat(Ffprobe.displayRotation(output)).isEqualTo(Ffprobe.displayRotation(source));
        Ffprobe.Audio audio = Ffprobe.audio(output);
        assertThat(audio.sampleRate()).isEqualTo(48_000);
        assertThat(audio.channels()).isEqualTo(2);
        assertThat(audio.bitRate()).isGreaterThanOrEqualTo(128_000);
        assertThat(audio.language()).isEqualTo("deu");
    }

    @Test
    void everyFrameComesOutWithinAMillisecondOfItsSourceTime() throws Exception {
        List<Double> sourceTimes = relative(Ffprobe.videoFrameTimes(source));
        List<Double> outputTimes = relative(Ffprobe.videoFrameTimes(output));
        assertThat(sourceTimes).hasSize(FRAMES);
        assertThat(outputTimes).hasSize(FRAMES);
        double worst = 0;
        for (int i = 0; i < FRAMES; i++) {
            worst = Math.max(worst, Math.abs(outputTimes.get(i) - sourceTimes.get(i)));
        }
        System.out.printf("variable frame rate through the job: worst frame time error %.6f s over %d frames%n",
                worst, FRAMES);
        assertThat(worst).as("worst frame time error, s").isLessThan(0.001);
    }

    private static List<Double> relative(List<Double> times) {
        List<Double> out = new ArrayList<>();
        for (double t : times) {
            out.add(t - times.get(0));
        }
        return out;
    }
}
