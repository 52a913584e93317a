package io.dubstream.job;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.ParameterTool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.dubstream.connectors.kafka.TransferException;
import io.dubstream.job.chunking.AssemblerSettings;
import io.dubstream.job.chunking.ChunkAssembler;
import io.dubstream.job.inference.ChunkInference;
import io.dubstream.job.inference.ChunkModelFactory;
import io.dubstream.job.inference.ChunkModels;
import io.dubstream.job.inference.ModelSharing;
import io.dubstream.job.inference.StageContext;
import io.dubstream.job.inference.lipsync.FaceSearch;
import io.dubstream.job.kafka.InputDeadLetters;
import io.dubstream.job.kafka.InputWatermarks;
import io.dubstream.job.inference.FaultInjection;
import io.dubstream.job.inference.RetryPolicy;
import io.dubstream.job.kafka.KafkaConnectors;
import io.dubstream.job.merge.OverlapAddMerger;
import io.dubstream.job.parts.FramePartJoiner;
import io.dubstream.job.records.Chunk;
import io.dubstream.job.records.ClipEvent;
import io.dubstream.job.status.ChunkStateTracker;
import io.dubstream.job.status.DeadLetterCounter;
import io.dubstream.job.status.PendingChunkReporter;

/**
 * The dubstream job:
 *
 * <pre>
 * Kafka (clips, media, script) -> keyBy clip -> FramePartJoiner -> keyBy clip -> ChunkAssembler
 *     -> ChunkInference -> keyBy clip -> OverlapAddMerger -> Kafka (out.clips, out.media),
 *     exactly once
 * ChunkAssembler's clip-start markers (at each manifest) -> keyBy clip -> OverlapAddMerger (the manifest goes out)
 * Kafka records that fail validation, frame parts FramePartJoiner refuses, records ChunkAssembler
 *     refuses, chunks that failed every attempt -> Kafka (dead-letter topic)
 * chunks cut (ChunkAssembler), attempts, merges and outcomes (OverlapAddMerger) -> keyBy clip
 *     -> ChunkStateTracker -> Kafka (status topic), exactly once
 * </pre>
 *
 * The source's records keep their Kafka timestamps, with watermarks ({@link InputWatermarks}) that
 * the assembler's idle timeout runs on; they end before inference.
 *
 * {@link #main} only reads options and plugs in the Kafka source and sink; {@link #defineWorkflow}
 * builds the graph, so that tests can run it on bounded input with a collecting sink.
 */
public final class DubstreamJob {

    private static final Logger LOG = LoggerFactory.getLogger(DubstreamJob.class);

    private DubstreamJob() {}

    /**
     * What the workflow produces: the clips' output with the dead letters (for the output and
     * dead-letter topics), and the status records (for the status topic).
     */
    public record Outputs(DataStream<ClipEvent> clips, DataStream<ClipEvent> status) {}

    /** {@code --dubstream.kafka.bootstrap-servers host:9092 [--key value ...]}: see docs/configuration.md. */
    public static void main(String[] args) throws Exception {
        Configuration conf = Configuration.fromMap(ParameterTool.fromArgs(args).toMap());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        run(env, conf);
    }

    /** Wires the Kafka connectors around the workflow and runs it (blocks while the job runs). */
    public static void run(StreamExecutionEnvironment env, Configuration conf) throws Exception {
        defineKafkaJob(env, conf);
        env.execute("dubstream");
    }

    /** Defines the whole job on {@code env}: checkpoints, Kafka source, workflow, exactly-once Kafka sinks. */
    public static void defineKafkaJob(StreamExecutionEnvironment env, Configuration conf) throws TransferException {
        KafkaConnectors.connection(conf); // refuses bad Kafka client properties before Kafka is contacted
        KafkaConnectors.createMissingTopics(conf);
        KafkaConnectors.checkRecordSizes(conf, true);
        defineKafkaJob(env, conf, KafkaConnectors.source(conf));
    }

    /** As {@link #defineKafkaJob(StreamExecutionEnvironment, Configuration)}, reading from {@code source}. */
    public static void defineKafkaJob(StreamExecutionEnvironment env, Configuration conf,
            Source<ClipEvent, ?, ?> source) {
        defineKafkaJob(env, conf, source, UnaryOperator.identity());
    }

    /**
     * As {@link #defineKafkaJob(StreamExecutionEnvironment, Configuration, Source)}, with
     * {@code inputStage} between the source and the workflow. It lets the job's integration tests run
     * the very graph the job runs, sinks included, with a stage of their own in front (a failure
     * injected mid-clip); the job itself uses none.
     *
     * @param inputStage applied to the stream the source reads; its operators need uids of their own
     */
    public static void defineKafkaJob(StreamExecutionEnvironment env, Configuration conf,
            Source<ClipEvent, ?, ?> source, UnaryOperator<DataStream<ClipEvent>> inputStage) {
        KafkaConnectors.checkRecordSizes(conf, false);
        configureCheckpoints(env, conf);
        DataStream<ClipEvent> input = env.fromSource(source, InputWatermarks.of(conf),
                "Kafka clips, media, script").uid("kafka-source");
        Outputs out = defineWorkflow(inputStage.apply(input), conf);
        out.clips().sinkTo(KafkaConnectors.sink(conf)).uid("kafka-sink").name("Kafka out (exactly once)");
        out.status().sinkTo(KafkaConnectors.statusSink(conf)).uid("kafka-status-sink")
                .name("Kafka status (exactly once)");
    }

    /** Exactly-once checkpoints at the configured interval, in the configured state backend. */
    public static void configureCheckpoints(StreamExecutionEnvironment env, Configuration conf) {
        env.enableCheckpointing(conf.get(DubstreamOptions.CHECKPOINT_INTERVAL).toMillis(), CheckpointingMode.EXACTLY_ONCE);
        String backend = conf.get(DubstreamOptions.STATE_BACKEND);
        Configuration state = new Configuration();
        switch (backend) {
            case DubstreamOptions.STATE_BACKEND_HASHMAP -> state.set(StateBackendOptions.STATE_BACKEND, backend);
            case DubstreamOptions.STATE_BACKEND_ROCKSDB -> {
                state.set(StateBackendOptions.STATE_BACKEND, backend);
                state.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
            }
            default -> throw new IllegalArgumentException(DubstreamOptions.STATE_BACKEND.key() + " must be "
                    + DubstreamOptions.STATE_BACKEND_HASHMAP + " or " + DubstreamOptions.STATE_BACKEND_ROCKSDB
                    + ", got '" + backend + "'");
        }
        env.configure(state);
    }

    private static String describeModels(Configuration conf) {
        String voice = conf.get(DubstreamOptions.VOICE_MODEL);
        return ChunkModelFactory.VOICE_NONE.equals(voice) ? conf.get(DubstreamOptions.MODEL)
                : voice + " + " + conf.get(DubstreamOptions.MODEL);
    }

    /**
     * The job's graph from input events to output events: processed clips and dead letters, and the
     * status records of the clips' chunks.
     *
     * @param input manifests, frames, audio blocks and end-of-clip records of any clips, plus dead
     *     letters for records that could not be read
     * @return the processed clips, the dead letters of the input and those of the records and clips
     *     the job refused
     */
    public static Outputs defineWorkflow(DataStream<ClipEvent> input, Configuration conf) {
        DataStream<ClipEvent> deadLetters = input.filter(e -> e.getDeadLetter() != null)
                .uid("dead-letters").name("dead letters");
        DataStream<ClipEvent> clips = input.filter(e -> e.getDeadLetter() == null)
                .uid("valid-records").name("valid records");

        float jpegQuality = conf.get(DubstreamOptions.JPEG_QUALITY);
        Duration finishedRetention = finishedRetention(conf);
        SingleOutputStreamOperator<ClipEvent> wholeFrames = clips
                .keyBy(ClipEvent::clipId)
                .process(FramePartJoiner.of(conf))
                .uid("frame-part-joiner").name("FramePartJoiner");
        SingleOutputStreamOperator<Chunk> chunks = wholeFrames
                .keyBy(ClipEvent::clipId)
                .process(new ChunkAssembler(AssemblerSettings.of(conf), InputDeadLetters.of(conf)))
                .uid("chunk-assembler").name("ChunkAssembler");
        DataStream<ClipEvent> refused = wholeFrames.getSideOutput(FramePartJoiner.DEAD_LETTERS)
                .union(chunks.getSideOutput(ChunkAssembler.DEAD_LETTERS));

        DataStream<ClipEvent> pending = chunks.process(new PendingChunkReporter())
                .uid("pending-chunk-reporter").name("pending chunks");

        // the clips' start markers skip inference: the merger emits each clip's manifest on them
        DataStream<Chunk> started = chunks.getSideOutput(ChunkAssembler.CLIPS_STARTED);
        SingleOutputStreamOperator<ClipEvent> merged = infer(chunks, conf)
                .union(started)
                .keyBy(Chunk::getClipId)
                .process(new OverlapAddMerger(jpegQuality, (int) conf.get(DubstreamOptions.AUDIO_BLOCK).toMillis(),
                        KafkaConnectors.limits(conf), finishedRetention, conf.get(DubstreamOptions.MERGE_MAX_HELD_CHUNKS)))
                .uid("overlap-add-merger").name("OverlapAddMerger");

        DataStream<ClipEvent> status = pending.union(merged.getSideOutput(OverlapAddMerger.STATUS))
                .keyBy(ClipEvent::clipId)
                .process(new ChunkStateTracker(finishedRetention, conf.get(DubstreamOptions.STATUS_HEARTBEAT)))
                .uid("chunk-state-tracker").name("ChunkStateTracker");
        DataStream<ClipEvent> allDeadLetters = deadLetters.union(refused, merged.getSideOutput(OverlapAddMerger.DEAD_LETTERS))
                .map(new DeadLetterCounter())
                .uid("dead-letter-counter").name("dead letters (counted)");
        return new Outputs(merged.union(allDeadLetters), status);
    }

    /**
     * Runs the models on the chunks, retrying failed attempts ({@link ChunkInference}). The input's
     * watermarks end at the assembler, whose idle timeout runs on them: in the async operator they would
     * be barriers that no chunk result may overtake, so a slow chunk would hold back the results of all
     * chunks cut after it.
     */
    private static DataStream<Chunk> infer(DataStream<Chunk> chunks, Configuration conf) {
        String model = conf.get(DubstreamOptions.MODEL);
        String voice = conf.get(DubstreamOptions.VOICE_MODEL);
        ChunkModels.Settings settings = modelSettings(conf);
        checkStageContext(conf);
        Duration timeout = conf.get(DubstreamOptions.INFERENCE_TIMEOUT);
        FaultInjection faults = FaultInjection.of(conf.get(DubstreamOptions.FAULT_FAIL_FRACTION),
                conf.get(DubstreamOptions.FAULT_FAIL_CHUNKS), conf.get(DubstreamOptions.FAULT_FAILING_ATTEMPTS),
                conf.get(DubstreamOptions.FAULT_OUT_OF_MEMORY));
        if (faults.isOn()) {
            LOG.warn("Fault injection is on: {}", faults);
        }
        DataStream<Chunk> withoutWatermarks = chunks.assignTimestampsAndWatermarks(WatermarkStrategy.noWatermarks())
                .uid("chunks-without-watermarks").name("chunks (input watermarks end here)");
        return AsyncDataStream.unorderedWait(
                        withoutWatermarks.rebalance(),
                        new ChunkInference(ChunkModelFactory.staged(voice, model, settings, DubstreamOptions.dubSettings(conf)),
                                conf.get(DubstreamOptions.INFERENCE_THREADS), retryPolicy(conf, timeout), faults,
                                KafkaConnectors.limits(conf).maxWholeFrameBytes(),
                                new ModelSharing(conf.get(DubstreamOptions.INFERENCE_SHARE_MODEL),
                                        ChunkModels.isLipSync(model), conf.get(DubstreamOptions.INFERENCE_DEVICE))),
                        timeout.toMillis(), TimeUnit.MILLISECONDS,
                        conf.get(DubstreamOptions.INFERENCE_CAPACITY))
                .uid("chunk-inference").name("ChunkInference (" + describeModels(conf) + ")");
    }

    /**
     * Refuses a {@code dubstream.chunk.context} shorter than what a configured stage reads on each side of
     * a chunk's core ({@link StageContext}), when the job is built.
     */
    static void checkStageContext(Configuration conf) {
        StageContext.check(conf.get(DubstreamOptions.CHUNK_CONTEXT), StageContext.of(conf.get(DubstreamOptions.VOICE_MODEL),
                conf.get(DubstreamOptions.MODEL), modelSettings(conf)));
    }

    /** How the models encode frames, batch the lip-sync model, where they run and how faces are searched. */
    static ChunkModels.Settings modelSettings(Configuration conf) {
        return new ChunkModels.Settings(conf.get(DubstreamOptions.JPEG_QUALITY),
                conf.get(DubstreamOptions.LIPSYNC_BATCH_SIZE), conf.get(DubstreamOptions.LIPSYNC_MAX_WAIT),
                conf.get(DubstreamOptions.INFERENCE_DEVICE), new FaceSearch(conf.get(DubstreamOptions.LIPSYNC_DETECT_EVERY),
                        conf.get(DubstreamOptions.LIPSYNC_TRACK_FACES)));
    }

    /**
     * How long the assembler, the merger and the tracker keep a finished clip's marker; refused when
     * not longer than the inference timeout, since a failed clip's chunks still in inference reach the
     * merger up to that long after its end and must find its marker there.
     */
    static Duration finishedRetention(Configuration conf) {
        Duration retention = conf.get(DubstreamOptions.CLIP_FINISHED_RETENTION);
        Duration timeout = conf.get(DubstreamOptions.INFERENCE_TIMEOUT);
        if (retention.compareTo(timeout) <= 0) {
            throw new IllegalArgumentException(DubstreamOptions.CLIP_FINISHED_RETENTION.key() + " (" + retention
                    + ") must exceed " + DubstreamOptions.INFERENCE_TIMEOUT.key() + " (" + timeout + "): chunks of a"
                    + " failed clip still in inference reach the merger up to that long after the clip's end, and"
                    + " must find its finished marker there");
        }
        return retention;
    }

    /** The retries of failed attempts; refused when their backoffs alone would outlast the inference timeout. */
    static RetryPolicy retryPolicy(Configuration conf, Duration timeout) {
        RetryPolicy retries = new RetryPolicy(conf.get(DubstreamOptions.INFERENCE_MAX_ATTEMPTS),
                conf.get(DubstreamOptions.INFERENCE_RETRY_BACKOFF), conf.get(DubstreamOptions.INFERENCE_RETRY_MAX_BACKOFF));
        if (retries.totalBackoff().compareTo(timeout) >= 0) {
            throw new IllegalArgumentException(DubstreamOptions.INFERENCE_TIMEOUT.key() + " (" + timeout
                    + ") spans all attempts of a chunk and must exceed the backoffs between them (" + retries + ": "
                    + retries.totalBackoff() + " in all); raise it or lower "
                    + DubstreamOptions.INFERENCE_MAX_ATTEMPTS.key() + " or the backoffs");
        }
        return retries;
    }
}
