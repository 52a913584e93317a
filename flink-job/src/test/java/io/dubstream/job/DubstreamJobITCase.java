package io.dubstream.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.dubstream.connectors.format.ClipRecordCodec;
import io.dubstream.connectors.kafka.ClipTopics;
import io.dubstream.connectors.kafka.ClipUploader;
import io.dubstream.connectors.kafka.KafkaBrokerExtension;
import io.dubstream.connectors.kafka.KafkaClients;
import io.dubstream.connectors.kafka.TransferProgress;
import io.dubstream.connectors.media.SampleClipGenerator;
import io.dubstream.connectors.records.DeadLetter;
import io.dubstream.job.records.ClipEvent;

/**
 * The whole job on a MiniCluster (parallelism 2) against a real Kafka broker: a 90 s clip goes in,
 * and a read_committed consumer finds every frame and sample exactly once, also across a failure (restored
 * from RocksDB incremental checkpoints);
 * a record that is no dubstream record goes to the dead-letter topic.
 */
class DubstreamJobITCase {

    private static final String CLIP = "ninety";
    private static final int FRAMES = 90 * 25;
    private static final long SAMPLES = 90 * 16_000;

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK = BoundedJobs.miniCluster();

    @TempDir
    static Path tmp;

    private static ClipUploader.Result uploaded;

    @BeforeAll
    static void uploadNinetySecondClip() throws Exception {
        Path clip = SampleClipGenerator.write(tmp.resolve("ninety.mp4"),
                new SampleClipGenerator.Spec(256, 144, 25, 1, 90, 16_000, 1));
        uploaded = new ClipUploader(KAFKA.bootstrapServers(), ClipUploader.Options.defaults())
                .upload(clip, CLIP, TransferProgress.NONE);
        assertThat(uploaded.frames()).isEqualTo(FRAMES);
        assertThat(uploaded.samples()).isEqualTo(SAMPLES);
        // one record that is no dubstream record at all, amid the clip's frames
        try (KafkaProducer<String, byte[]> producer =
                KafkaClients.transactionalProducer(KAFKA.bootstrapServers(), "garbage")) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(ClipTopics.INPUT.media(), CLIP, "not a frame".getBytes()));
            producer.commitTransaction();
        }
    }

    @Test
    void everyFrameAndSampleExactlyOnceWithIdentity() throws Exception {
        runJob("clean", false);

        CommittedClip out = output("clean.out.");
        out.assertExactCopyOf(CommittedClip.read(KAFKA.bootstrapServers(), ClipTopics.INPUT_PREFIX, CLIP, false),
                FRAMES, SAMPLES);
        assertThat(out.end().getReason()).isEqualTo("mode=chunked chunks=9");

        List<ConsumerRecord<String, byte[]>> dead = CommittedClip.readTopic(KAFKA.bootstrapServers(), "clean.dlq");
        assertThat(dead).hasSize(1);
        DeadLetter letter = (DeadLetter) new ClipRecordCodec().decode(dead.get(0).value()).recordOrThrow();
        assertThat(letter.getSourceTopic()).isEqualTo(ClipTopics.INPUT.media());
        assertThat(letter.getReason()).contains("does not start with the dubstream magic");
        assertThat(letter.getOriginalValue()).isEqualTo("not a frame".getBytes());
    }

    @Test
    void aFailureAfterACheckpointChangesNothingInTheOutput() throws Exception {
        runJob("clean2", false);
        runJob("failing", true);

        assertThat(FailOnceAfterCheckpoint.FAILED.get()).as("the failure was injected").isTrue();
        CommittedClip clean = output("clean2.out.");
        CommittedClip failing = output("failing.out.");
        assertThat(failing.rawValues).hasSameSizeAs(clean.rawValues);
        for (int i = 0; i < clean.rawValues.size(); i++) {
            assertThat(failing.rawValues.get(i)).as("output record %d", i).isEqualTo(clean.rawValues.get(i));
        }
    }

    private static void runJob(String name, boolean injectFailure) throws Exception {
        Configuration conf = BoundedJobs.configuration(KAFKA.bootstrapServers(), name, tmp);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(500));
        if (injectFailure) {
            // restored from RocksDB's incremental checkpoints, the output is the same as from the heap's
            conf.set(DubstreamOptions.STATE_BACKEND, DubstreamOptions.STATE_BACKEND_ROCKSDB);
        }
        BoundedJobs.run(conf, input -> injectFailure
                ? input.map(new FailOnceAfterCheckpoint(FRAMES / 2)).uid("fail-once") : input);
    }

    /**
     * Throws once, at the first frame at or after {@code atFrame} that comes after a completed
     * checkpoint. Until a checkpoint completes it slows the input a little (never blocking, so that
     * barriers pass), so that the failure falls mid-clip.
     */
    static final class FailOnceAfterCheckpoint implements MapFunction<ClipEvent, ClipEvent>, CheckpointListener {
        static final AtomicBoolean FAILED = new AtomicBoolean();
        private static final long serialVersionUID = 1L;
        private final long atFrame;
        private volatile boolean checkpointed;

        FailOnceAfterCheckpoint(long atFrame) {
            this.atFrame = atFrame;
        }

        @Override
        public ClipEvent map(ClipEvent event) throws InterruptedException {
            if (event.getFrame() == null || FAILED.get()) {
                return event;
            }
            if (!checkpointed) {
                Thread.sleep(2);
            } else if (event.getFrame().getFrameIndex() >= atFrame) {
                FAILED.set(true);
                throw new IllegalStateException("injected failure at frame " + event.getFrame().getFrameIndex());
            }
            return event;
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            checkpointed = true;
        }
    }

    private static CommittedClip output(String prefix) {
        return CommittedClip.read(KAFKA.bootstrapServers(), prefix, CLIP);
    }
}
