package io.dubstream.connectors.kafka;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.ProducerFencedException;

import io.dubstream.connectors.format.ClipRecordCodec;
import io.dubstream.connectors.format.FrameParts;
import io.dubstream.connectors.format.InvalidRecordException;
import io.dubstream.connectors.format.RecordLimits;
import io.dubstream.connectors.media.AudioLayout;
import io.dubstream.connectors.media.JpegCodec;
import io.dubstream.connectors.media.MediaException;
import io.dubstream.connectors.media.MediaInfo;
import io.dubstream.connectors.media.MediaReader;
import io.dubstream.connectors.media.MediaSample;
import io.dubstream.connectors.media.PixelLayout;
import io.dubstream.connectors.records.AudioBlock;
import io.dubstream.connectors.records.ClipManifest;
import io.dubstream.connectors.records.ClipRecord;
import io.dubstream.connectors.records.EndOfClip;
import io.dubstream.connectors.records.ScriptLine;
import io.dubstream.connectors.records.VideoFrame;
import io.dubstream.connectors.script.Script;
import io.dubstream.connectors.script.ScriptException;

/**
 * Streams a media file onto Kafka as one clip: a manifest, its video frames (JPEG), its audio (PCM in
 * the transport layout, by default the source's rate and channels; see {@link AudioTransport}) and an
 * end-of-clip record with the totals. Only one frame is in memory at a time.
 *
 * <p>A frame whose JPEG is larger than one record may hold ({@link RecordLimits#maxFrameBytes()}, a
 * 4K frame of 1.8 MB against 1,000,000 bytes) goes as {@link io.dubstream.connectors.records.FramePart
 * frame parts}, one after the other and in the same transaction ({@link FrameParts}); only a frame
 * above {@link RecordLimits#maxWholeFrameBytes()} (16 MiB) is refused.
 *
 * <p>Each frame record carries its presentation time from the first frame, as the source states it
 * (a variable frame rate survives); the manifest's frame rate is the container's average. Audio
 * sample 0 plays with the first frame ({@link MediaReader}). The manifest carries the source's
 * display rotation; frames travel as stored.
 *
 * <p>A clip with a dubbing script has its lines on the script topic, committed together with the
 * manifest and before the first frame; the script is checked against the media's duration before
 * anything of the clip is sent.
 *
 * <p>Uploads are idempotent per clip id: the uploader uses the transactional id
 * {@code dubstream-upload-<clipId>}, which fences any other uploader of the same id, then refuses the
 * upload with {@link ClipAlreadyExistsException} when a manifest for the id was committed before.
 * Records are committed in transactions of {@link Options#framesPerTransaction()} frames, so a reader
 * sees a clip grow while it is uploaded. If the upload fails half way (unreadable frame, frame above
 * the whole-frame limit), the open transaction is aborted and an end-of-clip record with status
 * {@link EndOfClip.Status#ABORTED} and the reason is committed: a half-sent clip never looks complete.
 */
public final class ClipUploader {

    /** How an upload encodes and where it writes. */
    public record Options(ClipTopics topics, AudioLayout audio, float jpegQuality, RecordLimits limits,
            int framesPerTransaction, Duration kafkaTimeout) {

        public static final float DEFAULT_JPEG_QUALITY = 0.9f;

        /** Input topics, the source's audio layout, JPEG quality 0.9, 100 frames a transaction. */
        public static Options defaults() {
            return new Options(ClipTopics.INPUT, AudioLayout.SOURCE, DEFAULT_JPEG_QUALITY, RecordLimits.DEFAULTS,
                    100, Duration.ofSeconds(30));
        }

        public Options {
            Objects.requireNonNull(topics);
            Objects.requireNonNull(audio);
            Objects.requireNonNull(limits);
            Objects.requireNonNull(kafkaTimeout);
            if (!(jpegQuality > 0f && jpegQuality <= 1f)) {
                throw new IllegalArgumentException("JPEG quality must be in (0, 1], got " + jpegQuality);
            }
            if (framesPerTransaction < 1) {
                throw new IllegalArgumentException("frames per transaction must be positive, got "
                        + framesPerTransaction);
            }
        }

        public Options withTopics(ClipTopics t) {
            return new Options(t, audio, jpegQuality, limits, framesPerTransaction, kafkaTimeout);
        }

        public Options withAudio(AudioLayout a) {
            return new Options(topics, a, jpegQuality, limits, framesPerTransaction, kafkaTimeout);
        }

        public Options withJpegQuality(float q) {
            return new Options(topics, audio, q, limits, framesPerTransaction, kafkaTimeout);
        }

        public Options withLimits(RecordLimits l) {
            return new Options(topics, audio, jpegQuality, l, framesPerTransaction, kafkaTimeout);
        }
    }

    /** What an upload sent. */
    public record Result(String clipId, ClipManifest manifest, long frames, long samples, long bytes,
            double seconds, long framesRetimed) {

        /** Media seconds sent per wall-clock second. */
        public double realtimeFactor() {
            double mediaSeconds = (double) frames * manifest.getFpsDen() / manifest.getFpsNum();
            return seconds > 0 ? mediaSeconds / seconds : Double.POSITIVE_INFINITY;
        }
    }

    /** JPEG encoding, the upload's bottleneck, runs on this many threads beside the decoder. */
    private static final int ENCODER_THREADS = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
    /** Frames being encoded at once: bounds the memory of the pipeline. */
    private static final int ENCODER_WINDOW = 2 * ENCODER_THREADS + 2;

    private final KafkaConnection connection;
    private final Options options;
    private final ClipRecordCodec codec;

    public ClipUploader(String bootstrap, Options options) {
        this(KafkaConnection.of(bootstrap), options);
    }

    /** With the connection's client properties (a secured cluster's credentials and the like). */
    public ClipUploader(KafkaConnection connection, Options options) {
        this.connection = Objects.requireNonNull(connection);
        this.options = options;
        this.codec = new ClipRecordCodec(options.limits());
    }

    /** The transactional id every upload of {@code clipId} uses. */
    public static String transactionalId(String clipId) {
        return "dubstream-upload-" + clipId;
    }

    /** Uploads {@code file} as clip {@code clipId} without a dubbing script. */
    public Result upload(Path file, String clipId, TransferProgress progress)
            throws MediaException, TransferException, ClipAlreadyExistsException {
        try {
            return upload(file, clipId, Script.none(), progress);
        } catch (ScriptException e) {
            throw new IllegalStateException("a clip without a script failed a script check: " + e.getMessage(), e);
        }
    }

    /**
     * Uploads {@code file} as clip {@code clipId} with its dubbing script (or {@link Script#none()}).
     *
     * @throws ScriptException when a line of the script ends after the media's end (not checked when
     *     the container states no duration); nothing of the clip has been sent then
     */
    public Result upload(Path file, String clipId, Script script, TransferProgress progress)
            throws MediaException, TransferException, ClipAlreadyExistsException, ScriptException {
        Objects.requireNonNull(script);
        try {
            codec.validator().checkClipId(clipId);
        } catch (InvalidRecordException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
        // frames as 4:2:0 JPEGs of the source's own samples: no round trip through BGR or chroma resampling
        try (MediaReader reader = MediaReader.open(file, options.audio(), PixelLayout.YUV420_FULL_RANGE);
                KafkaProducer<String, byte[]> producer = KafkaClients.transactionalProducer(connection,
                        transactionalId(clipId))) {
            long started = System.nanoTime();
            AudioTransport audio = reader.audioLayout() == null ? null : AudioTransport.of(reader.audioLayout());
            ClipManifest manifest = manifest(clipId, reader.info(), audio);
            script.checkWithin(reader.info().durationMicros());
            manifest.setScriptLineCount(script.size());
            manifest.setScriptLanguage(script.language());
            try {
                codec.validator().validate(manifest);
            } catch (InvalidRecordException e) {
                throw new TransferException(file + " cannot be uploaded: " + e.getMessage(), e);
            }
            try {
                producer.initTransactions();
            } catch (KafkaException e) {
                throw new TransferException("cannot reach Kafka at " + connection.bootstrap() + ": " + e.getMessage(), e);
            }
            refuseIfUploaded(clipId);
            Session session = new Session(producer, manifest, audio, progress);
            session.begin();
            session.sendValid(options.topics().clips(), manifest);
            for (ScriptLine line : script.linesOf(clipId)) {
                session.sendValid(options.topics().script(), line);
            }
            // the manifest and the script commit on their own, before any frame: whatever happens next,
            // readers see which clip it was, and a reader of the script has all of it before the media
            session.commit();
            session.begin();
            try {
                session.streamMedia(reader);
            } catch (MediaException | InvalidRecordException e) {
                String reason = e.getMessage();
                session.abort(reason);
                throw new TransferException("upload of clip " + clipId + " aborted after " + session.frames
                        + " frames: " + reason, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                session.abort("the upload was interrupted");
                throw new TransferException("upload of clip " + clipId + " interrupted after " + session.frames
                        + " frames", e);
            } finally {
                session.encoder.close();
            }
            session.sendValid(options.topics().clips(),
                    EndOfClip.complete(clipId, session.frames, session.samples, System.currentTimeMillis()));
            session.commit();
            double seconds = (System.nanoTime() - started) / 1e9;
            return new Result(clipId, manifest, session.frames, session.samples, session.bytes, seconds,
                    session.framesRetimed);
        } catch (ProducerFencedException e) {
            throw new TransferException("upload of clip " + clipId
                    + " was fenced: another upload of the same clip id started meanwhile", e);
        } catch (KafkaException e) {
            throw new TransferException("upload of clip " + clipId + " failed in Kafka: " + e.getMessage(), e);
        }
    }

    private void refuseIfUploaded(String clipId) throws ClipAlreadyExistsException {
        try (KafkaConsumer<String, byte[]> consumer = KafkaClients.committedReader(connection)) {
            Optional<ClipManifest> earlier = new ClipRegistry(consumer, codec, options.kafkaTimeout())
                    .findManifest(options.topics().clips(), clipId);
            if (earlier.isPresent()) {
                throw new ClipAlreadyExistsException("clip id '" + clipId + "' was already uploaded to "
                        + options.topics().clips() + " (manifest created at "
                        + java.time.Instant.ofEpochMilli(earlier.get().getCreatedAtMillis())
                        + "); clip ids are never reused: upload under a new clip id");
            }
        }
    }

    private static ClipManifest manifest(String clipId, MediaInfo info, AudioTransport audio) {
        ClipManifest m = new ClipManifest();
        m.setClipId(clipId);
        m.setFormatVersion(ClipRecordCodec.VERSION);
        m.setContainer(info.container());
        m.setVideoCodec(info.videoCodec());
        m.setAudioCodec(info.hasAudio() ? info.audioCodec() : "");
        m.setFpsNum(info.fpsNum());
        m.setFpsDen(info.fpsDen());
        m.setWidth(info.width());
        m.setHeight(info.height());
        m.setFrameCount(info.frameCountHint());
        m.setFrameEncoding(ClipManifest.FRAME_ENCODING_JPEG);
        m.setSampleRate(audio != null ? audio.sampleRate() : 0);
        m.setChannels(audio != null ? audio.channels() : 0);
        m.setSourceSampleRate(info.hasAudio() ? info.sourceSampleRate() : 0);
        m.setSourceChannels(info.hasAudio() ? info.sourceChannels() : 0);
        m.setDurationMicros(info.durationMicros());
        m.setRotationDegrees(info.rotationDegrees());
        m.setCreatedAtMillis(System.currentTimeMillis());
        return m;
    }

    /** One upload's producer, counters and audio re-blocking. */
    private final class Session {
        final KafkaProducer<String, byte[]> producer;
        final ClipManifest manifest;
        final AudioTransport audio;
        final TransferProgress progress;
        final short[] block;
        int blockFill;
        long frames;
        long samples;
        long bytes;
        int framesInTransaction;
        long firstPtsMicros = -1;
        /** The time sent with the previous frame; frame times only go forward on the wire. */
        long lastPtsMicros = -1;
        /** Frames whose time was not after the previous one's (a damaged or odd file), sent a frame later. */
        long framesRetimed;
        final FrameEncoder encoder = new FrameEncoder(ENCODER_THREADS, ENCODER_WINDOW, options.jpegQuality());

        Session(KafkaProducer<String, byte[]> producer, ClipManifest manifest, AudioTransport audio,
                TransferProgress progress) {
            this.producer = producer;
            this.manifest = manifest;
            this.audio = audio;
            this.progress = progress;
            this.block = audio == null ? new short[0] : new short[audio.blockSamples() * audio.channels()];
        }

        void begin() {
            producer.beginTransaction();
            framesInTransaction = 0;
        }

        void commit() {
            producer.commitTransaction();
        }

        void abort(String reason) {
            producer.abortTransaction();
            begin();
            sendValid(options.topics().clips(), EndOfClip.aborted(manifest.getClipId(), frames, samples,
                    truncate(reason), System.currentTimeMillis()));
            commit();
        }

        /** Sends a record that is valid by construction (checked manifest, totals). */
        void sendValid(String topic, ClipRecord record) {
            try {
                send(topic, record);
            } catch (InvalidRecordException e) {
                throw new IllegalStateException("dubstream built an invalid record: " + e.getMessage(), e);
            }
        }

        void send(String topic, ClipRecord record) throws InvalidRecordException {
            byte[] value = codec.encode(record);
            bytes += value.length;
            producer.send(new ProducerRecord<>(topic, record.getClipId(), value));
        }

        void streamMedia(MediaReader reader) throws MediaException, InvalidRecordException, InterruptedException {
            long expectedFrames = expectedFrames();
            progress.update(0, expectedFrames);
            MediaSample sample;
            while ((sample = reader.next()) != null) {
                if (sample instanceof MediaSample.VideoSample v) {
                    sendFrame(v);
                    progress.update(frames, expectedFrames);
                } else if (sample instanceof MediaSample.AudioSample a && manifest.hasAudio()) {
                    addAudio(a.samples());
                }
            }
            for (FrameEncoder.Encoded encoded : encoder.drain()) {
                sendEncoded(encoded);
            }
            flushAudio();
            if (frames == 0) {
                throw new MediaException("the video stream has no decodable frames");
            }
        }

        private void sendFrame(MediaSample.VideoSample v) throws InvalidRecordException, InterruptedException {
            if (v.width() != manifest.getWidth() || v.height() != manifest.getHeight()) {
                throw new InvalidRecordException("frame " + v.index() + " is " + v.width() + "x" + v.height()
                        + " but the clip is " + manifest.getWidth() + "x" + manifest.getHeight()
                        + " (resolution changes mid-stream are not supported)");
            }
            for (FrameEncoder.Encoded encoded : encoder.submit(v)) {
                sendEncoded(encoded);
            }
        }

        private void sendEncoded(FrameEncoder.Encoded encoded) throws InvalidRecordException {
            MediaSample.VideoSample v = encoded.frame();
            byte[] jpeg = encoded.jpeg();
            if (jpeg.length > options.limits().maxWholeFrameBytes()) {
                throw new InvalidRecordException("frame " + frames + " encodes to " + jpeg.length
                        + " bytes of JPEG at quality " + options.jpegQuality() + ", above the limit of "
                        + options.limits().maxWholeFrameBytes() + " bytes for a whole frame; lower --jpeg-quality or"
                        + " raise --max-whole-frame-bytes together with the job's dubstream.max-whole-frame-bytes");
            }
            if (firstPtsMicros < 0) {
                firstPtsMicros = v.ptsMicros();
            }
            long pts = Math.max(0, v.ptsMicros() - firstPtsMicros);
            if (pts <= lastPtsMicros) {
                // a time that does not go forward (a damaged file, or a decoder without times): one nominal
                // frame after the previous, so that the job can cut and match audio by time
                pts = lastPtsMicros + Math.max(1, 1_000_000L * manifest.getFpsDen() / manifest.getFpsNum());
                framesRetimed++;
            }
            lastPtsMicros = pts;
            VideoFrame frame = new VideoFrame(manifest.getClipId(), frames, pts, v.width(), v.height(), jpeg);
            // a frame above the record limit goes as parts, all in this transaction: readers never see half of it
            for (ClipRecord record : FrameParts.records(frame, options.limits().maxFrameBytes())) {
                send(options.topics().media(), record);
            }
            frames++;
            if (++framesInTransaction >= options.framesPerTransaction()) {
                commit();
                begin();
            }
        }

        private void addAudio(short[] pcm) throws InvalidRecordException {
            int offset = 0;
            while (offset < pcm.length) {
                int n = Math.min(block.length - blockFill, pcm.length - offset);
                System.arraycopy(pcm, offset, block, blockFill, n);
                blockFill += n;
                offset += n;
                if (blockFill == block.length) {
                    flushAudio();
                }
            }
        }

        private void flushAudio() throws InvalidRecordException {
            if (audio == null) {
                return;
            }
            int channels = audio.channels();
            int whole = blockFill - blockFill % channels;
            if (whole == 0) {
                return;
            }
            short[] values = Arrays.copyOf(block, whole);
            send(options.topics().media(), new AudioBlock(manifest.getClipId(), samples,
                    audio.sampleRate(), channels, values));
            samples += whole / channels;
            blockFill = 0;
        }

        private long expectedFrames() {
            if (manifest.getFrameCount() > 0) {
                return manifest.getFrameCount();
            }
            if (manifest.getDurationMicros() > 0) {
                return Math.round(manifest.getDurationMicros() / 1e6 * manifest.fps());
            }
            return -1;
        }
    }

    private static String truncate(String reason) {
        String r = reason == null ? "unknown error" : reason;
        return r.length() > 2000 ? r.substring(0, 2000) + "..." : r;
    }
}
