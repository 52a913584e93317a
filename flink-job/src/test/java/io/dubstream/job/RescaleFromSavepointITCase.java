package io.dubstream.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.dubstream.connectors.kafka.ClipTopics;
import io.dubstream.connectors.kafka.ClipUploader;
import io.dubstream.connectors.kafka.KafkaBrokerExtension;
import io.dubstream.connectors.kafka.TransferProgress;
import io.dubstream.connectors.media.SampleClipGenerator;
import io.dubstream.connectors.records.VideoFrame;

/**
 * The job's whole graph ({@link DubstreamJob#defineKafkaJob}, status sink included) stopped with a
 * savepoint mid-clip at parallelism 2 and resumed from it at parallelism 1 and 4: the clip comes out
 * exact, every frame and sample once. Chunk 5 fails its first six attempts on purpose (each retried
 * after 2 s), so that the savepoint falls after the first chunks came out and finds chunk 5 in
 * flight, in the async operator's state; resumed, it runs again from its first attempt.
 */
class RescaleFromSavepointITCase {

    private static final String CLIP = "rescaled";
    private static final long FRAMES = 90 * 25;
    private static final long SAMPLES = 90 * 16_000;

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    /** Four slots: a job of parallelism 4 needs them. */
    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(4).build());

    @TempDir
    static Path tmp;

    @BeforeAll
    static void uploadNinetySecondClip() throws Exception {
        Path clip = SampleClipGenerator.write(tmp.resolve("ninety.mp4"),
                new SampleClipGenerator.Spec(256, 64, 25, 1, 90, 16_000, 1));
        ClipUploader.Result uploaded = new ClipUploader(KAFKA.bootstrapServers(), ClipUploader.Options.defaults())
                .upload(clip, CLIP, TransferProgress.NONE);
        assertThat(uploaded.frames()).isEqualTo(FRAMES);
    }

    @ParameterizedTest(name = "from parallelism 2 to {0}")
    @ValueSource(ints = {1, 4})
    void aClipStoppedWithASavepointAndResumedAtAnotherParallelismComesOutExact(int resumed) throws Exception {
        String name = "rescale" + resumed;
        Configuration conf = BoundedJobs.configuration(KAFKA.bootstrapServers(), name, tmp);
        conf.set(DubstreamOptions.STATUS_TOPIC, name + ".status");
        // chunk 5 succeeds at its 7th attempt, after 6 x 2 s of backoff: the savepoint finds it in flight
        conf.set(DubstreamOptions.FAULT_FAIL_CHUNKS, CLIP + ":5");
        conf.set(DubstreamOptions.FAULT_FAILING_ATTEMPTS, 6);
        conf.set(DubstreamOptions.INFERENCE_RETRY_BACKOFF, Duration.ofSeconds(2));
        conf.set(DubstreamOptions.INFERENCE_RETRY_MAX_BACKOFF, Duration.ofSeconds(2));
        JobClient first = start(conf, 2);
        String prefix = name + ".out.";
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (CommittedClip.readPartition(KAFKA.bootstrapServers(), ClipTopics.withPrefix(prefix).media(), CLIP)
                .isEmpty()) {
            assertThat(first.getJobStatus().get().isGloballyTerminalState()).as("the job ended before any output: %s",
                    first.getJobStatus().get()).isFalse();
            assertThat(System.nanoTime()).as("output within 2 min").isLessThan(deadline);
            Thread.sleep(200);
        }
        String savepoint = first.stopWithSavepoint(false, tmp.resolve("savepoints-" + name).toUri().toString(),
                SavepointFormatType.CANONICAL).get();
        long framesBefore = CommittedClip.records(KAFKA.bootstrapServers(), ClipTopics.withPrefix(prefix).media(), CLIP)
                .stream().filter(VideoFrame.class::isInstance).count();
        assertThat(framesBefore).as("frames out at the savepoint").isBetween(1L, FRAMES - 1);

        conf.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
        JobClient second = start(conf, resumed);
        long end = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (CommittedClip.committedEnd(KAFKA.bootstrapServers(), prefix, CLIP).isEmpty()) {
            assertThat(System.nanoTime()).as("the clip's end within 3 min").isLessThan(end);
            Thread.sleep(200);
        }
        second.cancel().get();

        CommittedClip out = CommittedClip.read(KAFKA.bootstrapServers(), prefix, CLIP);
        out.assertExactCopyOf(CommittedClip.read(KAFKA.bootstrapServers(), ClipTopics.INPUT_PREFIX, CLIP), FRAMES,
                SAMPLES);
    }

    private static JobClient start(Configuration conf, int parallelism) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(parallelism);
        env.setMaxParallelism(128);
        // as production runs it: the unbounded source, topics and sizes checked at start
        DubstreamJob.defineKafkaJob(env, conf);
        return env.executeAsync(conf.get(DubstreamOptions.CONSUMER_GROUP));
    }
}
