package io.dubstream.connectors.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.dubstream.connectors.format.ClipRecordCodec;
import io.dubstream.connectors.media.JpegCodec;
import io.dubstream.connectors.records.ChunkStatus;
import io.dubstream.connectors.records.ClipManifest;
import io.dubstream.connectors.records.ClipRecord;
import io.dubstream.connectors.records.EndOfClip;
import io.dubstream.connectors.records.TestManifests;
import io.dubstream.connectors.records.VideoFrame;

/**
 * The download of a clip the job works on slowly, against a real broker: the job's status records
 * of the clip (a chunk pending, reported again while it stays so) count as progress, so the download
 * waits past its timeout for output that comes late; without them, or with those of another clip
 * only, it gives up and says that neither output nor status records came.
 */
class ClipDownloaderStatusITCase {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static final Duration TIMEOUT = Duration.ofSeconds(3);
    /** How often the test's job reports a chunk still pending: well inside the timeout. */
    private static final long HEARTBEAT_MS = 1_000;
    private static final int WIDTH = 64;
    private static final int HEIGHT = 48;
    private static final int FRAMES = 5;

    private final ClipRecordCodec codec = new ClipRecordCodec();
    private final ExecutorService background = Executors.newSingleThreadExecutor();

    @TempDir
    Path tmp;

    @AfterEach
    void stopBackground() throws Exception {
        background.shutdownNow();
        assertThat(background.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }

    /** Output and status topics of their own for each test, created as the job creates them. */
    private record Topics(ClipTopics output, String status) {
        static Topics named(String name) throws Exception {
            Topics t = new Topics(ClipTopics.withPrefix(name + ".out."), name + ".status");
            List<String> all = new ArrayList<>(t.output().all());
            all.add(t.status());
            TopicSetup.ensureExist(KAFKA.bootstrapServers(), all, 2);
            return t;
        }
    }

    private ClipDownloader downloader(Topics topics) {
        return new ClipDownloader(KAFKA.bootstrapServers(), ClipDownloader.Options.defaults()
                .withTopics(topics.output()).withStatusTopic(topics.status()).withIdleTimeout(TIMEOUT));
    }

    @Test
    void statusRecordsKeepTheDownloadWaitingForOutputThatComesAfterTheTimeout() throws Exception {
        Topics topics = Topics.named("slow");
        String clip = "slow-clip";
        Path output = tmp.resolve("slow.mp4");
        long started = System.nanoTime();
        Future<ClipDownloader.Result> download = background.submit(
                () -> downloader(topics).download(clip, output, TransferProgress.NONE));

        try (KafkaProducer<String, byte[]> job = KafkaClients.transactionalProducer(KAFKA.bootstrapServers(), "slow")) {
            job.initTransactions();
            // the clip's one chunk is cut and runs: no output, only the status, for twice the timeout
            reportPendingFor(job, topics.status(), clip, 2 * TIMEOUT.toMillis());
            assertThat(download.isDone()).as("waiting while only status records come").isFalse();
            commit(job, topics.output().clips(), manifest(clip));
            reportPendingFor(job, topics.status(), clip, 2 * TIMEOUT.toMillis());
            assertThat(download.isDone()).as("waiting for frames while only status records come").isFalse();
            byte[] jpeg = JpegCodec.encode(new byte[WIDTH * HEIGHT * 3], WIDTH, HEIGHT, 0.9f);
            for (int i = 0; i < FRAMES; i++) {
                commit(job, topics.output().media(), new VideoFrame(clip, i, i * 40_000L, WIDTH, HEIGHT, jpeg));
            }
            commit(job, topics.output().clips(), EndOfClip.complete(clip, FRAMES, 0, 1L));
        }

        ClipDownloader.Result result = download.get(60, TimeUnit.SECONDS);
        assertThat(result.frames()).isEqualTo(FRAMES);
        assertThat(result.end().isComplete()).isTrue();
        assertThat(output).exists();
        assertThat((System.nanoTime() - started) / 1e9).as("seconds").isGreaterThan(4 * TIMEOUT.toSeconds());
    }

    @Test
    void withNeitherOutputNorStatusRecordsOfTheClipTheDownloadGivesUpSayingSo() throws Exception {
        Topics topics = Topics.named("silent");
        Path output = tmp.resolve("lost.mp4");
        long started = System.nanoTime();
        AtomicLong ended = new AtomicLong();
        Future<ClipDownloader.Result> download = background.submit(() -> {
            try {
                return downloader(topics).download("lost-clip", output, TransferProgress.NONE);
            } finally {
                ended.set(System.nanoTime());
            }
        });

        try (KafkaProducer<String, byte[]> job = KafkaClients.transactionalProducer(KAFKA.bootstrapServers(),
                "silent")) {
            job.initTransactions();
            // the job is busy, with another clip: those records say nothing of this one
            reportPendingFor(job, topics.status(), "other-clip", 3 * TIMEOUT.toMillis());
        }

        assertThat(download.isDone()).as("given up while another clip's status records came").isTrue();
        assertThatThrownBy(() -> download.get(60, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOf(TransferException.class)
                .hasMessage("timed out: no output and no status records of clip lost-clip for 3 s while waiting for"
                        + " the manifest (have 0 frames, 0 samples); is the clip id right and is the job running?");
        assertThat((ended.get() - started) / 1e9).as("seconds").isBetween(3.0, 2.0 * TIMEOUT.toSeconds());
        assertThat(output).doesNotExist();
    }

    @Test
    void whenTheStatusRecordsStopTheDownloadGivesUpAndSaysWhenTheLastCame() throws Exception {
        Topics topics = Topics.named("stopped");
        String clip = "stopped-clip";
        Path output = tmp.resolve("stopped.mp4");
        Future<ClipDownloader.Result> download = background.submit(
                () -> downloader(topics).download(clip, output, TransferProgress.NONE));

        try (KafkaProducer<String, byte[]> job = KafkaClients.transactionalProducer(KAFKA.bootstrapServers(),
                "stopped")) {
            job.initTransactions();
            commit(job, topics.output().clips(), manifest(clip));
            reportPendingFor(job, topics.status(), clip, TIMEOUT.toMillis());
        }

        // then the job stops: nothing more of the clip comes
        assertThatThrownBy(() -> download.get(60, TimeUnit.SECONDS))
                .cause()
                .isInstanceOf(TransferException.class)
                .hasMessageStartingWith("timed out: no output and no status records of clip stopped-clip for 3 s"
                        + " while waiting for the end-of-clip record (have 0 frames, 0 samples; the last status record"
                        + " came ")
                .hasMessageEndingWith(" s ago); is the clip id right and is the job running?");
        assertThat(output).doesNotExist();
    }

    /** Commits {@code clip}'s chunk 0 as PENDING, then again every heartbeat, for {@code millis}. */
    private void reportPendingFor(KafkaProducer<String, byte[]> job, String statusTopic, String clip, long millis)
            throws Exception {
        long until = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < until) {
            commit(job, statusTopic, new ChunkStatus(clip, 0, 1, ChunkStatus.State.PENDING, 0, "",
                    System.currentTimeMillis(), "whole"));
            Thread.sleep(HEARTBEAT_MS);
        }
    }

    /** One record in a transaction of its own, as the job's exactly-once sinks make them visible. */
    private void commit(KafkaProducer<String, byte[]> producer, String topic, ClipRecord record) throws Exception {
        producer.beginTransaction();
        producer.send(new ProducerRecord<>(topic, record.getClipId(), codec.encode(record))).get();
        producer.commitTransaction();
    }

    private static ClipManifest manifest(String clipId) {
        return TestManifests.of(clipId, WIDTH, HEIGHT, 25, 1, FRAMES, 16_000, 0, System.currentTimeMillis());
    }
}
