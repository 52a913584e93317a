package io.dubstream.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.dubstream.connectors.format.ClipRecordCodec;
import io.dubstream.connectors.kafka.ClipTopics;
import io.dubstream.connectors.kafka.ClipUploader;
import io.dubstream.connectors.kafka.KafkaBrokerExtension;
import io.dubstream.connectors.kafka.TransferProgress;
import io.dubstream.connectors.media.SampleClipGenerator;
import io.dubstream.connectors.records.AudioBlock;
import io.dubstream.connectors.records.ClipRecord;
import io.dubstream.connectors.records.DeadLetter;
import io.dubstream.connectors.records.EndOfClip;
import io.dubstream.connectors.records.VideoFrame;

/**
 * The job stopped with a savepoint in the middle of a clip, down for longer than the clip's idle
 * timeout and the stalled-input timeout while the uploader writes the rest of the clip, then resumed
 * from the savepoint: the clip comes out exact, frame for frame and sample for sample, with no dead
 * letter. Before the idle timeout ran on the input's time, the resumed job failed the clip at once.
 * Records of the clip that straggle in after its end become dead letters, and its output keeps its
 * one end-of-clip record.
 * The job runs as in production, on the unbounded Kafka source, at parallelism 2; about 45 s.
 */
class StopAndResumeITCase {

    private static final String CLIP = "resumed";
    private static final int FRAMES = 30 * 25;
    private static final long SAMPLES = 30 * 16_000;
    /** The upload is cut after this many frames (16 s): chunk 0 can go out, the clip cannot end. */
    private static final int FIRST_PART_FRAMES = 400;
    private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration STALLED_INPUT_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration DOWNTIME = STALLED_INPUT_TIMEOUT.plusSeconds(2);
    private static final Duration WAIT = Duration.ofSeconds(60);

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK = BoundedJobs.miniCluster();

    @TempDir
    static Path tmp;

    @Test
    void aClipStoppedMidwayComesOutExactAfterADowntimeLongerThanItsTimeouts() throws Exception {
        String bootstrap = KAFKA.bootstrapServers();
        Path file = SampleClipGenerator.write(tmp.resolve("clip.mp4"),
                new SampleClipGenerator.Spec(256, 144, 25, 1, 30, 16_000, 1));
        new ClipUploader(bootstrap, ClipUploader.Options.defaults().withTopics(ClipTopics.withPrefix("staging.")))
                .upload(file, CLIP, TransferProgress.NONE);
        CommittedClip staged = CommittedClip.read(bootstrap, "staging.", CLIP);
        assertThat(staged.frames).hasSize(FRAMES);
        long cutMicros = staged.frames.get(FIRST_PART_FRAMES).getPtsMicros();

        Configuration conf = BoundedJobs.configuration(bootstrap, "resume", tmp);
        conf.set(DubstreamOptions.INPUT_TOPIC_PREFIX, "resume.in.");
        conf.set(DubstreamOptions.CLIP_IDLE_TIMEOUT, IDLE_TIMEOUT);
        conf.set(DubstreamOptions.CLIP_STALLED_INPUT_TIMEOUT, STALLED_INPUT_TIMEOUT);
        ClipTopics in = ClipTopics.withPrefix("resume.in.");
        InputRecords.write(bootstrap, in, "first-part", firstPart(staged, cutMicros));

        JobClient job = start(conf);
        // chunk 0 is merged and committed: the job is in the middle of the clip
        await(() -> !CommittedClip.read(bootstrap, "resume.out.", CLIP).frames.isEmpty(), "chunk 0 committed");
        String savepoint = job.stopWithSavepoint(false, tmp.resolve("savepoints").toUri().toString(),
                SavepointFormatType.CANONICAL).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(CommittedClip.committedEnd(bootstrap, "resume.out.", CLIP)).as("no end before the stop").isEmpty();

        // while the job is down the uploader writes the rest of the clip
        InputRecords.write(bootstrap, in, "rest", rest(staged, cutMicros));
        Thread.sleep(DOWNTIME.toMillis());

        conf.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
        JobClient resumed = start(conf);
        await(() -> CommittedClip.committedEnd(bootstrap, "resume.out.", CLIP).isPresent(), "the clip's end");
        assertThat(CommittedClip.readTopic(bootstrap, "resume.dlq")).as("dead letters").isEmpty();
        // stragglers after the clip's end: dead letters, never a second end-of-clip record
        InputRecords.write(bootstrap, in, "stragglers", List.of(staged.frames.get(3), staged.control.get(1)));
        await(() -> CommittedClip.readTopic(bootstrap, "resume.dlq").size() == 2, "the stragglers' dead letters");
        resumed.cancel().get(WAIT.toSeconds(), TimeUnit.SECONDS);

        CommittedClip out = CommittedClip.read(bootstrap, "resume.out.", CLIP);
        out.assertExactCopyOf(staged, FRAMES, SAMPLES);
        assertThat(out.end().getReason()).startsWith("mode=chunked");
        ClipRecordCodec codec = new ClipRecordCodec();
        assertThat(CommittedClip.readTopic(bootstrap, "resume.dlq"))
                .extracting(r -> ((DeadLetter) codec.decode(r.value()).recordOrThrow()).getReason())
                .containsExactlyInAnyOrder("frame 3 of clip resumed arrived after the clip ended",
                        "end-of-clip record of clip resumed arrived after the clip ended");
    }

    /** The manifest, the frames before the cut and the audio blocks that start before it. */
    private static List<ClipRecord> firstPart(CommittedClip clip, long cutMicros) {
        List<ClipRecord> records = new ArrayList<>();
        records.add(clip.control.get(0));
        records.addAll(clip.frames.subList(0, FIRST_PART_FRAMES));
        for (AudioBlock block : clip.audio) {
            if (startsBefore(block, cutMicros)) {
                records.add(block);
            }
        }
        return records;
    }

    /** The frames and audio blocks from the cut on, and the end-of-clip record. */
    private static List<ClipRecord> rest(CommittedClip clip, long cutMicros) {
        List<ClipRecord> records = new ArrayList<>();
        for (AudioBlock block : clip.audio) {
            if (!startsBefore(block, cutMicros)) {
                records.add(block);
            }
        }
        List<VideoFrame> frames = clip.frames;
        records.addAll(frames.subList(FIRST_PART_FRAMES, frames.size()));
        records.add((EndOfClip) clip.control.get(1));
        return records;
    }

    private static boolean startsBefore(AudioBlock block, long micros) {
        return block.getFirstSample() * 1_000_000L < micros * block.getSampleRate();
    }

    /** Starts the job as production runs it, on the unbounded Kafka source. */
    private static JobClient start(Configuration conf) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        DubstreamJob.defineKafkaJob(env, conf);
        return env.executeAsync(conf.get(DubstreamOptions.CONSUMER_GROUP));
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
            Thread.sleep(200);
        }
    }
}
