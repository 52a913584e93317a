package io.dubstream.job;

import java.util.concurrent.TimeUnit;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.ParameterTool;

import io.dubstream.connectors.kafka.TransferException;
import io.dubstream.job.chunking.AssemblerSettings;
import io.dubstream.job.chunking.ChunkAssembler;
import io.dubstream.job.inference.ChunkInference;
import io.dubstream.job.inference.ChunkModelFactory;
import io.dubstream.job.inference.ChunkModels;
import io.dubstream.job.inference.lipsync.FaceSearch;
import io.dubstream.job.kafka.InputDeadLetters;
import io.dubstream.job.kafka.KafkaConnectors;
import io.dubstream.job.merge.OverlapAddMerger;
import io.dubstream.job.records.Chunk;
import io.dubstream.job.records.ClipEvent;

/**
 * The dubstream job:
 *
 * <pre>
 * Kafka (clips, frames, audio) -> keyBy clip -> ChunkAssembler -> ChunkInference -> keyBy clip
 *     -> OverlapAddMerger -> Kafka (out.clips, out.frames, out.audio), exactly once
 * Kafka records that fail validation, records ChunkAssembler refuses -> Kafka (dead-letter topic)
 * </pre>
 *
 * {@link #main} only reads options and plugs in the Kafka source and sink; {@link #defineWorkflow}
 * builds the graph, so that tests can run it on bounded input with a collecting sink.
 */
public final class DubstreamJob {

    private DubstreamJob() {}

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

    /** Defines the whole job on {@code env}: checkpoints, Kafka source, workflow, exactly-once Kafka sink. */
    public static void defineKafkaJob(StreamExecutionEnvironment env, Configuration conf) throws TransferException {
        KafkaConnectors.createMissingTopics(conf);
        defineKafkaJob(env, conf, KafkaConnectors.source(conf));
    }

    /** As {@link #defineKafkaJob(StreamExecutionEnvironment, Configuration)}, reading from {@code source}. */
    public static void defineKafkaJob(StreamExecutionEnvironment env, Configuration conf,
            Source<ClipEvent, ?, ?> source) {
        configureCheckpoints(env, conf);
        DataStream<ClipEvent> input = env.fromSource(source, WatermarkStrategy.noWatermarks(),
                "Kafka clips, frames, audio").uid("kafka-source");
        defineWorkflow(input, conf).sinkTo(KafkaConnectors.sink(conf)).uid("kafka-sink")
                .name("Kafka out (exactly once)");
    }

    public static void configureCheckpoints(StreamExecutionEnvironment env, Configuration conf) {
        env.enableCheckpointing(conf.get(DubstreamOptions.CHECKPOINT_INTERVAL).toMillis(), CheckpointingMode.EXACTLY_ONCE);
    }

    private static String describeModels(Configuration conf) {
        String voice = conf.get(DubstreamOptions.VOICE_MODEL);
        return ChunkModelFactory.VOICE_NONE.equals(voice) ? conf.get(DubstreamOptions.MODEL)
                : voice + " + " + conf.get(DubstreamOptions.MODEL);
    }

    /**
     * The job's graph from input events to output events (processed clips and dead letters).
     *
     * @param input manifests, frames, audio blocks and end-of-clip records of any clips, plus dead
     *     letters for records that could not be read
     * @return the processed clips, the dead letters of the input and those of the records and clips
     *     the job refused
     */
    public static DataStream<ClipEvent> defineWorkflow(DataStream<ClipEvent> input, Configuration conf) {
        DataStream<ClipEvent> deadLetters = input.filter(e -> e.getDeadLetter() != null)
                .uid("dead-letters").name("dead letters");
        DataStream<ClipEvent> clips = input.filter(e -> e.getDeadLetter() == null)
                .uid("valid-records").name("valid records");

        float jpegQuality = conf.get(DubstreamOptions.JPEG_QUALITY);
        SingleOutputStreamOperator<Chunk> chunks = clips
                .keyBy(ClipEvent::clipId)
                .process(new ChunkAssembler(AssemblerSettings.of(conf), InputDeadLetters.of(conf)))
                .uid("chunk-assembler").name("ChunkAssembler");
        DataStream<ClipEvent> refused = chunks.getSideOutput(ChunkAssembler.DEAD_LETTERS);

        String model = conf.get(DubstreamOptions.MODEL);
        DataStream<Chunk> processed = AsyncDataStream.unorderedWait(
                        chunks.rebalance(),
                        new ChunkInference(ChunkModelFactory.staged(conf.get(DubstreamOptions.VOICE_MODEL), model,
                                new ChunkModels.Settings(jpegQuality, conf.get(DubstreamOptions.LIPSYNC_BATCH_SIZE),
                                        conf.get(DubstreamOptions.LIPSYNC_MAX_WAIT),
                                        conf.get(DubstreamOptions.INFERENCE_DEVICE),
                                        new FaceSearch(conf.get(DubstreamOptions.LIPSYNC_DETECT_EVERY),
                                                conf.get(DubstreamOptions.LIPSYNC_TRACK_FACES)))),
                                conf.get(DubstreamOptions.INFERENCE_THREADS)),
                        conf.get(DubstreamOptions.INFERENCE_TIMEOUT).toMillis(), TimeUnit.MILLISECONDS,
                        conf.get(DubstreamOptions.INFERENCE_CAPACITY))
                .uid("chunk-inference").name("ChunkInference (" + describeModels(conf) + ")");

        DataStream<ClipEvent> merged = processed
                .keyBy(Chunk::getClipId)
                .process(new OverlapAddMerger(jpegQuality, (int) conf.get(DubstreamOptions.AUDIO_BLOCK).toMillis()))
                .uid("overlap-add-merger").name("OverlapAddMerger");

        return merged.union(deadLetters, refused);
    }
}
