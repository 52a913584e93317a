package io.dubstream.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.dubstream.connectors.kafka.ClipTopics;
import io.dubstream.connectors.kafka.ClipUploader;
import io.dubstream.connectors.kafka.KafkaBrokerExtension;
import io.dubstream.connectors.kafka.TransferProgress;
import io.dubstream.connectors.media.SampleClipGenerator;
import io.dubstream.connectors.records.ChunkStatus;
import io.dubstream.connectors.records.ChunkStatus.State;
import io.dubstream.connectors.records.ClipRecord;
import io.dubstream.connectors.records.ClipStatus;
import io.dubstream.connectors.records.DeadLetter;
import io.dubstream.connectors.records.EndOfClip;
import io.dubstream.job.inference.FaultInjection;
import io.dubstream.job.kafka.KafkaConnectors;
import io.dubstream.job.status.ChunkDeadLetters;

/**
 * The whole job on a MiniCluster (parallelism 2) against a real Kafka broker with fault injection:
 * a share of all model attempts fails, and every attempt of one chunk of a second clip. The clip
 * whose failed attempts are retried comes out whole (identity model: every frame and sample exactly
 * once), and the status topic shows each of its chunks go PENDING, RUNNING, RETRIED exactly for the
 * injected failures, DONE and MERGED; the other clip fails with the reason on the status topic and a
 * dead letter for its chunk.
 */
class ChunkRetriesITCase {

    private static final String STEADY = "steady-clip";
    private static final String DOOMED = "doomed";
    private static final int FRAMES = 25 * 25;
    private static final long SAMPLES = 25 * 16_000;
    /** 5 s chunks: a 25 s clip has 5 of them. */
    private static final int CHUNKS = 5;
    private static final int MAX_ATTEMPTS = 3;
    private static final FaultInjection FAULTS = FaultInjection.of(0.3, DOOMED + ":1", MAX_ATTEMPTS, false);

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK = BoundedJobs.miniCluster();

    @TempDir
    static Path tmp;

    @BeforeAll
    static void uploadTwoClipsAndRunTheJob() throws Exception {
        Path clip = SampleClipGenerator.write(tmp.resolve("clip.mp4"),
                new SampleClipGenerator.Spec(256, 64, 25, 1, 25, 16_000, 1));
        ClipUploader uploader = new ClipUploader(KAFKA.bootstrapServers(), ClipUploader.Options.defaults());
        for (String id : List.of(STEADY, DOOMED)) {
            ClipUploader.Result uploaded = uploader.upload(clip, id, TransferProgress.NONE);
            assertThat(uploaded.frames()).isEqualTo(FRAMES);
            assertThat(uploaded.samples()).isEqualTo(SAMPLES);
        }

        Configuration conf = new Configuration();
        conf.set(DubstreamOptions.BOOTSTRAP_SERVERS, KAFKA.bootstrapServers());
        conf.set(DubstreamOptions.OUTPUT_TOPIC_PREFIX, "retries.out.");
        conf.set(DubstreamOptions.DEAD_LETTER_TOPIC, "retries.dlq");
        conf.set(DubstreamOptions.STATUS_TOPIC, "retries.status");
        conf.set(DubstreamOptions.CONSUMER_GROUP, "retries");
        conf.set(DubstreamOptions.TRANSACTIONAL_ID_PREFIX, "retries");
        conf.set(DubstreamOptions.CHECKPOINT_INTERVAL, Duration.ofMillis(500));
        conf.set(DubstreamOptions.CHUNK_CORE, Duration.ofSeconds(5));
        conf.set(DubstreamOptions.INFERENCE_MAX_ATTEMPTS, MAX_ATTEMPTS);
        conf.set(DubstreamOptions.INFERENCE_RETRY_BACKOFF, Duration.ofMillis(20));
        conf.set(DubstreamOptions.INFERENCE_RETRY_MAX_BACKOFF, Duration.ofMillis(50));
        conf.set(DubstreamOptions.FAULT_FAIL_FRACTION, 0.3);
        conf.set(DubstreamOptions.FAULT_FAIL_CHUNKS, DOOMED + ":1");
        conf.set(DubstreamOptions.FAULT_FAILING_ATTEMPTS, MAX_ATTEMPTS);
        conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, tmp.resolve("checkpoints").toUri().toString());
        BoundedJobs.run(conf);
    }

    @Test
    void retriedChunksLeaveTheOutputExactlyTheInput() {
        CommittedClip out = CommittedClip.read(KAFKA.bootstrapServers(), "retries.out.", STEADY, true);
        CommittedClip in = CommittedClip.read(KAFKA.bootstrapServers(), ClipTopics.INPUT_PREFIX, STEADY, true);

        assertThat(out.end().getStatus()).isEqualTo(EndOfClip.Status.COMPLETE);
        assertThat(out.frames).hasSize(FRAMES);
        for (int i = 0; i < FRAMES; i++) {
            assertThat(out.frames.get(i).getFrameIndex()).isEqualTo(i);
            assertThat(out.frames.get(i).getImage()).as("frame %d", i).isEqualTo(in.frames.get(i).getImage());
        }
        assertThat(out.samples()).hasSize((int) SAMPLES).isEqualTo(in.samples());
    }

    @Test
    void theStatusTopicShowsEachChunkRetriedExactlyForItsInjectedFailures() {
        List<ClipRecord> status = status(STEADY);
        Map<Integer, List<String>> byChunk = byChunk(status);

        int retries = 0;
        for (int k = 0; k < CHUNKS; k++) {
            List<String> expected = mergedAfterInjectedFailures(STEADY, k);
            assertThat(byChunk.get(k)).as("chunk %d", k).isEqualTo(expected);
            retries += (int) expected.stream().filter(c -> c.startsWith("RETRIED")).count();
        }
        assertThat(retries).as("the fault injection hit this clip").isPositive();
        assertThat(byChunk).hasSize(CHUNKS);
        assertThat(status.get(status.size() - 1))
                .isEqualTo(new ClipStatus(STEADY, ClipStatus.Outcome.COMPLETED, CHUNKS, retries, "",
                        ((ClipStatus) status.get(status.size() - 1)).getAtMillis()));
        // the last chunk's records, and every one after it, carry the chunk count
        ChunkStatus lastMerged = (ChunkStatus) status.get(status.size() - 2);
        assertThat(lastMerged.getState()).isEqualTo(State.MERGED);
        assertThat(lastMerged.getChunkCount()).isEqualTo(CHUNKS);
        assertThat(deadLetters(STEADY)).isEmpty();
    }

    @Test
    void aChunkOutOfAttemptsFailsItsClipWithTheReasonAndADeadLetter() {
        CommittedClip out = CommittedClip.read(KAFKA.bootstrapServers(), "retries.out.", DOOMED, true);
        String reason = "model identity failed on chunk 1 after 3 attempts: injected fault: attempt 3 of chunk 1 of"
                + " clip doomed";
        assertThat(out.end().getStatus()).isEqualTo(EndOfClip.Status.FAILED);
        assertThat(out.end().getReason()).isEqualTo(reason);

        List<ClipRecord> status = status(DOOMED);
        assertThat(byChunk(status).get(0)).isEqualTo(mergedAfterInjectedFailures(DOOMED, 0));
        assertThat(byChunk(status).get(1)).containsExactly("PENDING 0", "RUNNING 1", "RETRIED 1", "RUNNING 2",
                "RETRIED 2", "RUNNING 3", "FAILED 3");
        ClipStatus end = (ClipStatus) status.get(status.size() - 1);
        assertThat(end.getOutcome()).isEqualTo(ClipStatus.Outcome.FAILED);
        assertThat(end.getReason()).isEqualTo(reason);
        assertThat(end.getChunksMerged()).isEqualTo(1);

        assertThat(deadLetters(DOOMED)).singleElement().satisfies(d -> {
            assertThat(d.getSourceTopic()).isEqualTo(ChunkDeadLetters.SOURCE);
            assertThat(d.getReason()).isEqualTo(reason + " (attempt 1: injected fault: attempt 1 of chunk 1 of clip"
                    + " doomed; attempt 2: injected fault: attempt 2 of chunk 1 of clip doomed; attempt 3: injected"
                    + " fault: attempt 3 of chunk 1 of clip doomed)");
        });
    }

    /**
     * The changes of a chunk that the fault injection lets through within the attempts allowed: a
     * RETRIED for each attempt it fails, then DONE and MERGED.
     */
    private static List<String> mergedAfterInjectedFailures(String clipId, int chunk) {
        List<String> changes = new ArrayList<>(List.of("PENDING 0"));
        int attempt = 1;
        for (; FAULTS.fails(clipId, chunk, attempt); attempt++) {
            changes.add("RUNNING " + attempt);
            changes.add("RETRIED " + attempt);
        }
        assertThat(attempt).as("chunk %d of %s gets through within the attempts allowed", chunk, clipId)
                .isLessThanOrEqualTo(MAX_ATTEMPTS);
        changes.addAll(List.of("RUNNING " + attempt, "DONE " + attempt, "MERGED " + attempt));
        return changes;
    }

    /** The clip's status records, in the order of the topic. */
    private static List<ClipRecord> status(String clipId) {
        List<ClipRecord> records = CommittedClip.records(KAFKA.bootstrapServers(), "retries.status", clipId);
        assertThat(records).filteredOn(r -> r instanceof ClipStatus).as("one outcome, the last record").hasSize(1);
        assertThat(records.get(records.size() - 1)).isInstanceOf(ClipStatus.class);
        return records;
    }

    /** Per chunk, its changes as "STATE attempt", in the order of the topic (heartbeats left out). */
    private static Map<Integer, List<String>> byChunk(List<ClipRecord> status) {
        return CommittedClip.chunkChanges(status);
    }

    private static List<DeadLetter> deadLetters(String clipId) {
        return CommittedClip.records(KAFKA.bootstrapServers(), "retries.dlq", clipId).stream()
                .map(DeadLetter.class::cast).toList();
    }
}
