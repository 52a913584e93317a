package io.dubstream.job.cluster;

import static io.dubstream.job.cluster.ClusterTests.deleteRecursively;
import static io.dubstream.job.cluster.ClusterTests.freePort;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.dubstream.connectors.kafka.ClipTopics;
import io.dubstream.connectors.kafka.ClipUploader;
import io.dubstream.connectors.kafka.KafkaBrokerExtension;
import io.dubstream.connectors.media.JpegCodec;
import io.dubstream.connectors.media.SampleClipGenerator;
import io.dubstream.connectors.records.AudioBlock;
import io.dubstream.connectors.records.ChunkStatus;
import io.dubstream.connectors.records.ClipManifest;
import io.dubstream.connectors.records.ClipRecord;
import io.dubstream.connectors.records.ClipStatus;
import io.dubstream.connectors.records.EndOfClip;
import io.dubstream.connectors.records.VideoFrame;
import io.dubstream.job.CommittedClip;
import io.dubstream.job.DubstreamOptions;
import io.dubstream.job.inference.ColourGainModel;
import io.dubstream.job.inference.IdentityModel;
import io.dubstream.job.records.Chunk;

/**
 * A model upgrade in the middle of a clip, as an operator does it: on the local cluster of separate
 * Flink processes (only Flink's jars; the job jar shipped by {@code dubstream job --cluster}), the job
 * runs with the {@code identity} model while a 20 s clip is uploaded; with its first 12 s uploaded and
 * its first two chunks merged, {@code dubstream job --cluster --stop JOB} stops it with a savepoint,
 * and {@code dubstream job --cluster --from-savepoint PATH --model colour-gain} starts the new job from
 * it; then the rest of the clip is uploaded.
 *
 * <p>The clip must come out once, whole and in order: every frame and sample once, a complete
 * end-of-clip record, every chunk cut, run, done and merged exactly once on the status topic, whose
 * records name the model that ran each chunk: {@code identity} for the chunks merged before the stop,
 * {@code colour-gain} for the rest. The frames and samples of identity's chunks are the input's, byte
 * for byte, and those of colour-gain's are what {@link ColourGainModel} makes of the input, except
 * in the 2 s where an identity chunk and a colour-gain chunk overlap: the merger crossfades them
 * there (the old model's tail held in the savepoint, the new model's head), so each frame's mean and
 * each sample lies between the two models' values.
 *
 * <p>No voice: a second job that opens PyTorch on a TaskManager of a session cluster where an earlier
 * job loaded it fails ("already loaded in another classloader", docs/operations.md, Job jar), and
 * neither model loads natives (colour-gain codes JPEG with the JDK's ImageIO), so the resumed job runs
 * on the same TaskManager. An upgrade of a job that opens PyTorch restarts the TaskManagers between
 * stop and resume, as the Kubernetes operator's application-mode upgrade does with new pods.
 *
 * <p>The cluster's configuration, logs and savepoint stay in {@code target/upgrade-model-itcase}.
 */
class UpgradeModelITCase {

    private static final String CLIP = "upgrade-1";
    private static final int SECONDS = 20;
    private static final int FPS = 25;
    private static final int FRAMES = SECONDS * FPS;
    private static final int SAMPLE_RATE = 16_000;
    private static final long SAMPLES = (long) SECONDS * SAMPLE_RATE;
    /** Fixed 4 s cores (no cut tolerance) with 1 s of context: 5 chunks, cores ending at 4, 8, 12, 16 and 20 s. */
    private static final int CHUNKS = 5;
    private static final long CONTEXT_MICROS = 1_000_000;
    /**
     * The upload waits here, the end of an upload transaction, until the new job runs: 12 s are
     * committed, enough for chunks 0 and 1 (windows up to 5 and 9 s) and not for chunk 2 (13 s).
     */
    private static final long HOLD_AT_FRAME = 300;
    private static final int MERGED_BEFORE_STOP = 2;
    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    private static final long POLL_MILLIS = 250;
    private static final String OLD_MODEL = IdentityModel.NAME;
    private static final String NEW_MODEL = ColourGainModel.NAME;

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @TempDir
    Path tmp;

    private static final long STARTED = System.nanoTime();

    @Test
    void chunksBeforeTheStopComeFromTheOldModelAndTheRestFromTheNewOneEachOnce() throws Exception {
        Path clip = SampleClipGenerator.write(tmp.resolve("clip.mp4"),
                new SampleClipGenerator.Spec(256, 144, FPS, 1, SECONDS, SAMPLE_RATE, 1));
        ClusterDirectory dir = new ClusterDirectory(Path.of("target", "upgrade-model-itcase"));
        deleteRecursively(dir.root());
        // one TaskManager with two slots, for the job's parallelism 2: both jobs run on the same JVM
        LocalClusterSpec spec = new LocalClusterSpec(freePort(), freePort(), 1, 2,
                LocalClusterSpec.DEFAULT_JOB_MANAGER_MEMORY, LocalClusterSpec.DEFAULT_TASK_MANAGER_MEMORY,
                LocalClusterSpec.NO_METRICS);
        ExecutorService uploads = Executors.newSingleThreadExecutor();
        try (LocalSessionCluster cluster = LocalSessionCluster.start(dir, spec, ClusterTests.flinkOnlyClasspath())
                .killOnExit()) {
            log("cluster up, web UI at " + cluster.webUi());
            ClusterRestApi rest = cluster.rest();
            String oldJob = ClusterTests.submittedJob(ClusterTests.dubstream(job(cluster, OLD_MODEL)));
            log("job " + oldJob + " submitted with model " + OLD_MODEL);

            UploadGate gate = new UploadGate(HOLD_AT_FRAME);
            Future<ClipUploader.Result> upload = uploads.submit(() -> new ClipUploader(KAFKA.bootstrapServers(),
                    ClipUploader.Options.defaults()).upload(clip, CLIP, gate));
            awaitTrue("chunks 0 to " + (MERGED_BEFORE_STOP - 1) + " merged", () -> {
                assertThat(upload.isDone()).as("the upload ended before its hold").isFalse();
                return mergedChunks().size() >= MERGED_BEFORE_STOP;
            });
            log("chunks " + mergedChunks().keySet() + " merged; stopping job " + oldJob + " with a savepoint");

            String stopped = ClusterTests.dubstream("job", "--cluster", cluster.restAddress(), "--stop", oldJob);
            Matcher savepoint = Pattern.compile("job " + oldJob + " stopped with savepoint (\\S+)").matcher(stopped);
            assertThat(savepoint.find()).as(stopped).isTrue();
            assertThat(rest.jobState(oldJob)).isEqualTo("FINISHED");
            assertThat(savepoint.group(1)).contains(dir.savepoints().toString());
            log("job " + oldJob + " stopped with savepoint " + savepoint.group(1));

            String resumed = ClusterTests.dubstream(job(cluster, NEW_MODEL, "--from-savepoint", savepoint.group(1)));
            assertThat(resumed).contains("with model " + NEW_MODEL + ", from savepoint " + savepoint.group(1));
            String newJob = ClusterTests.submittedJob(resumed);
            awaitTrue("job " + newJob + " running", () -> rest.jobState(newJob).equals("RUNNING"));
            String savepointName = Path.of(savepoint.group(1)).getFileName().toString();
            assertThat(rest.restoredFrom(newJob)).as("what job %s was restored from", newJob)
                    .hasValueSatisfying(path -> assertThat(path).endsWith(savepointName));
            log("job " + newJob + " restored from the savepoint with model " + NEW_MODEL);

            gate.holdAt(Long.MAX_VALUE);
            assertThat(upload.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).frames()).isEqualTo(FRAMES);
            awaitTrue("the clip's end-of-clip record", () -> {
                assertThat(rest.jobState(newJob)).as("job " + newJob).isNotIn("FAILED", "CANCELED", "FINISHED");
                return CommittedClip.committedEnd(KAFKA.bootstrapServers(), ClipTopics.OUTPUT_PREFIX, CLIP).isPresent();
            });
            log("output complete");

            Map<Integer, ChunkStatus> merged = assertEachChunkOnceByTheModelThatRanIt();
            assertOutputFollowsTheModels(merged);
        } finally {
            uploads.shutdownNow();
            log("took " + Math.round((System.nanoTime() - STARTED) / 1e9) + " s in all");
        }
    }

    /** {@code job --cluster --detached} with the test's chunking, and {@code more}. */
    private static String[] job(LocalSessionCluster cluster, String model, String... more) {
        List<String> args = new ArrayList<>(List.of("job", "--cluster", cluster.restAddress(), "--detached",
                "--bootstrap", KAFKA.bootstrapServers(), "--model", model, "--device", "cpu",
                "--set", DubstreamOptions.CHECKPOINT_INTERVAL.key() + "=1s",
                "--set", DubstreamOptions.CHUNK_CORE.key() + "=4s",
                "--set", "dubstream.chunk.cut-tolerance=0s",
                "--set", DubstreamOptions.CHUNK_CONTEXT.key() + "=1s",
                "--set", "dubstream.chunk.hybrid-threshold=0s"));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    /** The committed MERGED records of the clip's chunks, by chunk. */
    private static Map<Integer, ChunkStatus> mergedChunks() {
        Map<Integer, ChunkStatus> merged = new TreeMap<>();
        for (ClipRecord r : CommittedClip.records(KAFKA.bootstrapServers(), ClipTopics.STATUS_TOPIC, CLIP)) {
            if (r instanceof ChunkStatus s && s.getState() == ChunkStatus.State.MERGED) {
                assertThat(merged.put(s.getChunkIndex(), s)).as("chunk %d merged before", s.getChunkIndex()).isNull();
            }
        }
        return merged;
    }

    /**
     * Every chunk went through its changes once, the clip completed once, and the records of a
     * chunk's attempt name its model: the old one for the chunks merged before the stop, the new one
     * for the rest. Returns the MERGED records, which also state the chunks' cores.
     */
    private static Map<Integer, ChunkStatus> assertEachChunkOnceByTheModelThatRanIt() {
        List<ClipRecord> status = CommittedClip.records(KAFKA.bootstrapServers(), ClipTopics.STATUS_TOPIC, CLIP);
        Map<Integer, List<String>> changes = CommittedClip.chunkChanges(status);
        assertThat(changes).hasSize(CHUNKS);
        changes.forEach((chunk, c) -> assertThat(c).as("chunk %d", chunk)
                .containsExactly("PENDING 0", "RUNNING 1", "DONE 1", "MERGED 1"));
        for (ClipRecord r : status) {
            if (r instanceof ChunkStatus s && s.getState() != ChunkStatus.State.PENDING) {
                String model = s.getChunkIndex() < MERGED_BEFORE_STOP ? OLD_MODEL : NEW_MODEL;
                assertThat(s.getModel()).as("the model of %s", s).isEqualTo(model);
                assertThat(s.getVoice()).as("the voice of %s", s).isEmpty();
            }
        }
        assertThat(status).filteredOn(ClipStatus.class::isInstance).singleElement()
                .isInstanceOfSatisfying(ClipStatus.class,
                        s -> assertThat(s.getOutcome()).isEqualTo(ClipStatus.Outcome.COMPLETED));
        Map<Integer, ChunkStatus> merged = mergedChunks();
        log("models by chunk: " + merged.values().stream().map(s -> s.getChunkIndex() + "=" + s.getModel()).toList());
        return merged;
    }

    /**
     * Each frame and sample once and in order, each as its chunk's model made it, crossfaded where
     * chunks of the two models overlap.
     */
    private static void assertOutputFollowsTheModels(Map<Integer, ChunkStatus> merged) throws Exception {
        CommittedClip input = CommittedClip.read(KAFKA.bootstrapServers(), ClipTopics.INPUT_PREFIX, CLIP);
        CommittedClip output = CommittedClip.read(KAFKA.bootstrapServers(), ClipTopics.OUTPUT_PREFIX, CLIP);
        ClipManifest manifest = (ClipManifest) input.control.get(0);
        assertThat(output.control).hasSize(2);
        assertThat(output.control.get(0)).isEqualTo(manifest);
        EndOfClip end = output.end();
        assertThat(end.getStatus()).isEqualTo(EndOfClip.Status.COMPLETE);
        assertThat(end.getFramesSent()).isEqualTo(FRAMES);
        assertThat(end.getSamplesSent()).isEqualTo(SAMPLES);
        assertThat(input.frames).hasSize(FRAMES);

        // what colour-gain makes of the whole clip: it acts on each frame and sample alone
        byte[][] images = input.frames.stream().map(VideoFrame::getImage).toArray(byte[][]::new);
        short[] source = input.samples();
        Chunk whole = new ColourGainModel(DubstreamOptions.JPEG_QUALITY.defaultValue())
                .process(Chunk.of(manifest, 0, true, 0, images, 0, source, FRAMES, SAMPLES, null));
        Models models = new Models(merged);

        assertThat(output.frames).hasSize(FRAMES);
        int crossfaded = 0;
        for (int i = 0; i < FRAMES; i++) {
            VideoFrame frame = output.frames.get(i);
            assertThat(frame.getFrameIndex()).as("position %d", i).isEqualTo(i);
            assertThat(frame.getPtsMicros()).as("frame %d", i).isEqualTo(input.frames.get(i).getPtsMicros());
            long t = frame.getPtsMicros();
            if (models.nearASwitch(t)) {
                crossfaded++;
                double mean = mean(frame.getImage(), manifest);
                double a = mean(images[i], manifest);
                double b = mean(whole.getImages()[i], manifest);
                assertThat(mean).as("frame %d's mean, crossfaded", i).isBetween(Math.min(a, b) - 2, Math.max(a, b) + 2);
            } else {
                byte[] expected = models.at(t).equals(OLD_MODEL) ? images[i] : whole.getImages()[i];
                assertThat(frame.getImage()).as("frame %d from %s", i, models.at(t)).isEqualTo(expected);
            }
        }
        assertThat(crossfaded).as("frames near the switch of models").isPositive();

        short[] samples = output.samples();
        assertThat(samples).hasSize((int) SAMPLES);
        long next = 0;
        for (AudioBlock block : output.audio) {
            assertThat(block.getFirstSample()).isEqualTo(next);
            next += block.sampleCount();
        }
        for (int j = 0; j < samples.length; j++) {
            long t = j * 1_000_000L / SAMPLE_RATE;
            short a = source[j];
            short b = whole.getSamples()[j];
            if (models.nearASwitch(t)) {
                assertThat(samples[j]).as("sample %d, crossfaded", j)
                        .isBetween((short) (Math.min(a, b) - 1), (short) (Math.max(a, b) + 1));
            } else {
                assertThat(samples[j]).as("sample %d from %s", j, models.at(t))
                        .isEqualTo(models.at(t).equals(OLD_MODEL) ? a : b);
            }
        }
        log(FRAMES + " frames and " + SAMPLES + " samples once each, as their chunks' models made them ("
                + crossfaded + " frames crossfaded between the models)");
    }

    /** Which model made the part of the clip at a time, from the chunks' cores and models. */
    private record Models(Map<Integer, ChunkStatus> merged) {

        String at(long micros) {
            return merged.values().stream().filter(s -> s.getCoreStartMicros() <= micros && micros < s.getCoreEndMicros())
                    .findFirst().orElseThrow(() -> new AssertionError("no chunk's core holds " + micros + " us"))
                    .getModel();
        }

        /**
         * Whether the time lies where a chunk and the next, of different models, overlap (the core's
         * end +- the context, widened by a frame), which the merger crossfades.
         */
        boolean nearASwitch(long micros) {
            for (ChunkStatus s : merged.values()) {
                ChunkStatus next = merged.get(s.getChunkIndex() + 1);
                long margin = 1_000_000L / FPS;
                if (next != null && !next.getModel().equals(s.getModel())
                        && Math.abs(micros - s.getCoreEndMicros()) <= CONTEXT_MICROS + margin) {
                    return true;
                }
            }
            return false;
        }
    }

    private static double mean(byte[] jpeg, ClipManifest manifest) {
        byte[] bgr = JpegCodec.decodeBgr(jpeg, manifest.getWidth(), manifest.getHeight());
        long sum = 0;
        for (byte v : bgr) {
            sum += v & 0xff;
        }
        return (double) sum / bgr.length;
    }

    private static void awaitTrue(String what, ClusterTests.Condition condition) throws Exception {
        ClusterTests.awaitTrue(what, TIMEOUT, POLL_MILLIS, condition);
    }

    private static void log(String message) {
        System.out.printf("UpgradeModelITCase %6.1f s: %s%n", (System.nanoTime() - STARTED) / 1e9, message);
    }
}
