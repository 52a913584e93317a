package io.dubstream.job.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import io.dubstream.connectors.cli.ConcurrentTransfersProgress;
import io.dubstream.connectors.cli.DownloadCommand;
import io.dubstream.connectors.cli.JvmMemory;
import io.dubstream.connectors.cli.EncoderOptions;
import io.dubstream.connectors.cli.ScriptInput;
import io.dubstream.connectors.cli.UploadCommand;
import io.dubstream.connectors.kafka.ClipDownloader;
import io.dubstream.connectors.kafka.ClipStatusFollower;
import io.dubstream.connectors.kafka.ClipTopics;
import io.dubstream.connectors.kafka.ClipUploader;
import io.dubstream.connectors.kafka.EmbeddedKafkaBroker;
import io.dubstream.connectors.kafka.FirstFrameClock;
import io.dubstream.connectors.kafka.LivePace;
import io.dubstream.connectors.kafka.TransferException;
import io.dubstream.connectors.kafka.TransferProgress;
import io.dubstream.connectors.media.AudioLayout;
import io.dubstream.connectors.media.MediaException;
import io.dubstream.connectors.media.MediaInfo;
import io.dubstream.connectors.media.MediaReader;
import io.dubstream.connectors.media.SampleClipGenerator;
import io.dubstream.connectors.media.VideoEncoding;
import io.dubstream.connectors.records.ClipMode;
import io.dubstream.connectors.records.ClipRecord;
import io.dubstream.connectors.records.ProcessingNote;
import io.dubstream.connectors.report.StatusRecordsJson;
import io.dubstream.connectors.script.Script;
import io.dubstream.job.DubstreamJob;
import io.dubstream.job.DubstreamOptions;
import io.dubstream.job.chunking.ChunkAssembler;
import io.dubstream.job.inference.ChunkModels;
import io.dubstream.job.inference.dub.DubbingStage;
import io.dubstream.job.inference.InferenceDevice;
import io.dubstream.job.inference.lipsync.LipSyncStage;

/**
 * {@code dubstream demo}: the whole system on this machine, nothing to install. It starts an
 * in-process Kafka broker and a local Flink cluster with its web UI, runs the job, uploads a clip
 * (a generated sample by default) while it downloads the job's output into an mp4, as the separate
 * upload and download services do in production, and writes a JSON summary.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Runs the dubstream job end to end on this machine: in-process Kafka, a local Flink cluster "
                + "with its web UI, upload, processing, download to an mp4, and a JSON summary."})
final class DemoCommand implements Callable<Integer> {

    /** The demo's checkpoint interval where chunks leave the model soon ({@link #checkpointInterval}). */
    static final Duration FAST_CHECKPOINTS = Duration.ofSeconds(2);

    @Spec
    CommandSpec spec;

    @Option(names = "--input", paramLabel = "FILE",
            description = "Clip to process; default: a generated 32 s 640x360 sample clip (out/sample.mp4).")
    Path input;

    @Option(names = "--output", paramLabel = "FILE", defaultValue = "out/demo.mp4",
            description = "The mp4 to write (default: ${DEFAULT-VALUE}).")
    Path output;

    @Option(names = "--summary", paramLabel = "FILE", defaultValue = "out/demo-summary.json",
            description = "The JSON summary to write (default: ${DEFAULT-VALUE}).")
    Path summary;

    @Mixin
    JobRunOptions run;

    @Option(names = "--clip-id", paramLabel = "ID", defaultValue = "demo",
            description = "Clip id (default: ${DEFAULT-VALUE}).")
    String clipId;

    @Mixin
    ScriptInput scriptInput;

    @Option(names = "--live",
            description = "Upload at the clip's own frame rate, as a live source sends it; without it the upload runs"
                    + " at full speed. The download runs alongside either way, and the summary's firstOutputSeconds"
                    + " is from the first frame sent to the first frame downloaded.")
    boolean live;

    @Mixin
    EncoderOptions encoder;

    @Option(names = "--skip-job",
            description = "Upload straight to the output topics and run no job: the transfer alone, to compare with.")
    boolean skipJob;

    @Override
    public Integer call() throws Exception {
        long started = System.nanoTime();
        Script script = scriptInput.read();
        VideoEncoding encoding = encoder.encoding();
        PrintWriter out = spec.commandLine().getOut();
        Path outDir = output.toAbsolutePath().getParent();
        Files.createDirectories(outDir);
        Path clip = input;
        if (clip != null) {
            Optional<Integer> restarted = DemoHeap.restartIfTooSmall(mediaInfo(clip), Configuration.fromMap(run.settings),
                    out);
            if (restarted.isPresent()) {
                return restarted.get();
            }
        }
        if (clip == null) {
            clip = outDir.resolve("sample.mp4");
            out.println("generating sample clip " + clip + " ...");
            SampleClipGenerator.write(clip, SampleClipGenerator.Spec.defaults());
        }
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
                LocalFlinkCluster flink = LocalFlinkCluster.start(run.parallelism)) {
            out.println("Kafka broker (in-process) at " + broker.bootstrapServers());
            out.println("Flink web UI at " + flink.webUi());
            Configuration conf = flink.withLocalCheckpoints(jobConfiguration(broker.bootstrapServers()));
            JobID job = null;
            if (!skipJob) {
                StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
                env.setParallelism(run.parallelism);
                DubstreamJob.defineKafkaJob(env, conf);
                job = flink.submit(env, "dubstream demo (" + run.model + ")");
                flink.awaitRunning(job, Duration.ofSeconds(60));
                out.println("job " + job + " running with model " + run.model);
                Thread demo = Thread.currentThread();
                flink.watch(job, reason -> {
                    jobFailure = reason;
                    demo.interrupt();
                });
            }

            try {
                return runClip(out, broker, flink, conf, job, clip, script, encoding, started);
            } catch (Exception e) {
                if (jobFailure != null) {
                    throw new IllegalStateException(jobFailure, e);
                }
                throw e;
            }
        }
    }

    /** Why the job ended while the demo still needed it; set by the job watcher. */
    private volatile String jobFailure;

    /** Why the upload failed while the download waited for it. */
    private volatile Throwable uploadFailure;

    /** The clip's frame rate, as its container states it. */
    private static double framesPerSecond(Path file) throws MediaException {
        MediaInfo info = mediaInfo(file);
        return (double) info.fpsNum() / info.fpsDen();
    }

    /** What the clip's container says of it. */
    private static MediaInfo mediaInfo(Path file) throws MediaException {
        try (MediaReader reader = MediaReader.open(file, AudioLayout.SOURCE)) {
            return reader.info();
        }
    }

    /**
     * Starts the upload on another thread; when it fails, notes why in {@link #uploadFailure} and
     * interrupts this thread, so that the download waiting for the clip ends with the upload's error.
     */
    private CompletableFuture<ClipUploader.Result> uploadInBackground(ClipUploader uploader, Path file, Script script,
            TransferProgress progress) {
        Thread demo = Thread.currentThread();
        CompletableFuture<ClipUploader.Result> upload = CompletableFuture.supplyAsync(() -> {
            try {
                return uploader.upload(file, clipId, script, progress);
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        });
        upload.whenComplete((result, failure) -> {
            if (failure != null) {
                uploadFailure = failure.getCause() != null ? failure.getCause() : failure;
                demo.interrupt();
            }
        });
        return upload;
    }

    /** Uploads the clip, downloads the job's output, cancels the job and writes the summary. */
    private Integer runClip(PrintWriter out, EmbeddedKafkaBroker broker, LocalFlinkCluster flink, Configuration conf,
            JobID job, Path clip, Script script, VideoEncoding encoding, long started) throws Exception {
        {
            long processingStarted = System.nanoTime();
            Path file = clip;
            ClipTopics outputTopics = ClipTopics.withPrefix(conf.get(DubstreamOptions.OUTPUT_TOPIC_PREFIX));
            ClipTopics uploadTo = skipJob ? outputTopics
                    : ClipTopics.withPrefix(conf.get(DubstreamOptions.INPUT_TOPIC_PREFIX));
            // the upload's frames at the quality of the job's own JPEGs: one setting for the transport
            ClipUploader uploader = new ClipUploader(broker.bootstrapServers(), ClipUploader.Options.defaults()
                    .withTopics(uploadTo).withJpegQuality(conf.get(DubstreamOptions.JPEG_QUALITY)));
            // the job's status records of the clip count as progress: a chunk may run for minutes
            ClipDownloader downloader = new ClipDownloader(broker.bootstrapServers(), ClipDownloader.Options.defaults()
                    .withTopics(outputTopics)
                    .withStatusTopic(skipJob ? "" : conf.get(DubstreamOptions.STATUS_TOPIC))
                    .withVideoEncoding(encoding));
            FirstFrameClock sent = new FirstFrameClock();
            FirstFrameClock received = new FirstFrameClock();
            // as in production, where the uploader and the downloader are separate services: both at once
            ConcurrentTransfersProgress progress = ConcurrentTransfersProgress.onTerminal("upload " + clipId,
                    "download " + clipId);
            TransferProgress uploadProgress = progress.transfer(0).andThen(sent);
            if (live) {
                double fps = framesPerSecond(file);
                out.println("uploading " + clipId + " at its own pace (" + round(fps) + " frames/s) while downloading");
                uploadProgress = new LivePace(fps, uploadProgress);
            } else {
                out.println("uploading " + clipId + " at full speed while downloading");
            }
            CompletableFuture<ClipUploader.Result> upload = uploadInBackground(uploader, file, script, uploadProgress);
            ClipDownloader.Result downloaded;
            try {
                downloaded = downloader.download(clipId, output, progress.transfer(1).andThen(received));
            } catch (Exception e) {
                if (uploadFailure != null) {
                    throw new IllegalStateException("the upload failed: " + uploadFailure.getMessage(), e);
                }
                throw e;
            } finally {
                progress.finish();
            }
            ClipUploader.Result uploaded = upload.join();
            out.println(UploadCommand.describe(uploaded));
            out.println(DownloadCommand.describe(downloaded, output));
            double processingSeconds = (System.nanoTime() - processingStarted) / 1e9;
            Map<String, Long> modelMetrics = Map.of();
            List<ClipRecord> statusRecords = new ArrayList<>();
            if (job != null) {
                modelMetrics = readModelMetrics(out, flink, job);
                readStatusRecords(out, broker.bootstrapServers(), conf.get(DubstreamOptions.STATUS_TOPIC),
                        statusRecords);
                flink.cancel(job);
            }

            double wall = (System.nanoTime() - started) / 1e9;
            var manifest = downloaded.manifest();
            double clipSeconds = (double) downloaded.frames() * manifest.getFpsDen() / manifest.getFpsNum();
            // how the job ran the clip, as its output says; nothing without a job
            Optional<ProcessingNote> note = ProcessingNote.parse(downloaded.end().getReason());
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("clipId", clipId);
            s.put("status", downloaded.end().getStatus().name());
            s.put("model", skipJob ? "none (no job: upload straight to the output topics)" : run.model);
            s.put("voiceModel", skipJob ? "none" : run.voice);
            s.put("input", clip.toString());
            s.put("output", output.toString());
            s.put("videoCodec", downloaded.videoCodec());
            s.put("width", manifest.getWidth());
            s.put("height", manifest.getHeight());
            s.put("fps", manifest.getFpsNum() + "/" + manifest.getFpsDen());
            s.put("framesIn", uploaded.frames());
            s.put("framesOut", downloaded.frames());
            s.put("audioSampleRate", manifest.getSampleRate());
            s.put("audioSamplesIn", uploaded.samples());
            s.put("audioSamplesOut", downloaded.samples());
            s.put("mode", note.map(n -> n.mode().label()).orElse("none"));
            s.put("chunks", note.map(ProcessingNote::chunks).orElse(0));
            // frames the model saw, the chunks' context included, as the assembler counted them
            s.put("chunkFrames", modelMetrics.get(ChunkAssembler.CHUNK_FRAMES));
            s.put("cutsInsideLines", modelMetrics.get(ChunkAssembler.CUTS_INSIDE_LINES));
            // the dub: lines spoken, and of them those that took the silence after their slot, were sped up or cut
            s.put("dubLinesSpoken", modelMetrics.get(DubbingStage.LINES_SPOKEN));
            s.put("dubLinesExtended", modelMetrics.get(DubbingStage.LINES_EXTENDED));
            s.put("dubLinesStretched", modelMetrics.get(DubbingStage.LINES_STRETCHED));
            s.put("dubLinesCut", modelMetrics.get(DubbingStage.LINES_CUT));
            s.put("lipSyncFramesWithoutSpeech", modelMetrics.get(LipSyncStage.FRAMES_WITHOUT_SPEECH));
            s.put("device", skipJob ? "none" : InferenceDevice.resolve(run.device).toString());
            putModelMetrics(s, modelMetrics);
            s.put("clipSeconds", round(clipSeconds));
            s.put("processingSeconds", round(processingSeconds));
            s.put("framesPerSecond", round(downloaded.frames() / processingSeconds));
            s.put("wallSeconds", round(wall));
            s.put("realtimeFactor", round(clipSeconds / wall));
            s.put("live", live);
            // the first frame's latency through the whole system; without --live, behind a clip sent faster than its pace
            s.put("firstOutputSeconds", sent.firstFrameNanos().isPresent() && received.firstFrameNanos().isPresent()
                    ? round((received.firstFrameNanos().getAsLong() - sent.firstFrameNanos().getAsLong()) / 1e9)
                    : null);
            s.put("peakHeapBytes", JvmMemory.peakHeapBytes());
            s.put("peakRssBytes", JvmMemory.peakRssBytes());
            s.put("stateBackend", skipJob ? "none" : Configuration.fromMap(run.settings).get(DubstreamOptions.STATE_BACKEND));
            s.put("checkpointIntervalSeconds", skipJob ? null
                    : conf.get(DubstreamOptions.CHECKPOINT_INTERVAL).toMillis() / 1000.0);
            s.put("checkpointsCompleted", modelMetrics.get(JobMetrics.CHECKPOINTS_COMPLETED));
            s.put("lastCheckpointBytes", modelMetrics.get(JobMetrics.CHECKPOINT_BYTES));
            s.put("lastCheckpointWrittenBytes", modelMetrics.get(JobMetrics.CHECKPOINT_WRITTEN_BYTES));
            s.put("peakCheckpointBytes", modelMetrics.get(JobMetrics.CHECKPOINT_PEAK_BYTES));
            s.put("peakCheckpointWrittenBytes", modelMetrics.get(JobMetrics.CHECKPOINT_PEAK_WRITTEN_BYTES));
            s.put("flinkWebUi", flink.webUi().toString());
            // the clip's status records, for `dubstream report`: the broker, and its status topic, end with the demo
            s.put("statusRecords", StatusRecordsJson.toJson(statusRecords));
            Files.createDirectories(summary.toAbsolutePath().getParent());
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(summary.toFile(), s);
            out.println("wrote " + output + " and " + summary);
        }
        return 0;
    }

    /**
     * Collects the clip's status records into {@code records}, up to its clip status (visible at the
     * checkpoint after the download's end); with a warning, those that came when none comes for 20 s.
     */
    private void readStatusRecords(PrintWriter out, String bootstrap, String topic, List<ClipRecord> records) {
        try {
            new ClipStatusFollower(bootstrap, topic, Duration.ofSeconds(20)).follow(clipId, records::add);
        } catch (TransferException e) {
            out.println("warning: the summary has " + records.size() + " status records of the clip, not its outcome: "
                    + e.getMessage());
        }
    }

    /**
     * The lip-sync stage's metrics, read through Flink's REST API before the job is cancelled; none,
     * with a warning, when the API does not answer: the clip is done, the summary still gets written.
     */
    private static Map<String, Long> readModelMetrics(PrintWriter out, LocalFlinkCluster flink, JobID job)
            throws InterruptedException {
        try {
            JobMetrics metrics = new JobMetrics(flink.webUi(), job);
            Map<String, Long> read = new HashMap<>(metrics.readSettled("ChunkInference", Map.of(
                    LipSyncStage.FRAMES_WITH_FACE, JobMetrics.Aggregate.SUM,
                    LipSyncStage.FRAMES_WITHOUT_FACE, JobMetrics.Aggregate.SUM,
                    LipSyncStage.GPU_PEAK_USED_BYTES, JobMetrics.Aggregate.MAX,
                    LipSyncStage.FRAMES_WITHOUT_SPEECH, JobMetrics.Aggregate.SUM,
                    DubbingStage.LINES_SPOKEN, JobMetrics.Aggregate.SUM,
                    DubbingStage.LINES_EXTENDED, JobMetrics.Aggregate.SUM,
                    DubbingStage.LINES_STRETCHED, JobMetrics.Aggregate.SUM,
                    DubbingStage.LINES_CUT, JobMetrics.Aggregate.SUM), Duration.ofMillis(1500), 6));
            read.putAll(metrics.read("ChunkAssembler", Map.of(ChunkAssembler.CHUNK_FRAMES, JobMetrics.Aggregate.SUM,
                    ChunkAssembler.CUTS_INSIDE_LINES, JobMetrics.Aggregate.SUM)));
            read.putAll(metrics.lastCheckpoint());
            return read;
        } catch (IOException e) {
            out.println("warning: could not read the job's metrics, the summary leaves them out: " + e.getMessage());
            return Map.of();
        }
    }

    /**
     * What the lip-sync stage reported through the inference operator's metrics: frames with a face
     * (the chunks' context included, and frames of chunks that ran again after a restore), faces per
     * frame, and on a GPU the most device memory seen in use. Null where the stage did not run or did
     * not know.
     */
    private static void putModelMetrics(Map<String, Object> s, Map<String, Long> metrics) {
        Long with = metrics.get(LipSyncStage.FRAMES_WITH_FACE);
        Long without = metrics.get(LipSyncStage.FRAMES_WITHOUT_FACE);
        Long gpuPeak = metrics.get(LipSyncStage.GPU_PEAK_USED_BYTES);
        if (with != null && without != null && with + without > 0) {
            s.put("lipSyncFrames", with + without);
            s.put("lipSyncFramesWithFace", with);
            s.put("facesPerFrame", round((double) with / (with + without)));
        } else {
            s.put("lipSyncFrames", null);
            s.put("lipSyncFramesWithFace", null);
            s.put("facesPerFrame", null);
        }
        s.put("gpuPeakUsedBytes", gpuPeak != null && gpuPeak > 0 ? gpuPeak : null);
    }


    private Configuration jobConfiguration(String bootstrap) {
        Configuration conf = Configuration.fromMap(run.settings);
        conf.set(DubstreamOptions.BOOTSTRAP_SERVERS, bootstrap);
        conf.set(DubstreamOptions.MODEL, run.model);
        conf.set(DubstreamOptions.VOICE_MODEL, run.voice);
        conf.set(DubstreamOptions.INFERENCE_DEVICE, run.device);
        if (!conf.contains(DubstreamOptions.CHECKPOINT_INTERVAL)) {
            conf.set(DubstreamOptions.CHECKPOINT_INTERVAL, checkpointInterval(run.model, run.device));
        }
        conf.set(DubstreamOptions.TRANSACTIONAL_ID_PREFIX, "dubstream-demo");
        return conf;
    }

    /**
     * The demo's checkpoint interval where {@code --set} does not choose one. Output becomes visible at
     * each checkpoint, so every 2 s. But every checkpoint writes the chunks in flight at the inference
     * operator in full (its operator state, which Flink writes a byte at a time), and a lip-sync model on
     * the CPU holds each chunk for tens of seconds: there the job's default, 10 s. With the lip-sync
     * model, the 90 s face clip's demo spent 32 CPU-s writing 81 checkpoints of up to 89 MB at 2 s, and
     * 5 CPU-s on 14 at 10 s.
     */
    static Duration checkpointInterval(String model, String device) {
        boolean slowChunks = ChunkModels.isLipSync(model) && !InferenceDevice.resolve(device).isGpu();
        return slowChunks ? DubstreamOptions.CHECKPOINT_INTERVAL.defaultValue() : FAST_CHECKPOINTS;
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
