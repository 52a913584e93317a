package io.dubstream.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.dubstream.connectors.format.ClipRecordCodec;
import io.dubstream.connectors.kafka.ClipTopics;
import io.dubstream.connectors.kafka.KafkaBrokerExtension;
import io.dubstream.connectors.records.AudioBlock;
import io.dubstream.job.kafka.KafkaConnectors;

/**
 * Takes a new savepoint fixture, by hand, once per release whose state changed:
 * {@code mvn -o verify -pl flink-job -am -Dtest=NoSuchTest -Dsurefire.failIfNoSpecifiedTests=false
 * -Dit.test=SavepointFixtureWriterITCase -Ddubstream.fixtures.write=<name>} writes
 * {@code src/test/resources/savepoints/<name>/}. Skipped without the property.
 *
 * <p>The job reads the first part of {@link FixtureClip} (16 s), commits chunk 0 and is stopped with a
 * canonical savepoint while chunk 1 waits for frames: the savepoint holds the source's offsets, the
 * assembler's held frames and open clip, the merger's progress and the sink's transactions.
 */
@EnabledIfSystemProperty(named = SavepointFixtureWriterITCase.NAME_PROPERTY, matches = "[A-Za-z0-9._-]+")
class SavepointFixtureWriterITCase {

    static final String NAME_PROPERTY = "dubstream.fixtures.write";
    private static final int PARALLELISM = 2;
    private static final Duration WAIT = Duration.ofSeconds(60);

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK = BoundedJobs.miniCluster();

    @TempDir
    static Path tmp;

    @Test
    void writesASavepointTakenMidClip() throws Exception {
        String name = System.getProperty(NAME_PROPERTY);
        Path target = SavepointFixture.SOURCE_DIRECTORY.resolve(name);
        assertThat(target).as("fixtures are never overwritten: a release's fixture is what that release wrote")
                .doesNotExist();
        String bootstrap = KAFKA.bootstrapServers();
        Map<String, String> options = SavepointFixture.jobOptions();
        Configuration conf = SavepointFixture.configuration(options, bootstrap, tmp);
        KafkaConnectors.createMissingTopics(conf);
        FixtureClip clip = new FixtureClip();
        InputRecords.write(bootstrap, ClipTopics.withPrefix(conf.get(DubstreamOptions.INPUT_TOPIC_PREFIX)),
                "fixture-first-part", clip.firstPart());

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(PARALLELISM);
        DubstreamJob.defineKafkaJob(env, conf);
        JobClient job = env.executeAsync("fixture");
        String out = conf.get(DubstreamOptions.OUTPUT_TOPIC_PREFIX);
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (CommittedClip.read(bootstrap, out, FixtureClip.CLIP).frames.isEmpty()) {
            assertThat(System.nanoTime()).as("chunk 0 committed within %s", WAIT).isLessThan(deadline);
            Thread.sleep(200);
        }
        String savepoint = job.stopWithSavepoint(false, tmp.resolve("savepoints").toUri().toString(),
                SavepointFormatType.CANONICAL).get(WAIT.toSeconds(), TimeUnit.SECONDS);

        CommittedClip before = CommittedClip.read(bootstrap, out, FixtureClip.CLIP);
        assertThat(before.frames).as("the clip is still open at the savepoint")
                .hasSizeBetween(1, FixtureClip.CUT_FRAME - 1);
        assertThat(CommittedClip.committedEnd(bootstrap, out, FixtureClip.CLIP)).isEmpty();
        long samples = before.audio.stream().mapToLong(AudioBlock::sampleCount).sum();
        copy(Path.of(URI.create(savepoint)), target);
        SavepointFixture.writeProperties(target, options, PARALLELISM, before.frames.size(), samples,
                clip.sha256(ClipRecordCodec.VERSION));
        assertThat(size(target)).as("bytes of the fixture, to be committed").isLessThan(1_000_000);
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Path into = to.resolve(from.relativize(file).toString());
                Files.createDirectories(into.getParent());
                Files.copy(file, into);
            }
        }
    }

    private static long size(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
    }
}
