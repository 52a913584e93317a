package io.dubstream.job;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

import io.dubstream.connectors.format.RecordLimits;
import io.dubstream.connectors.records.DeadLetter;
import io.dubstream.connectors.kafka.ClipTopics;
import io.dubstream.job.inference.ChunkModels;
import io.dubstream.job.inference.ChunkModelFactory;
import io.dubstream.job.inference.IdentityModel;
import io.dubstream.job.inference.ModelSharing;
import io.dubstream.job.inference.dub.DubSettings;
import io.dubstream.job.inference.dub.SpeechSynthesizers;
import io.dubstream.job.inference.dub.TorchScriptSpeechModel;
import io.dubstream.job.inference.voice.VoiceModels;
import io.dubstream.job.inference.InferenceDevice;

/**
 * Every setting of the dubstream job, as typed Flink options with defaults and descriptions. Set them
 * as {@code --key value} on the job's command line ({@link DubstreamJob#main} reads its arguments);
 * {@code docs/configuration.md} is generated from this class ({@link ConfigurationDocs}).
 */
public final class DubstreamOptions {

    private DubstreamOptions() {}

    /** The dub settings the options give; {@code dubstream.dub.max-stretch} as {@code SLOWEST-FASTEST}. */
    public static DubSettings dubSettings(org.apache.flink.configuration.Configuration conf) {
        String stretch = conf.get(DUB_MAX_STRETCH);
        String[] speeds = stretch.split("-");
        double slowest;
        double fastest;
        try {
            if (speeds.length != 2) {
                throw new NumberFormatException();
            }
            slowest = Double.parseDouble(speeds[0].trim());
            fastest = Double.parseDouble(speeds[1].trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(DUB_MAX_STRETCH.key() + " '" + stretch
                    + "' is not SLOWEST-FASTEST, e.g. 0.8-1.25");
        }
        return new DubSettings(conf.get(DUB_DUCK_DB), conf.get(DUB_DUCK_RAMP).toNanos() / 1000,
                conf.get(DUB_NEXT_LINE_MARGIN).toNanos() / 1000, fastest, slowest);
    }

    public static final ConfigOption<String> BOOTSTRAP_SERVERS = ConfigOptions.key("dubstream.kafka.bootstrap-servers")
            .stringType()
            .noDefaultValue()
            .withDescription("Kafka bootstrap servers of the input and output topics, e.g. kafka:9092. Required.");

    public static final ConfigOption<Map<String, String>> KAFKA_PROPERTIES = ConfigOptions
            .key("dubstream.kafka.properties")
            .mapType()
            .defaultValue(Map.of())
            .withDescription("Kafka client properties given to the job's source, both sinks and the admin client that"
                    + " creates and checks topics, one key each: dubstream.kafka.properties.<client property>: value,"
                    + " e.g. dubstream.kafka.properties.security.protocol: SASL_SSL,"
                    + " dubstream.kafka.properties.sasl.mechanism: SCRAM-SHA-512 and"
                    + " dubstream.kafka.properties.sasl.jaas.config. Settings exactly-once rests on are refused at"
                    + " start: bootstrap.servers, transactional.id, enable.idempotence, isolation.level,"
                    + " enable.auto.commit, the (de)serializers, and group.id, transaction.timeout.ms and"
                    + " max.request.size, which have options of their own.");

    public static final ConfigOption<String> INPUT_TOPIC_PREFIX = ConfigOptions.key("dubstream.kafka.input-prefix")
            .stringType()
            .defaultValue(ClipTopics.INPUT_PREFIX)
            .withDescription("The job reads <prefix>clips, <prefix>media and <prefix>script, and <prefix>frames and"
                    + " <prefix>audio where they exist (where uploaders wrote frames and audio before the media topic).");

    public static final ConfigOption<String> OUTPUT_TOPIC_PREFIX = ConfigOptions.key("dubstream.kafka.output-prefix")
            .stringType()
            .defaultValue(ClipTopics.OUTPUT_PREFIX)
            .withDescription("The job writes <prefix>clips, <prefix>media and <prefix>script.");

    public static final ConfigOption<String> DEAD_LETTER_TOPIC = ConfigOptions.key("dubstream.kafka.dead-letter-topic")
            .stringType()
            .defaultValue(ClipTopics.DEAD_LETTER_TOPIC)
            .withDescription("Where records that cannot be accepted go, with the reason and their original bytes, and"
                    + " the chunks that failed every inference attempt.");

    public static final ConfigOption<String> STATUS_TOPIC = ConfigOptions.key("dubstream.kafka.status-topic")
            .stringType()
            .defaultValue(ClipTopics.STATUS_TOPIC)
            .withDescription("Where the job publishes a status record per change of a chunk's state (pending, running,"
                    + " retried, failed, done, merged) and one per clip when it ends, keyed by clip id.");

    public static final ConfigOption<Duration> STATUS_HEARTBEAT = ConfigOptions
            .key("dubstream.status.heartbeat-interval")
            .durationType()
            .defaultValue(Duration.ofSeconds(30))
            .withDescription("How often a clip's lowest chunk still pending (cut, inference not finished) is reported"
                    + " again on the status topic, unchanged but for its time, so that readers that judge a clip"
                    + " alive by its records (download, status) wait for a chunk that runs long. Readers see it at"
                    + " the next checkpoint: keep their --timeout above this plus dubstream.checkpoint-interval."
                    + " 0 turns heartbeats off.");

    public static final ConfigOption<Integer> TOPIC_PARTITIONS = ConfigOptions.key("dubstream.kafka.topic-partitions")
            .intType()
            .defaultValue(4)
            .withDescription("Partitions of the dubstream topics that the job creates at start when they are"
                    + " missing (existing topics are left alone). 0 creates no topics.");

    public static final ConfigOption<String> CONSUMER_GROUP = ConfigOptions.key("dubstream.kafka.group-id")
            .stringType()
            .defaultValue("dubstream-job")
            .withDescription("Consumer group of the job's Kafka source (offsets are checkpointed by Flink; the group"
                    + " only shows progress to Kafka tools).");

    public static final ConfigOption<String> TRANSACTIONAL_ID_PREFIX = ConfigOptions
            .key("dubstream.kafka.transactional-id-prefix")
            .stringType()
            .defaultValue("dubstream-job")
            .withDescription("Prefix of the exactly-once sinks' Kafka transactional ids (the status sink appends"
                    + " -status); unique per job on a cluster.");

    public static final ConfigOption<Duration> TRANSACTION_TIMEOUT = ConfigOptions
            .key("dubstream.kafka.transaction-timeout")
            .durationType()
            .defaultValue(Duration.ofMinutes(10))
            .withDescription("Kafka transaction timeout of the exactly-once sink. It must exceed the checkpoint"
                    + " interval plus the time to restart after a failure, and be at most the brokers'"
                    + " transaction.max.timeout.ms (15 min by default).");

    /** The state backend that keeps operator state on the heap (Flink's default). */
    public static final String STATE_BACKEND_HASHMAP = "hashmap";
    /** The state backend that keeps operator state in RocksDB on local disk, checkpointed incrementally. */
    public static final String STATE_BACKEND_ROCKSDB = "rocksdb";

    public static final ConfigOption<String> STATE_BACKEND = ConfigOptions
            .key("dubstream.state.backend")
            .stringType()
            .defaultValue(STATE_BACKEND_HASHMAP)
            .withDescription("Where operator state lives: hashmap (the JVM heap; every checkpoint writes all of it) or"
                    + " rocksdb (local disk, with incremental checkpoints that write only what changed since the last:"
                    + " held frames make large state, so this suits many clips in flight or long chunks).");

    public static final ConfigOption<Duration> CHECKPOINT_INTERVAL = ConfigOptions
            .key("dubstream.checkpoint-interval")
            .durationType()
            .defaultValue(Duration.ofSeconds(10))
            .withDescription("How often the job checkpoints; output becomes visible to read_committed consumers"
                    + " at each checkpoint.");

    public static final ConfigOption<Duration> CHUNK_CORE = ConfigOptions.key("dubstream.chunk.core")
            .durationType()
            .defaultValue(Duration.ofSeconds(10))
            .withDescription("Nominal length of a chunk's core. The cut that ends a core moves up to"
                    + " dubstream.chunk.cut-tolerance either way to fall between spoken lines (or, without a script,"
                    + " in the quietest 200 ms of audio); a chunk covers its core plus the context on each side.");

    public static final ConfigOption<Duration> CHUNK_CUT_TOLERANCE = ConfigOptions
            .key("dubstream.chunk.cut-tolerance")
            .durationType()
            .defaultValue(Duration.ofSeconds(2))
            .withDescription("How far a cut may move from the nominal core length either way: cores are core +-"
                    + " tolerance (8-12 s by default), cut in the middle of the widest gap between script lines, or"
                    + " at the quietest 200 ms of audio for a clip without a script. 0 gives fixed cores. A chunk"
                    + " leaves once its media reaches the end of the window, up to the tolerance later than with"
                    + " fixed cores. Core minus tolerance must be at least twice the context.");

    public static final ConfigOption<Duration> CHUNK_MAX_CORE = ConfigOptions.key("dubstream.chunk.max-core")
            .durationType()
            .defaultValue(Duration.ofSeconds(15))
            .withDescription("The longest core: where script lines cover the whole cut window, the core stretches"
                    + " to the next gap between lines up to this length; past it the cut falls inside a line at its"
                    + " quietest point (counted in the metric cutsInsideLines and marked inside-line in the status"
                    + " records). At least core + cut tolerance.");

    public static final ConfigOption<Duration> CHUNK_CONTEXT = ConfigOptions.key("dubstream.chunk.context")
            .durationType()
            .defaultValue(Duration.ofSeconds(1))
            .withDescription("Context on each side of a chunk's core; neighbouring chunks overlap by twice this and"
                    + " are crossfaded there (dubbed chunks join at the cut). At most half the core, and at least what"
                    + " every configured stage reads around a core (lip-sync: 0.75 s with a detection on every frame),"
                    + " checked at start.");

    public static final ConfigOption<Duration> CHUNK_HYBRID_THRESHOLD = ConfigOptions
            .key("dubstream.chunk.hybrid-threshold")
            .durationType()
            .defaultValue(Duration.ofSeconds(15))
            .withDescription("Clips no longer than this run as one chunk, without overlap or crossfade; longer ones"
                    + " are chunked. The manifest's duration decides, or the end-of-clip record's frame count when"
                    + " the manifest states none (a whole clip is held until its end, at most this long). 0 chunks"
                    + " every clip.");

    public static final ConfigOption<Duration> CLIP_IDLE_TIMEOUT = ConfigOptions.key("dubstream.clip.idle-timeout")
            .durationType()
            .defaultValue(Duration.ofMinutes(5))
            .withDescription("A clip that receives no record for this long before its end-of-clip record is closed"
                    + " as FAILED and its state is freed. The time is the input's: the Kafka timestamps of the records"
                    + " the job has read (its event time), so neither the job's downtime nor a backlog waiting to be"
                    + " read counts, only the input of other clips going on without this one's.");

    public static final ConfigOption<Duration> CLIP_STALLED_INPUT_TIMEOUT = ConfigOptions
            .key("dubstream.clip.stalled-input-timeout")
            .durationType()
            .defaultValue(Duration.ofHours(1))
            .withDescription("When no record at all reaches a subtask of the chunk assembler for this long (processing"
                    + " time, counted from the job's start or restore), its clips in progress fail: the input has"
                    + " stopped, and the input's time with it, so dubstream.clip.idle-timeout cannot strike. At least"
                    + " the idle timeout.");

    public static final ConfigOption<Duration> CLIP_FINISHED_RETENTION = ConfigOptions
            .key("dubstream.clip.finished-retention")
            .durationType()
            .defaultValue(Duration.ofHours(1))
            .withDescription("After a clip ends, the chunk assembler, the merger and the status tracker each keep a"
                    + " marker of it this long after the last record or chunk of it they saw, so that what still"
                    + " arrives for it becomes a dead letter or is dropped instead of giving the clip a second"
                    + " outcome. Must exceed dubstream.inference.timeout: chunks of a failed clip still in inference"
                    + " reach the merger up to that long after its end.");

    public static final ConfigOption<Integer> CLIP_MAX_HELD_FRAMES = ConfigOptions
            .key("dubstream.clip.max-held-frames")
            .intType()
            .defaultValue(2400)
            .withDescription("The most frames the job holds for one clip while it waits for what a chunk still needs"
                    + " (the manifest, a missing frame, the audio): one more fails the clip with a dead letter, so"
                    + " that a clip without manifest or with a gap cannot fill the job's memory. Checked at start: it"
                    + " must hold the longest chunk window (dubstream.chunk.max-core plus twice the context plus 1 s,"
                    + " 18 s by default, or the hybrid threshold) at dubstream.clip.max-fps, so that no valid clip"
                    + " reaches it: 2400 is 20 s at 120 fps.");

    public static final ConfigOption<Duration> CLIP_MAX_HELD_AUDIO = ConfigOptions
            .key("dubstream.clip.max-held-audio")
            .durationType()
            .defaultValue(Duration.ofMinutes(2))
            .withDescription("The most audio the job holds for one clip, as time: more fails the clip with a dead"
                    + " letter (audio sent far ahead of the frames, or without a manifest). Checked at start against"
                    + " the longest chunk window, as dubstream.clip.max-held-frames. 2 min of 48 kHz stereo is 23 MB"
                    + " (92 MB in 8 channels); audio is cheap next to frames, so a sender may send it well ahead.");

    public static final ConfigOption<Integer> CLIP_MAX_FPS = ConfigOptions
            .key("dubstream.clip.max-fps")
            .intType()
            .defaultValue(120)
            .withDescription("The highest frame rate a clip's manifest may state; a faster clip fails at its manifest"
                    + " with the reason. It sizes dubstream.clip.max-held-frames (checked at start).");

    public static final ConfigOption<String> MODEL = ConfigOptions.key("dubstream.model")
            .stringType()
            .defaultValue(IdentityModel.NAME)
            .withDescription("The model run on every chunk. Built in: " + String.join(", ", ChunkModels.NAMES) + ".");

    public static final ConfigOption<String> VOICE_MODEL = ConfigOptions.key("dubstream.voice-model")
            .stringType()
            .defaultValue(ChunkModelFactory.VOICE_NONE)
            .withDescription("The voice of the dub. A speech synthesizer speaks each script line of the clip over"
                    + " its audio (the original ducked under it) before the model, and lip-sync follows it: "
                    + String.join(", ", SpeechSynthesizers.NAMES) + " (formant synthesis, no AI, 100+ languages) or a"
                    + " TorchScript text-to-speech file (*" + TorchScriptSpeechModel.SUFFIX + "). Or an audio effect"
                    + " on each chunk's audio: " + String.join(", ", VoiceModels.NAMES) + " (a DSP effect, no AI), or a"
                    + " TorchScript file with forward(audio[B, N]) -> audio[B, N] at 24 kHz. Or none.");

    public static final ConfigOption<Double> DUB_DUCK_DB = ConfigOptions.key("dubstream.dub.duck-db")
            .doubleType()
            .defaultValue(DubSettings.DEFAULTS.duckDb())
            .withDescription("The original audio's level under a dubbed line, in dB (at most 0); outside the"
                    + " lines it is untouched.");

    public static final ConfigOption<Duration> DUB_DUCK_RAMP = ConfigOptions.key("dubstream.dub.duck-ramp")
            .durationType()
            .defaultValue(Duration.ofNanos(DubSettings.DEFAULTS.duckRampMicros() * 1000))
            .withDescription("The ramps into and out of the ducked level, before a line's start and after its end.");

    public static final ConfigOption<Duration> DUB_NEXT_LINE_MARGIN = ConfigOptions
            .key("dubstream.dub.next-line-margin")
            .durationType()
            .defaultValue(Duration.ofNanos(DubSettings.DEFAULTS.nextLineMarginMicros() * 1000))
            .withDescription("A line too long for its slot first takes the silence after it up to this long before"
                    + " the next line's start; only then is it sped up.");

    public static final ConfigOption<String> DUB_MAX_STRETCH = ConfigOptions.key("dubstream.dub.max-stretch")
            .stringType()
            .defaultValue(DubSettings.DEFAULTS.maxSlowDown() + "-" + DubSettings.DEFAULTS.maxSpeedUp())
            .withDescription("The playback speeds a dubbed line may take, SLOWEST-FASTEST: a line too long for"
                    + " its room is sped up (pitch kept) at most to FASTEST, then cut with a short fade. Lines"
                    + " shorter than their slot are not slowed down.");

    public static final ConfigOption<String> INFERENCE_DEVICE = ConfigOptions.key("dubstream.inference.device")
            .stringType()
            .defaultValue(InferenceDevice.AUTO)
            .withDescription("Where models run: auto (the first GPU PyTorch sees, else the CPU), cpu, gpu or gpu:N."
                    + " GPUs need the CUDA natives (mvn -Pcuda); a GPU that is not there is an error.");

    public static final ConfigOption<Integer> INFERENCE_THREADS = ConfigOptions.key("dubstream.inference.threads")
            .intType()
            .defaultValue(2)
            .withDescription("Chunks one inference subtask works on at once (face detection, mel features, pasting);"
                    + " their frames share the lip-sync model's batches.");

    public static final ConfigOption<ModelSharing.Mode> INFERENCE_SHARE_MODEL = ConfigOptions
            .key("dubstream.inference.share-model")
            .enumType(ModelSharing.Mode.class)
            .defaultValue(ModelSharing.Mode.AUTO)
            .withDescription("Whether the inference subtasks of a TaskManager share one model (its weights once in"
                    + " memory or on the GPU, one batcher that the chunks of every subtask fill) instead of opening"
                    + " one each: AUTO shares a lip-sync model on a GPU and nothing on the CPU, where a model per"
                    + " subtask is faster (one model's threads stall while decoding and face search take a core);"
                    + " ON or OFF choose.");

    public static final ConfigOption<Integer> LIPSYNC_BATCH_SIZE = ConfigOptions.key("dubstream.lipsync.batch-size")
            .intType()
            .defaultValue(0)
            .withDescription("Frames per lip-sync model batch, gathered across the chunks in flight of any clip;"
                    + " 0 takes the model's preference (wav2lip-reference: 8 on a CPU, where larger batches are"
                    + " slower; Wav2Lip's own default, 128, suits a GPU).");

    public static final ConfigOption<Integer> LIPSYNC_DETECT_EVERY = ConfigOptions
            .key("dubstream.lipsync.detect-faces-every")
            .intType()
            .defaultValue(1)
            .withDescription("Run the face detector on every n-th frame of the clip (frames 0, n, 2n, ..., whatever"
                    + " the chunk, and a chunk's last); the frames between take the box interpolated between two"
                    + " detections, or none when either found no face. 1 detects on every frame, as Wav2Lip does.");

    public static final ConfigOption<Boolean> LIPSYNC_TRACK_FACES = ConfigOptions
            .key("dubstream.lipsync.track-faces")
            .booleanType()
            .defaultValue(true)
            .withDescription("Search each face detection near the face found before it (the box grown by half its"
                    + " size, faces of 2/3 to 3/2 its size), and the whole frame only where it is not there and at the"
                    + " first detection of each half second of the clip, so that a chunk finds the boxes the whole clip"
                    + " finds: several times cheaper than searching whole frames on a CPU. false searches every frame"
                    + " whole, as Wav2Lip's detector does.");

    public static final ConfigOption<Duration> LIPSYNC_MAX_WAIT = ConfigOptions.key("dubstream.lipsync.max-wait")
            .durationType()
            .defaultValue(Duration.ofMillis(50))
            .withDescription("How long frames wait for a lip-sync batch to fill before a smaller batch runs.");

    public static final ConfigOption<Duration> INFERENCE_TIMEOUT = ConfigOptions.key("dubstream.inference.timeout")
            .durationType()
            .defaultValue(Duration.ofMinutes(10))
            .withDescription("A chunk without a result after this long fails its clip, and its running attempt is"
                    + " interrupted. It spans all the chunk's attempts and the backoffs between them, so it must exceed"
                    + " the backoffs' sum.");

    public static final ConfigOption<Integer> INFERENCE_MAX_ATTEMPTS = ConfigOptions
            .key("dubstream.inference.max-attempts")
            .intType()
            .defaultValue(7)
            .withDescription("Attempts of the model per chunk: an attempt that fails (an exception, a GPU out of memory,"
                    + " an output of the wrong length) is retried for that chunk alone, up to this many in all; then"
                    + " the chunk fails its clip and goes to the dead-letter topic. 1 retries nothing. 7 lets 999 of"
                    + " 1000 90 s clips complete (and more) when 20% of attempts fail at random. A JVM error"
                    + " (OutOfMemoryError of the Java heap, StackOverflowError) or a LinkageError fails the job"
                    + " instead, which restarts from its last checkpoint.");

    public static final ConfigOption<Duration> INFERENCE_RETRY_BACKOFF = ConfigOptions
            .key("dubstream.inference.retry-backoff")
            .durationType()
            .defaultValue(Duration.ofSeconds(1))
            .withDescription("The wait before the second attempt of a chunk; it doubles for every further attempt,"
                    + " up to dubstream.inference.retry-max-backoff.");

    public static final ConfigOption<Duration> INFERENCE_RETRY_MAX_BACKOFF = ConfigOptions
            .key("dubstream.inference.retry-max-backoff")
            .durationType()
            .defaultValue(Duration.ofSeconds(30))
            .withDescription("The longest wait between two attempts of a chunk.");

    public static final ConfigOption<Integer> INFERENCE_CAPACITY = ConfigOptions.key("dubstream.inference.capacity")
            .intType()
            .defaultValue(4)
            .withDescription("Chunks in flight per inference subtask (queued or running). They are kept in"
                    + " checkpoints, so that barriers do not wait for them; more chunks mean fuller model batches"
                    + " and more memory.");

    public static final ConfigOption<Integer> MERGE_MAX_HELD_CHUNKS = ConfigOptions
            .key("dubstream.merge.max-held-chunks")
            .intType()
            .defaultValue(32)
            .withDescription("The most chunks of one clip the merger holds while an earlier chunk is still in inference"
                    + " (retrying, or slow): one more fails the clip with the reason, so that a chunk that keeps"
                    + " failing cannot make the merger hold a long clip's whole output. 32 chunks of 12 s at 640x360"
                    + " are about 300 MB; a clip of up to 32 chunks (about 5 min) never reaches it.");

    public static final ConfigOption<Float> JPEG_QUALITY = ConfigOptions.key("dubstream.output.jpeg-quality")
            .floatType()
            .defaultValue(0.9f)
            .withDescription("JPEG quality of frames the job encodes (model output, crossfaded frames), 0 < q <= 1;"
                    + " `demo` uploads its clip's frames at it too.");

    public static final ConfigOption<Duration> AUDIO_BLOCK = ConfigOptions.key("dubstream.output.audio-block")
            .durationType()
            .defaultValue(Duration.ofMillis(250))
            .withDescription("Length of the output audio blocks.");

    public static final ConfigOption<Integer> MAX_FRAME_BYTES = ConfigOptions.key("dubstream.max-frame-bytes")
            .intType()
            .defaultValue(RecordLimits.DEFAULTS.maxFrameBytes())
            .withDescription("Most JPEG bytes one frame record holds, read or written; keeps records under Kafka's"
                    + " default 1 MiB limit. A larger frame travels as several frame part records of at most this"
                    + " many bytes each. Checked at start against dubstream.kafka.max-request-size and the output"
                    + " topics' max.message.bytes.");

    public static final ConfigOption<Integer> MAX_WHOLE_FRAME_BYTES = ConfigOptions
            .key("dubstream.max-whole-frame-bytes")
            .intType()
            .defaultValue(RecordLimits.DEFAULT_MAX_WHOLE_FRAME_BYTES)
            .withDescription("Largest encoded frame accepted and written, all its parts together (a noisy 4K frame"
                    + " is about 1.8 MB at quality 0.9). At least dubstream.max-frame-bytes; a frame a model makes"
                    + " larger fails that chunk's attempt.");

    public static final ConfigOption<Integer> CLIP_MAX_PARTIAL_FRAME_BYTES = ConfigOptions
            .key("dubstream.clip.max-partial-frame-bytes")
            .intType()
            .defaultValue(2 * RecordLimits.DEFAULT_MAX_WHOLE_FRAME_BYTES)
            .withDescription("The most bytes of frames whose parts have not all arrived that the job holds for one"
                    + " clip, counted at the sizes their parts state. A part that would start one more is refused"
                    + " with a dead letter, so that parts never completed cannot fill the job's memory. Uploads send"
                    + " a frame's parts one after the other, so one frame is in progress at a time; at least"
                    + " dubstream.max-whole-frame-bytes.");

    public static final ConfigOption<Integer> KAFKA_MAX_REQUEST_SIZE = ConfigOptions
            .key("dubstream.kafka.max-request-size")
            .intType()
            .defaultValue(RecordLimits.KAFKA_DEFAULT_MAX_RECORD_BYTES)
            .withDescription("The job's producers' max.request.size, in bytes: the largest record it writes. The"
                    + " largest frame and dead-letter records the other options allow must fit (checked at start).");

    public static final ConfigOption<Integer> DEAD_LETTER_MAX_ORIGINAL_BYTES = ConfigOptions
            .key("dubstream.dead-letter.max-original-bytes")
            .intType()
            .defaultValue(DeadLetter.DEFAULT_MAX_KEPT_BYTES)
            .withDescription("How many bytes of a refused record a dead letter keeps; it always carries the whole"
                    + " record's length and SHA-256, and its source topic, partition and offset.");

    public static final ConfigOption<Double> FAULT_FAIL_FRACTION = ConfigOptions
            .key("dubstream.fault-injection.fail-fraction")
            .doubleType()
            .defaultValue(0.0)
            .withDescription("Fault injection, for tests and demos: the share of model attempts (0 to 1) made to fail."
                    + " Which ones is decided by a hash of clip id, chunk index and attempt, so the same attempts"
                    + " fail in every run. 0 (off) in production.");

    public static final ConfigOption<String> FAULT_FAIL_CHUNKS = ConfigOptions
            .key("dubstream.fault-injection.fail-chunks")
            .stringType()
            .defaultValue("")
            .withDescription("Fault injection, for tests and demos: chunks whose first attempts fail, as"
                    + " clipId:chunkIndex separated by commas, e.g. clipA:2,clipB:0. Empty (off) in production.");

    public static final ConfigOption<Integer> FAULT_FAILING_ATTEMPTS = ConfigOptions
            .key("dubstream.fault-injection.failing-attempts")
            .intType()
            .defaultValue(1)
            .withDescription("Fault injection: how many first attempts of each chunk in"
                    + " dubstream.fault-injection.fail-chunks fail. 1 fails the first only, so a retry succeeds;"
                    + " dubstream.inference.max-attempts or more fails the chunk and its clip.");

    public static final ConfigOption<Boolean> FAULT_OUT_OF_MEMORY = ConfigOptions
            .key("dubstream.fault-injection.out-of-memory")
            .booleanType()
            .defaultValue(false)
            .withDescription("Fault injection: injected failures look like a GPU out of memory (DJL's EngineException"
                    + " \"CUDA out of memory\"), which fails the attempt and is retried. A Java OutOfMemoryError from a"
                    + " model fails the job instead.");

    /** All options, in the order the configuration reference lists them. */
    public static List<ConfigOption<?>> all() {
        return List.of(BOOTSTRAP_SERVERS, KAFKA_PROPERTIES, INPUT_TOPIC_PREFIX, OUTPUT_TOPIC_PREFIX, DEAD_LETTER_TOPIC, STATUS_TOPIC,
                STATUS_HEARTBEAT, TOPIC_PARTITIONS, CONSUMER_GROUP,
                TRANSACTIONAL_ID_PREFIX, TRANSACTION_TIMEOUT, STATE_BACKEND, CHECKPOINT_INTERVAL, CHUNK_CORE, CHUNK_CUT_TOLERANCE, CHUNK_MAX_CORE, CHUNK_CONTEXT,
                CHUNK_HYBRID_THRESHOLD, CLIP_IDLE_TIMEOUT, CLIP_STALLED_INPUT_TIMEOUT, CLIP_FINISHED_RETENTION, CLIP_MAX_HELD_FRAMES, CLIP_MAX_PARTIAL_FRAME_BYTES, CLIP_MAX_HELD_AUDIO, CLIP_MAX_FPS, MODEL, VOICE_MODEL, DUB_DUCK_DB, DUB_DUCK_RAMP, DUB_NEXT_LINE_MARGIN, DUB_MAX_STRETCH, INFERENCE_DEVICE, INFERENCE_THREADS, INFERENCE_SHARE_MODEL, LIPSYNC_BATCH_SIZE, LIPSYNC_DETECT_EVERY, LIPSYNC_TRACK_FACES, LIPSYNC_MAX_WAIT, INFERENCE_TIMEOUT,
                INFERENCE_MAX_ATTEMPTS, INFERENCE_RETRY_BACKOFF, INFERENCE_RETRY_MAX_BACKOFF,
                INFERENCE_CAPACITY, MERGE_MAX_HELD_CHUNKS, JPEG_QUALITY, AUDIO_BLOCK, MAX_FRAME_BYTES, MAX_WHOLE_FRAME_BYTES,
                KAFKA_MAX_REQUEST_SIZE,
                DEAD_LETTER_MAX_ORIGINAL_BYTES,
                FAULT_FAIL_FRACTION, FAULT_FAIL_CHUNKS, FAULT_FAILING_ATTEMPTS, FAULT_OUT_OF_MEMORY);
    }
}
