package io.dubstream.job.cluster;

import static io.dubstream.job.cluster.ClusterTests.deleteRecursively;
import static io.dubstream.job.cluster.ClusterTests.freePort;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.dubstream.connectors.kafka.ClipTopics;
import io.dubstream.connectors.kafka.ClipUploader;
import io.dubstream.connectors.kafka.KafkaBrokerExtension;
import io.dubstream.connectors.kafka.LivePace;
import io.dubstream.connectors.media.SampleClipGenerator;
import io.dubstream.connectors.records.ClipRecord;
import io.dubstream.connectors.records.ClipStatus;
import io.dubstream.connectors.records.EndOfClip;
import io.dubstream.job.CommittedClip;

/**
 * Exactly once under real faults, on a real cluster: a JobManager and two TaskManagers as separate
 * JVMs ({@link LocalSessionCluster}) with only Flink's jars, the job submitted as
 * {@code dubstream job --cluster} submits it (with the self-contained job jar), a 90 s clip uploaded at a live pace, and the TaskManager that runs the job killed with SIGKILL
 * twice mid-clip, each time after a checkpoint and while the sink has output in a transaction not yet
 * committed, and started again. The upload waits at a committed frame before each kill and goes on
 * only to the next such frame, so each kill comes mid-clip however slow the machine. A read_committed consumer must find the input back exactly
 * (identity model): every frame and sample once, no gap, no duplicate.
 *
 * <p>With {@code -D}{@value #FAIL_FRACTION_PROPERTY}{@code =0.2} the model's attempts also fail at
 * that rate ({@code dubstream.fault-injection.fail-fraction}), retried by the job on top of the
 * kills; the test then logs the recoveries and the attempts per chunk (the figures in
 * docs/benchmarks.md) and checks the same exactness.
 *
 * <p>The cluster's configuration and logs stay in {@code target/task-manager-kill-itcase}.
 */
class TaskManagerKillITCase {

    private static final String CLIP = "killed";
    private static final int SECONDS = 90;
    private static final int FRAMES = SECONDS * 25;
    private static final long SAMPLES = SECONDS * 16_000L;
    /** 10 s chunks. */
    private static final int CHUNKS = SECONDS / 10;
    /** The clip arrives over 45 s, so that the job has work ahead at every kill. */
    private static final double UPLOAD_FRAMES_PER_SECOND = 50;
    private static final int KILLS = 2;
    /** Where the upload waits before kill k: the end of a 100-frame upload transaction, so all before it is committed. */
    private static final long[] HOLDS = {600, 1200, 1800};
    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    private static final long POLL_MILLIS = 250;
    /** Often enough to catch a transaction between two checkpoints (1 s apart). */
    private static final long TRANSACTION_POLL_MILLIS = 20;
    static final String FAIL_FRACTION_PROPERTY = "dubstream.kill-itcase.fail-fraction";
    private static final double FAIL_FRACTION = Double.parseDouble(System.getProperty(FAIL_FRACTION_PROPERTY, "0"));

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @TempDir
    Path tmp;

    /** When the class loaded, before the broker starts: the test reports its time from there. */
    private static final long STARTED = System.nanoTime();

    @Test
    void killingTheBusyTaskManagerTwiceMidClipChangesNothingInTheOutput() throws Exception {
        Path clip = SampleClipGenerator.write(tmp.resolve("clip.mp4"),
                new SampleClipGenerator.Spec(256, 144, 25, 1, SECONDS, 16_000, 1));
        ClusterDirectory dir = new ClusterDirectory(Path.of("target", "task-manager-kill-itcase"));
        deleteRecursively(dir.root());
        ExecutorService uploads = Executors.newSingleThreadExecutor();
        ExecutorService restarter = Executors.newSingleThreadExecutor();
        List<CompletableFuture<String>> restarts = new ArrayList<>();
        // only Flink's jars, as a Flink distribution: the job brings the rest in the jar it ships
        try (LocalSessionCluster cluster = LocalSessionCluster.start(dir,
                LocalClusterSpec.defaults().withPorts(freePort(), freePort()).withMetricsPort(LocalClusterSpec.NO_METRICS),
                FlinkClasspath.ofBuild()).killOnExit()) {
            log("cluster up, web UI at " + cluster.webUi());
            String job = submit(cluster);
            UploadGate gate = new UploadGate(HOLDS[0]);
            LivePace pace = new LivePace(UPLOAD_FRAMES_PER_SECOND, gate);
            Future<ClipUploader.Result> upload = uploads.submit(() -> new ClipUploader(KAFKA.bootstrapServers(),
                    ClipUploader.Options.defaults()).upload(clip, CLIP, pace));

            ClusterRestApi rest = cluster.rest();
            for (int kill = 1; kill <= KILLS; kill++) {
                awaitFrames(pace, HOLDS[kill - 1], upload);
                awaitCheckpointFromNow(rest, job);
                assertThat(CommittedClip.committedEnd(KAFKA.bootstrapServers(), ClipTopics.OUTPUT_PREFIX, CLIP))
                        .as("the job's output is still incomplete at kill %d", kill).isEmpty();
                int tm = busyTaskManager(cluster);
                // on to the next hold: the job writes output again, and the clip cannot end before the kill
                gate.holdAt(HOLDS[kill]);
                long uncommitted = awaitOpenTransaction();
                long pid = cluster.killTaskManager(tm);
                log("kill " + kill + ": SIGKILL to taskmanager-" + tm + " (pid " + pid + ") with " + pace.frames()
                        + " of " + FRAMES + " frames uploaded and " + uncommitted
                        + " output frames in a transaction not yet committed");
                // started again while the job recovers on the other TaskManager, as a supervisor would
                restarts.add(CompletableFuture.supplyAsync(() -> restart(cluster, tm), restarter));
            }
            gate.holdAt(Long.MAX_VALUE);
            for (CompletableFuture<String> restart : restarts) {
                assertThat(restart.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).startsWith("taskmanager-");
            }
            assertThat(upload.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).frames()).isEqualTo(FRAMES);
            log("upload complete");
            EndOfClip end = awaitOutputEnd(rest, job);
            log("output complete: " + end.getStatus());

            long restores = rest.restoredCheckpoints(job);
            log("recoveries from a checkpoint: " + restores + " (" + KILLS + " kills, model attempts failing at "
                    + FAIL_FRACTION + ")");
            assertThat(restores).as("recoveries from a checkpoint").isGreaterThanOrEqualTo(KILLS);
            CommittedClip.read(KAFKA.bootstrapServers(), ClipTopics.OUTPUT_PREFIX, CLIP).assertExactCopyOf(
                    CommittedClip.read(KAFKA.bootstrapServers(), ClipTopics.INPUT_PREFIX, CLIP), FRAMES, SAMPLES);
            assertStatusExactlyOnce();
        } finally {
            uploads.shutdownNow();
            restarter.shutdownNow();
            log("took " + Math.round((System.nanoTime() - STARTED) / 1e9) + " s in all");
        }
    }

    /**
     * The status topic went through the same restores: every chunk's changes are committed once
     * (cut, run, done, merged, no repeats from the attempts the kills interrupted), then one outcome.
     */
    private static void assertStatusExactlyOnce() {
        List<ClipRecord> status = CommittedClip.records(KAFKA.bootstrapServers(), ClipTopics.STATUS_TOPIC, CLIP);
        // a chunk pending across a restore may be reported again as a heartbeat: that is no change
        Map<Integer, List<String>> byChunk = CommittedClip.chunkChanges(status);
        assertThat(byChunk).hasSize(CHUNKS);
        if (FAIL_FRACTION == 0) {
            byChunk.forEach((chunk, changes) -> assertThat(changes).as("chunk %d", chunk)
                    .containsExactly("PENDING 0", "RUNNING 1", "DONE 1", "MERGED 1"));
        } else {
            // failed attempts are retried: each chunk still ends merged, once
            byChunk.forEach((chunk, changes) -> {
                assertThat(changes).as("chunk %d", chunk).filteredOn(c -> c.startsWith("MERGED")).hasSize(1);
                assertThat(changes.get(changes.size() - 1)).as("chunk %d", chunk).startsWith("MERGED");
            });
            log("attempts per chunk: " + byChunk.values().stream()
                    .map(changes -> changes.get(changes.size() - 1).substring("MERGED ".length())).toList());
        }
        assertThat(status.get(status.size() - 1)).isInstanceOfSatisfying(ClipStatus.class,
                s -> assertThat(s.getOutcome()).isEqualTo(ClipStatus.Outcome.COMPLETED));
        assertThat(status).filteredOn(ClipStatus.class::isInstance).hasSize(1);
    }

    /** Submits the job with the launcher's {@code job --cluster --detached} and returns its id. */
    private static String submit(LocalSessionCluster cluster) {
        String out = ClusterTests.dubstream("job", "--cluster", cluster.restAddress(), "--detached", "--bootstrap",
                KAFKA.bootstrapServers(), "--model", "identity", "--set", "dubstream.checkpoint-interval=1s",
                "--set", "dubstream.fault-injection.fail-fraction=" + FAIL_FRACTION);
        String job = ClusterTests.submittedJob(out);
        assertThat(out).contains(cluster.webUi() + "/#/job/running/" + job);
        log("job " + job + " submitted");
        return job;
    }

    /** Starts TaskManager {@code n} again and returns its new resource id once it has registered. */
    private static String restart(LocalSessionCluster cluster, int n) {
        try {
            String id = cluster.startTaskManager(n);
            log("taskmanager-" + n + " registered again as " + id);
            return id;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until a checkpoint completes that started after now: the job runs and its state is saved. */
    private static void awaitCheckpointFromNow(ClusterRestApi rest, String job) throws Exception {
        long before = rest.completedCheckpoints(job);
        awaitTrue("a checkpoint after #" + before, () -> rest.completedCheckpoints(job) > before + 1);
    }

    /**
     * Waits until the job's sink has written output frames in a transaction that is not committed
     * yet, the moment to kill it: a sink that wrote them for good would duplicate them on recovery.
     */
    private static long awaitOpenTransaction() throws Exception {
        try (OpenTransactionProbe probe = new OpenTransactionProbe(KAFKA.bootstrapServers(),
                ClipTopics.OUTPUT.media(), CLIP)) {
            long[] uncommitted = new long[1];
            awaitTrue("output frames written but not committed", TRANSACTION_POLL_MILLIS,
                    () -> (uncommitted[0] = probe.uncommittedRecords()) > 0);
            return uncommitted[0];
        }
    }

    /** A TaskManager of the cluster that runs tasks of the job. */
    private static int busyTaskManager(LocalSessionCluster cluster) throws IOException {
        return cluster.rest().taskManagers().stream()
                .filter(ClusterRestApi.TaskManagerSlots::busy)
                .map(tm -> cluster.taskManagerNumber(tm.id()))
                .flatMap(Optional::stream)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no running TaskManager runs the job"));
    }

    private static EndOfClip awaitOutputEnd(ClusterRestApi rest, String job) throws Exception {
        EndOfClip[] end = new EndOfClip[1];
        awaitTrue("the job's end-of-clip record", () -> {
            assertThat(rest.jobState(job)).isNotIn("FAILED", "CANCELED", "FINISHED");
            end[0] = CommittedClip.committedEnd(KAFKA.bootstrapServers(), ClipTopics.OUTPUT_PREFIX, CLIP).orElse(null);
            return end[0] != null;
        });
        return end[0];
    }

    private static void awaitTrue(String what, ClusterTests.Condition condition) throws Exception {
        awaitTrue(what, POLL_MILLIS, condition);
    }

    private static void awaitTrue(String what, long pollMillis, ClusterTests.Condition condition) throws Exception {
        ClusterTests.awaitTrue(what, TIMEOUT, pollMillis, condition);
    }

    /** Waits until {@code n} frames are sent; fails if the upload ends first without them. */
    private static void awaitFrames(LivePace pace, long n, Future<?> upload) throws Exception {
        awaitTrue(n + " uploaded frames", () -> {
            if (upload.isDone()) {
                upload.get();
            }
            return pace.frames() >= n;
        });
    }

    private static void log(String message) {
        System.out.printf("TaskManagerKillITCase %6.1f s: %s%n", (System.nanoTime() - STARTED) / 1e9, message);
    }
}
