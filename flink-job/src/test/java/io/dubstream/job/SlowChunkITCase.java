package io.dubstream.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.flink.core.execution.JobClient;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.dubstream.connectors.kafka.ClipDownloader;
import io.dubstream.connectors.kafka.ClipTopics;
import io.dubstream.connectors.kafka.ClipUploader;
import io.dubstream.connectors.kafka.KafkaBrokerExtension;
import io.dubstream.connectors.kafka.TransferProgress;
import io.dubstream.connectors.media.SampleClipGenerator;
import io.dubstream.connectors.records.ChunkStatus;
import io.dubstream.connectors.records.ClipRecord;
import io.dubstream.connectors.records.ClipStatus;
import io.dubstream.connectors.records.EndOfClip;

/**
 * A clip whose one chunk takes longer than the download's timeout, as a long clip run whole does on
 * a slow machine, through the whole job on a MiniCluster against a real broker. Its chunk is made
 * slow by failing its first two attempts, with backoffs that add up to 15 s. The job's output
 * manifest is committed while the chunk is still being worked on, the status topic reports the chunk
 * pending again every heartbeat meanwhile, and a download with a 5 s timeout, started once the
 * manifest is there, waits on those status records and gets the whole clip.
 */
class SlowChunkITCase {

    private static final String CLIP = "slow-whole";
    private static final int FRAMES = 6 * 25;
    private static final Duration DOWNLOAD_TIMEOUT = Duration.ofSeconds(5);

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK = BoundedJobs.miniCluster();

    @TempDir
    Path tmp;

    @Test
    void theManifestComesFirstAndTheDownloadWaitsOnTheStatusOfAChunkThatOutlastsItsTimeout() throws Exception {
        Path source = SampleClipGenerator.write(tmp.resolve("clip.mp4"),
                new SampleClipGenerator.Spec(256, 64, 25, 1, 6, 16_000, 1));
        new ClipUploader(KAFKA.bootstrapServers(), ClipUploader.Options.defaults())
                .upload(source, CLIP, TransferProgress.NONE);

        Configuration conf = BoundedJobs.configuration(KAFKA.bootstrapServers(), "slow", tmp);
        conf.set(DubstreamOptions.STATUS_TOPIC, "slow.status");
        conf.set(DubstreamOptions.STATUS_HEARTBEAT, Duration.ofSeconds(1));
        // a 6 s clip runs whole; its chunk fails twice and waits 5 s, then 10 s, before the third attempt
        conf.set(DubstreamOptions.INFERENCE_MAX_ATTEMPTS, 3);
        conf.set(DubstreamOptions.INFERENCE_RETRY_BACKOFF, Duration.ofSeconds(5));
        conf.set(DubstreamOptions.INFERENCE_RETRY_MAX_BACKOFF, Duration.ofSeconds(10));
        conf.set(DubstreamOptions.FAULT_FAIL_CHUNKS, CLIP + ":0");
        conf.set(DubstreamOptions.FAULT_FAILING_ATTEMPTS, 2);

        // the job as it runs in production, on an unbounded source: checkpoints go on while the chunk waits
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        DubstreamJob.defineKafkaJob(env, conf);
        JobClient job = env.executeAsync("slow chunk");
        try {
            awaitCommitted("slow.out.clips", job);
            assertThat(CommittedClip.readPartition(KAFKA.bootstrapServers(), "slow.out.media", CLIP))
                    .as("the manifest is out while the chunk is still being worked on").isEmpty();

            long started = System.nanoTime();
            ClipDownloader.Result downloaded = new ClipDownloader(KAFKA.bootstrapServers(),
                    ClipDownloader.Options.defaults().withTopics(ClipTopics.withPrefix("slow.out."))
                            .withStatusTopic("slow.status").withIdleTimeout(DOWNLOAD_TIMEOUT))
                    .download(CLIP, tmp.resolve("slow.mp4"), TransferProgress.NONE);
            double waited = (System.nanoTime() - started) / 1e9;

            assertThat(downloaded.frames()).isEqualTo(FRAMES);
            assertThat(downloaded.end().getStatus()).isEqualTo(EndOfClip.Status.COMPLETE);
            assertThat(downloaded.end().getReason()).isEqualTo("mode=whole chunks=1");
            assertThat(waited).as("seconds the download waited for output").isGreaterThan(
                    2.0 * DOWNLOAD_TIMEOUT.toSeconds());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!(CommittedClip.records(KAFKA.bootstrapServers(), "slow.status", CLIP).stream()
                    .anyMatch(ClipStatus.class::isInstance))) {
                assertThat(System.nanoTime()).as("the clip's outcome on the status topic").isLessThan(deadline);
                Thread.sleep(200);
            }
        } finally {
            job.cancel().get(60, TimeUnit.SECONDS);
        }

        List<ClipRecord> status = CommittedClip.records(KAFKA.bootstrapServers(), "slow.status", CLIP);
        assertThat(CommittedClip.chunkChanges(status)).isEqualTo(Map.of(0, List.of("PENDING 0", "RUNNING 1",
                "RETRIED 1", "RUNNING 2", "RETRIED 2", "RUNNING 3", "DONE 3", "MERGED 3")));
        assertThat(status).filteredOn(r -> r instanceof ChunkStatus s && s.getState() == ChunkStatus.State.PENDING)
                .as("the chunk cut, then reported again while it stayed pending").hasSizeGreaterThan(5);
    }

    /** Waits until a record of the clip is committed on {@code topic}. */
    private static void awaitCommitted(String topic, JobClient job) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (CommittedClip.readPartitionOrEmpty(KAFKA.bootstrapServers(), topic, CLIP).isEmpty()) {
            assertThat(job.getJobStatus().get().isGloballyTerminalState()).as("the job ended").isFalse();
            assertThat(System.nanoTime()).as("nothing on %s within 60 s", topic).isLessThan(deadline);
            Thread.sleep(200);
        }
    }
}
