package io.dubstream.connectors.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.dubstream.connectors.format.ClipRecordCodec;
import io.dubstream.connectors.kafka.KafkaBrokerExtension;
import io.dubstream.connectors.kafka.KafkaClients;
import io.dubstream.connectors.kafka.TopicSetup;
import io.dubstream.connectors.media.AudioLayout;
import io.dubstream.connectors.media.MediaReader;
import io.dubstream.connectors.media.SampleClipGenerator;
import io.dubstream.connectors.records.ChunkStatus;
import io.dubstream.connectors.records.ChunkStatus.State;
import io.dubstream.connectors.records.ClipRecord;
import io.dubstream.connectors.records.ClipStatus;

/** The upload, download and status commands against a real broker, as a user runs them. */
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
        assertThat(upload.out()).startsWith("uploaded clip talk: 50 frames, 44100 audio samples (22050 Hz x1)")
                .contains("frames/s", "x real-time");

        CliRun download = CliRun.of("download", "--bootstrap", bootstrap, "--clip-id", "talk", "--output",
                output.toString(), "--timeout", "30");
        assertThat(download.exitCode()).as(download.err()).isZero();
        assertThat(download.out()).startsWith("downloaded clip talk: 50 frames, 44100 audio samples to " + output);
        try (MediaReader reader = MediaReader.open(output, AudioLayout.SOURCE)) {
            assertThat(reader.info().sourceSampleRate()).isEqualTo(22_050);
            assertThat(reader.info().sourceChannels()).isEqualTo(1);
            assertThat(reader.info().width()).isEqualTo(256);
        }

        CliRun resampled = CliRun.of("upload", "--bootstrap", bootstrap, "--input", input.toString(),
                "--clip-id", "talk-16k", "--audio-rate", "16000", "--topic-prefix", "dubstream.out.");
        assertThat(resampled.exitCode()).as(resampled.err()).isZero();
        assertThat(resampled.out())
                .startsWith("uploaded clip talk-16k: 50 frames, 32000 audio samples (16000 Hz x1 from 22050 Hz x1)");

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
        assertThat(run.err().strip()).startsWith("dubstream download: error: timed out: no output and no status"
                + " records of clip never-uploaded for 2 s");
    }

    @Test
    void statusFollowsAClipToItsOutcomeAndPrintsTheChunkTable() throws Exception {
        String topic = "cli.status";
        TopicSetup.ensureExist(KAFKA.bootstrapServers(), List.of(topic), 2);
        send(topic, ChunkStatus.of("done-clip", 0, State.PENDING, 0, 1).withChunkCount(1),
                ChunkStatus.of("done-clip", 0, State.RUNNING, 1, 2).withChunkCount(1),
                new ChunkStatus("done-clip", 0, 1, State.RETRIED, 1, "injected fault", 3, ""),
                ChunkStatus.of("done-clip", 0, State.RUNNING, 2, 4).withChunkCount(1),
                ChunkStatus.of("done-clip", 0, State.DONE, 2, 5).withChunkCount(1),
                ChunkStatus.of("done-clip", 0, State.MERGED, 2, 6).withChunkCount(1),
                new ClipStatus("done-clip", ClipStatus.Outcome.COMPLETED, 1, 1, "", 7),
                ChunkStatus.of("bad-clip", 0, State.PENDING, 0, 1),
                new ClipStatus("bad-clip", ClipStatus.Outcome.FAILED, 0, 0, "upload aborted: disk full", 2));

        CliRun done = CliRun.of("status", "--bootstrap", KAFKA.bootstrapServers(), "--clip-id", "done-clip",
                "--topic", topic, "--timeout", "30");
        assertThat(done.exitCode()).as(done.err()).isZero();
        assertThat(done.out().lines()).containsExactly(
                "chunk 0/1 PENDING",
                "chunk 0/1 RUNNING (attempt 1)",
                "chunk 0/1 RETRIED (attempt 1): injected fault",
                "chunk 0/1 RUNNING (attempt 2)",
                "chunk 0/1 DONE (attempt 2)",
                "chunk 0/1 MERGED (attempt 2)",
                "chunk   state    attempt  retries  core                         last error",
                "0/1     MERGED   2        1                                     injected fault",
                "clip done-clip COMPLETED: 1 chunks merged, 1 retries");

        CliRun failed = CliRun.of("status", "--bootstrap", KAFKA.bootstrapServers(), "--clip-id", "bad-clip",
                "--topic", topic, "--timeout", "30");
        assertThat(failed.exitCode()).isEqualTo(DubstreamCli.EXIT_FAILED);
        assertThat(failed.out()).endsWith("clip bad-clip FAILED: 0 chunks merged, 0 retries; upload aborted: disk full"
                + System.lineSeparator());
        assertThat(failed.err().strip()).isEqualTo("dubstream status: error: clip bad-clip failed: upload aborted: disk full");
    }

    private static void send(String topic, ClipRecord... records) throws Exception {
        ClipRecordCodec codec = new ClipRecordCodec();
        try (KafkaProducer<String, byte[]> producer =
                KafkaClients.transactionalProducer(KAFKA.bootstrapServers(), "cli-status-test")) {
            producer.initTransactions();
            producer.beginTransaction();
            for (ClipRecord r : records) {
                producer.send(new ProducerRecord<>(topic, r.getClipId(), codec.encode(r)));
            }
            producer.commitTransaction();
        }
    }
}
