package io.dubstream.job.cluster;

import static io.dubstream.job.cluster.ClusterTests.deleteRecursively;
import static io.dubstream.job.cluster.ClusterTests.freeConsecutivePorts;
import static io.dubstream.job.cluster.ClusterTests.freePort;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.dubstream.connectors.kafka.ClipTopics;
import io.dubstream.connectors.kafka.ClipUploader;
import io.dubstream.connectors.kafka.KafkaBrokerExtension;
import io.dubstream.connectors.kafka.TransferProgress;
import io.dubstream.connectors.media.SampleClipGenerator;
import io.dubstream.job.CommittedClip;
import io.dubstream.job.MetricNames;
import io.dubstream.job.chunking.ChunkAssembler;
import io.dubstream.job.status.ChunkStateTracker;
import io.dubstream.job.status.DeadLetterCounter;

/**
 * The self-contained job jar on a cluster that has nothing but Flink: a JobManager and a TaskManager
 * as separate JVMs whose class path is Flink's modules, their dependencies and log4j (as a Flink
 * distribution's {@code lib/}), the job submitted with {@code dubstream job --cluster}, which ships
 * {@code target/dubstream-flink-job-<version>-job.jar}. The Kafka connector, DJL with PyTorch's
 * natives, JavaCV and the job's classes all come from that jar, through Flink's child-first user
 * class loader.
 *
 * <p>The voice stage ({@code voice-identity}) opens DJL's PyTorch engine on the TaskManager, so
 * libtorch and DJL's JNI library are unpacked from the jar and loaded by the job's class loader. The
 * clip must come out exact (identity model; the clip's 24 kHz audio is the voice's own rate, so the
 * voice stage passes it through bit for bit).
 *
 * <p>Then the job fails and restarts on the same TaskManager: its checkpoint directory is made
 * unwritable for a moment, and with no failed checkpoint tolerated the job fails over to its last
 * completed checkpoint (once, or twice when a checkpoint was in flight). The restarted tasks open the voice stage again, in the same user class loader
 * (Flink keeps it while the job holds the TaskManager's slots), so PyTorch is not loaded a second
 * time; a second clip must come out exact too.
 *
 * <p>Not covered: a second job that opens PyTorch on the same TaskManager gets a class loader of its
 * own and fails with "already loaded in another classloader" (docs/operations.md, Job jar).
 *
 * <p>After the first clip, the TaskManager's Prometheus endpoint (Flink's reporter, a plugin in the
 * cluster's {@code plugins/}, not on its class path) is scraped over HTTP for the job's metrics.
 *
 * <p>The cluster's configuration and logs stay in {@code target/shaded-jar-cluster-itcase}.
 */
class ShadedJarClusterITCase {

    private static final int SECONDS = 4;
    private static final int FRAMES = SECONDS * 25;
    private static final int SAMPLE_RATE = 24_000;
    private static final long SAMPLES = (long) SECONDS * SAMPLE_RATE;
    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @TempDir
    Path tmp;

    private static final long STARTED = System.nanoTime();

    @Test
    void theJobJarRunsOnAClusterOfOnlyFlink() throws Exception {
        Path clip = SampleClipGenerator.write(tmp.resolve("clip.mp4"),
                new SampleClipGenerator.Spec(256, 144, 25, 1, SECONDS, SAMPLE_RATE, 1));
        ClusterDirectory dir = new ClusterDirectory(Path.of("target", "shaded-jar-cluster-itcase"));
        deleteRecursively(dir.root());
        // one TaskManager with two slots: the job's parallelism 2, one JVM less on a small machine
        // with Flink's Prometheus reporter, a plugin: the JobManager and the TaskManager on ports of their own
        LocalClusterSpec spec = new LocalClusterSpec(freePort(), freePort(), 1, 2,
                LocalClusterSpec.DEFAULT_JOB_MANAGER_MEMORY, LocalClusterSpec.DEFAULT_TASK_MANAGER_MEMORY,
                freeConsecutivePorts(2));
        String classpath = ClusterTests.flinkOnlyClasspath();
        try (LocalSessionCluster cluster = LocalSessionCluster.start(dir, spec, classpath,
                Optional.of(FlinkClasspath.pluginsOfBuild())).killOnExit()) {
            log("cluster up with only Flink on its class path, web UI at " + cluster.webUi());
            String job = submit(cluster);
            runClip(cluster, job, "shaded-1", clip);
            scrapeMetrics(cluster);
            // DJL found PyTorch's natives in the jar Flink shipped with the job, and the engine started
            assertThat(Files.readString(dir.logFile("taskmanager-1"))).as("the TaskManager's log")
                    .containsPattern("Found matching platform from: jar:file:\\S+/job_" + job
                            + "/blob_\\S+!/native/lib/pytorch.properties")
                    .contains("ai.djl.pytorch.engine.PtEngine");

            failOnce(cluster, job);
            runClip(cluster, job, "shaded-2", clip);
            assertThat(cluster.rest().restoredCheckpoints(job)).as("restores of job " + job).isPositive();
            String log = Files.readString(dir.logFile("taskmanager-1"));
            assertThat(log).as("the TaskManager's log").doesNotContain("already loaded in another classloader");
            // the restarted tasks found the engine loaded: DJL looked for the natives once
            assertThat(Pattern.compile("Found matching platform from: ").matcher(log).results().count())
                    .as("loads of PyTorch's natives on the TaskManager").isEqualTo(1);
        } finally {
            log("took " + Math.round((System.nanoTime() - STARTED) / 1e9) + " s in all");
        }
    }

    /**
     * The TaskManager's Prometheus endpoint, as Prometheus scrapes it over HTTP, exports the job's
     * metrics under the names the docs' table gives (every one the job registers but the models'
     * totals, which need a lip-sync or dub stage), with the values of the one clip done: completed,
     * its frames cut into chunks, no dead letter, and no chunk or clip left in the tracker's gauges.
     * The JobManager's exports Flink's job metrics. {@code cluster status} names both endpoints.
     */
    private static void scrapeMetrics(LocalSessionCluster cluster) throws Exception {
        URI taskManager = cluster.metricsEndpoint("taskmanager-1").orElseThrow();
        URI jobManager = cluster.metricsEndpoint(LocalSessionCluster.JOB_MANAGER).orElseThrow();
        Set<String> expected = new TreeSet<>(MetricNames.JOB_METRICS);
        expected.removeAll(MetricNames.MODEL_METRICS);
        Set<String> documented = new TreeSet<>();
        MetricNames.documented().forEach(m -> documented.add(m.prometheusName()));
        String clipsCompleted = MetricNames.OPERATOR_SCOPE + ChunkStateTracker.CLIPS_COMPLETED;
        awaitTrue("the clip counted as completed at " + taskManager,
                () -> PrometheusScrape.of(taskManager).sum(clipsCompleted) == 1);
        PrometheusScrape scrape = PrometheusScrape.of(taskManager);
        assertThat(scrape.namesAfter(MetricNames.OPERATOR_SCOPE)).as("operator metrics at " + taskManager)
                .containsAll(expected);
        for (String name : expected) {
            assertThat(documented).as("the docs' table").contains(MetricNames.OPERATOR_SCOPE + name);
        }
        assertThat(scrape.sum(MetricNames.OPERATOR_SCOPE + ChunkAssembler.CHUNK_FRAMES)).as("frames cut into chunks")
                .isGreaterThanOrEqualTo(FRAMES);
        assertThat(scrape.sum(MetricNames.OPERATOR_SCOPE + DeadLetterCounter.METRIC)).as("dead letters").isZero();
        assertThat(scrape.sum(MetricNames.OPERATOR_SCOPE + ChunkStateTracker.CHUNKS_MERGED)
                + scrape.sum(MetricNames.OPERATOR_SCOPE + ChunkStateTracker.CLIPS_IN_PROGRESS))
                .as("chunks and clips left in the tracker after the clip's end").isZero();
        assertThat(PrometheusScrape.of(jobManager).namesAfter(MetricNames.JOB_SCOPE)).as("job metrics at " + jobManager)
                .contains("numRestarts", "lastCheckpointDuration", "numberOfFailedCheckpoints");
        assertThat(cluster.status().lines()).as("cluster status")
                .anySatisfy(l -> assertThat(l).contains("taskmanager-1").contains("metrics " + taskManager))
                .anySatisfy(l -> assertThat(l).contains("jobmanager").contains("metrics " + jobManager));
        log("the job's metrics at " + taskManager + ", Flink's job metrics at " + jobManager);
    }

    /** Uploads the clip as {@code clipId} and checks that the job writes it back exactly. */
    private void runClip(LocalSessionCluster cluster, String job, String clipId, Path clip) throws Exception {
        ClipUploader.Result upload = new ClipUploader(KAFKA.bootstrapServers(), ClipUploader.Options.defaults())
                .upload(clip, clipId, TransferProgress.NONE);
        assertThat(upload.frames()).isEqualTo(FRAMES);
        awaitTrue(clipId + "'s end-of-clip record", () -> {
            assertThat(cluster.rest().jobState(job)).as("job " + job).isNotIn("FAILED", "CANCELED", "FINISHED");
            return CommittedClip.committedEnd(KAFKA.bootstrapServers(), ClipTopics.OUTPUT_PREFIX, clipId).isPresent();
        });
        CommittedClip.read(KAFKA.bootstrapServers(), ClipTopics.OUTPUT_PREFIX, clipId).assertExactCopyOf(
                CommittedClip.read(KAFKA.bootstrapServers(), ClipTopics.INPUT_PREFIX, clipId), FRAMES, SAMPLES);
        log(clipId + " came out exact from job " + job);
    }

    /**
     * Makes the job fail over (once, or twice if a checkpoint was in flight): its checkpoint directory is swapped for a file, so that the next
     * checkpoint fails with an I/O error (the cluster tolerates none), and put back as soon as the job
     * leaves RUNNING, so that the restart restores from the last completed checkpoint. Returns once
     * the restarted job has completed a checkpoint.
     */
    private static void failOnce(LocalSessionCluster cluster, String job) throws Exception {
        ClusterRestApi rest = cluster.rest();
        long restored = rest.restoredCheckpoints(job);
        Path checkpoints = cluster.directory().checkpoints().resolve(job);
        Path aside = checkpoints.resolveSibling(job + ".aside");
        Files.move(checkpoints, aside);
        try {
            Files.createFile(checkpoints);
            awaitTrue("job " + job + " failing", 50, () -> !rest.jobState(job).equals("RUNNING"));
        } finally {
            Files.deleteIfExists(checkpoints);
            Files.move(aside, checkpoints);
        }
        log("job " + job + " failed over (" + rest.jobState(job) + ")");
        awaitTrue("job " + job + " restored", () -> rest.restoredCheckpoints(job) > restored
                && rest.jobState(job).equals("RUNNING"));
        long completed = rest.completedCheckpoints(job);
        awaitTrue("a checkpoint of the restarted job " + job, () -> rest.completedCheckpoints(job) > completed);
        log("job " + job + " restored from a checkpoint on the same TaskManager and checkpointing again");
    }

    /** {@code dubstream job --cluster --detached}, which ships the build's job jar; returns the job id. */
    private static String submit(LocalSessionCluster cluster) {
        String out = ClusterTests.dubstream("job", "--cluster", cluster.restAddress(), "--detached", "--bootstrap",
                KAFKA.bootstrapServers(), "--model", "identity", "--voice", "voice-identity", "--device", "cpu",
                "--set", "dubstream.checkpoint-interval=1s");
        String job = ClusterTests.submittedJob(out);
        Matcher jar = Pattern.compile(" in (dubstream-flink-job-\\S+-job\\.jar)").matcher(out);
        assertThat(jar.find()).as(out).isTrue();
        log("job " + job + " submitted with " + jar.group(1));
        return job;
    }

    private static void awaitTrue(String what, ClusterTests.Condition condition) throws Exception {
        awaitTrue(what, 250, condition);
    }

    private static void awaitTrue(String what, long pollMillis, ClusterTests.Condition condition) throws Exception {
        ClusterTests.awaitTrue(what, TIMEOUT, pollMillis, condition);
    }

    private static void log(String message) {
        System.out.printf("ShadedJarClusterITCase %6.1f s: %s%n", (System.nanoTime() - STARTED) / 1e9, message);
    }
}
