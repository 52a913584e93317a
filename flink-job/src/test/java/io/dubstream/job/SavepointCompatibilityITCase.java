package io.dubstream.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.dubstream.connectors.kafka.EmbeddedKafkaBroker;
import io.dubstream.connectors.kafka.TopicSetup;
import io.dubstream.connectors.records.AudioBlock;
import io.dubstream.connectors.records.EndOfClip;
import io.dubstream.connectors.records.VideoFrame;
import io.dubstream.job.kafka.KafkaConnectors;

/**
 * Every savepoint fixture committed under {@code src/test/resources/savepoints/} restores in this
 * release and finishes its clip exactly: a change of state (a serializer, a uid, a state descriptor,
 * the operator graph) that an earlier release's savepoint no longer fits fails the build here, not
 * in an upgrade. See {@link SavepointFixtureWriterITCase} for how a fixture is taken.
 *
 * <p>The broker is a fresh one: the test writes {@link FixtureClip} again in the same two
 * transactions, so that the offsets in the source's state point at the same records. What the job
 * committed before the savepoint went to the writer's broker; here only the rest of the clip comes
 * out, and it must start at the frame and the sample after the last ones committed then, run to the
 * clip's end with each frame and sample once, and end with a complete end-of-clip record. The sink's
 * transactions in the savepoint are unknown to this broker: the restore must get past them.
 */
class SavepointCompatibilityITCase {

    private static final Duration WAIT = Duration.ofSeconds(90);

    @RegisterExtension
    static final MiniClusterExtension FLINK = BoundedJobs.miniCluster();

    @TempDir
    Path tmp;

    @Test
    void everyCommittedFixtureRestoresAndFinishesItsClipExactly() throws Exception {
        List<SavepointFixture> fixtures = SavepointFixture.all();
        assertThat(fixtures).as("savepoint fixtures on the test classpath").isNotEmpty();
        for (SavepointFixture fixture : fixtures) {
            // a broker per fixture: each needs the clip at the same offsets
            try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
                restoresAndFinishesTheClip(fixture, broker.bootstrapServers(), tmp.resolve(fixture.name()));
            }
        }
    }

    private void restoresAndFinishesTheClip(SavepointFixture fixture, String bootstrap, Path dir) throws Exception {
        FixtureClip clip = new FixtureClip();
        assertThat(clip.sha256(fixture.recordFormatVersion())).as("fixture %s: the test clip's records are not those the savepoint was taken on"
                + " (a JPEG encoder or the record format changed): restoring it would prove nothing", fixture.name())
                .isEqualTo(fixture.inputSha256());
        Configuration conf = SavepointFixture.configuration(fixture.options(), bootstrap, dir);
        String in = conf.get(DubstreamOptions.INPUT_TOPIC_PREFIX);
        String out = conf.get(DubstreamOptions.OUTPUT_TOPIC_PREFIX);
        // as the writer did: the topics as the job creates them, then the two parts of the clip
        KafkaConnectors.createMissingTopics(conf);
        TopicSetup.ensureExist(bootstrap, fixture.mediaTopics(in), conf.get(DubstreamOptions.TOPIC_PARTITIONS));
        InputRecords.write(bootstrap, fixture.inputTopics(in), "fixture-first-part", clip.firstPart());
        InputRecords.write(bootstrap, fixture.inputTopics(in), "fixture-rest", clip.rest());

        conf.set(StateRecoveryOptions.SAVEPOINT_PATH, fixture.copySavepointTo(dir.resolve("savepoint")).toUri()
                .toString());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(fixture.parallelism());
        DubstreamJob.defineKafkaJob(env, conf);
        JobClient job = env.executeAsync("fixture " + fixture.name());
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (CommittedClip.committedEnd(bootstrap, out, FixtureClip.CLIP).isEmpty()) {
            assertThat(job.getJobStatus().get().isGloballyTerminalState())
                    .as("fixture %s: the restored job ended: %s", fixture.name(), job.getJobStatus().get()).isFalse();
            assertThat(System.nanoTime()).as("fixture %s: the clip's end within %s", fixture.name(), WAIT)
                    .isLessThan(deadline);
            Thread.sleep(200);
        }
        job.cancel().get(WAIT.toSeconds(), TimeUnit.SECONDS);

        assertThat(CommittedClip.readTopic(bootstrap, conf.get(DubstreamOptions.DEAD_LETTER_TOPIC)))
                .as("dead letters").isEmpty();
        CommittedClip rest = CommittedClip.read(bootstrap, out, FixtureClip.CLIP);
        assertTheRestOfTheClip(fixture, clip, rest);
    }

    /** Frames and samples from where the savepoint left off to the clip's end, each once, as they went in. */
    private static void assertTheRestOfTheClip(SavepointFixture fixture, FixtureClip clip, CommittedClip rest) {
        assertThat(rest.control).as("the output manifest went out before the savepoint; now only the end")
                .hasSize(1);
        EndOfClip end = rest.end();
        assertThat(end.getStatus()).as(end.getReason()).isEqualTo(EndOfClip.Status.COMPLETE);
        assertThat(end.getFramesSent()).isEqualTo(FixtureClip.FRAMES);
        assertThat(end.getSamplesSent()).isEqualTo(FixtureClip.SAMPLES);

        long first = fixture.framesCommittedBefore();
        assertThat(first).as("the savepoint was taken mid-clip").isBetween(1L, (long) FixtureClip.FRAMES - 1);
        assertThat(rest.frames).hasSize((int) (FixtureClip.FRAMES - first));
        for (int i = 0; i < rest.frames.size(); i++) {
            VideoFrame frame = rest.frames.get(i);
            VideoFrame input = clip.frames.get((int) first + i);
            assertThat(frame.getFrameIndex()).as("frame at %d after the savepoint", i).isEqualTo(first + i);
            assertThat(frame.getPtsMicros()).as("frame %d", first + i).isEqualTo(input.getPtsMicros());
            assertThat(frame.getImage()).as("frame %d", first + i).isEqualTo(input.getImage());
        }

        long next = fixture.samplesCommittedBefore();
        for (AudioBlock block : rest.audio) {
            assertThat(block.getFirstSample()).as("audio blocks follow one another").isEqualTo(next);
            next += block.sampleCount();
        }
        assertThat(next).as("samples through the clip's end").isEqualTo(FixtureClip.SAMPLES);
        short[] input = clip.samples();
        assertThat(rest.samples()).as("samples from %d", fixture.samplesCommittedBefore())
                .isEqualTo(Arrays.copyOfRange(input, (int) fixture.samplesCommittedBefore(), input.length));
        assertThat(Files.exists(fixture.directory().resolve("_metadata"))).isTrue();
    }
}
