package io.dubstream.connectors.kafka;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;

import io.dubstream.connectors.format.ClipRecordCodec;
import io.dubstream.connectors.format.DecodeResult;
import io.dubstream.connectors.format.FramePartBuffer;
import io.dubstream.connectors.format.InvalidRecordException;
import io.dubstream.connectors.format.RecordLimits;
import io.dubstream.connectors.media.MediaException;
import io.dubstream.connectors.media.Mp4Writer;
import io.dubstream.connectors.media.VideoEncoding;
import io.dubstream.connectors.records.AudioBlock;
import io.dubstream.connectors.records.ClipManifest;
import io.dubstream.connectors.records.ClipRecord;
import io.dubstream.connectors.records.EndOfClip;
import io.dubstream.connectors.records.FramePart;
import io.dubstream.connectors.records.VideoFrame;

/**
 * Reads one clip's committed records ({@code read_committed}) from the clip topics and writes a
 * playable mp4: frames in index order, audio by sample position, until the end-of-clip record's
 * totals are reached.
 *
 * <p>Each frame is written at its record's presentation time (a variable frame rate survives;
 * frame times must increase with the index), audio sample 0 at time 0, as AAC in the manifest's
 * transport layout ({@link Mp4Writer}), the video by the encoder and at the quality
 * {@link Options#videoEncoding()} asks for. The manifest's display rotation becomes the video track's
 * matrix, and its script language the audio track's language tag.
 *
 * <p>Only the clip's partition of each topic is read, starting shortly before the manifest's
 * timestamp. A frame too large for one record comes as {@link FramePart}s, which are put back
 * together ({@link FramePartBuffer}, holding at most {@link #MAX_PARTIAL_FRAMES} frames' worth of
 * {@link RecordLimits#maxWholeFrameBytes()} at once). Frames and blocks that arrive out of order are
 * held until their turn, up to {@link Options#maxReorderFrames()}; duplicates are skipped and counted. The download fails with a
 * clear message when the clip ended as aborted or failed, when a record is invalid, or when for
 * {@link Options#idleTimeout()} neither an output record of the clip nor a status record of it on
 * {@link Options#statusTopic()} arrives; the partial output file is then deleted.
 *
 * <h2>Why status records count</h2>
 * The job's output of a chunk appears only when the chunk has been processed and merged, and a
 * chunk may take minutes (a clip run whole is one chunk). Meanwhile the job reports on the clip on its
 * status topic: chunks cut, attempts, merges, and a heartbeat while a chunk stays pending. So a
 * status record of the clip counts as progress ({@link ClipStatusWatch}): the download waits as long
 * as the job works on the clip, and still gives up, saying that neither came, when the clip id is
 * wrong or the job has stopped.
 */
public final class ClipDownloader {

    /**
     * Where and how long to read.
     *
     * @param statusTopic the job's status topic, whose records of the clip count as progress; empty to
     *     judge progress by the output alone
     * @param idleTimeout give up after this long without an output or status record of the clip
     * @param videoEncoding how the mp4's video is encoded ({@link VideoEncoding#defaults()}: the best
     *     encoder this machine has)
     */
    public record Options(ClipTopics topics, String statusTopic, RecordLimits limits, Duration idleTimeout,
            int maxReorderFrames, VideoEncoding videoEncoding) {

        /** Records written up to this long before the manifest's timestamp are still read (clock skew). */
        static final long TIMESTAMP_SLACK_MS = 60_000;

        public static Options defaults() {
            return new Options(ClipTopics.OUTPUT, ClipTopics.STATUS_TOPIC, RecordLimits.DEFAULTS,
                    Duration.ofSeconds(120), 512, VideoEncoding.defaults());
        }

        public Options {
            Objects.requireNonNull(topics);
            Objects.requireNonNull(statusTopic);
            Objects.requireNonNull(limits);
            Objects.requireNonNull(idleTimeout);
            Objects.requireNonNull(videoEncoding);
            if (idleTimeout.isNegative() || idleTimeout.isZero()) {
                throw new IllegalArgumentException("idleTimeout must be positive, got " + idleTimeout);
            }
            if (maxReorderFrames < 1) {
                throw new IllegalArgumentException("maxReorderFrames must be positive");
            }
        }

        public Options withTopics(ClipTopics t) {
            return new Options(t, statusTopic, limits, idleTimeout, maxReorderFrames, videoEncoding);
        }

        /** The same options reading the status records of {@code topic}; empty: none. */
        public Options withStatusTopic(String topic) {
            return new Options(topics, topic, limits, idleTimeout, maxReorderFrames, videoEncoding);
        }

        public Options withIdleTimeout(Duration d) {
            return new Options(topics, statusTopic, limits, d, maxReorderFrames, videoEncoding);
        }

        /** The same options writing the video with {@code encoding}. */
        public Options withVideoEncoding(VideoEncoding encoding) {
            return new Options(topics, statusTopic, limits, idleTimeout, maxReorderFrames, encoding);
        }

        public Options withLimits(RecordLimits l) {
            return new Options(topics, statusTopic, l, idleTimeout, maxReorderFrames, videoEncoding);
        }
    }

    /** What a download wrote. */
    public record Result(String clipId, ClipManifest manifest, EndOfClip end, long frames, long samples,
            long duplicatesSkipped, String videoCodec, double seconds) {}

    /**
     * Frames whose parts may be in progress at once: the job writes a frame's parts one after the
     * other, so one is, and a few leave room for a writer that interleaves them.
     */
    static final int MAX_PARTIAL_FRAMES = 4;

    private final KafkaConnection connection;
    private final Options options;
    private final ClipRecordCodec codec;

    public ClipDownloader(String bootstrap, Options options) {
        this(KafkaConnection.of(bootstrap), options);
    }

    /** With the connection's client properties (a secured cluster's credentials and the like). */
    public ClipDownloader(KafkaConnection connection, Options options) {
        this.connection = Objects.requireNonNull(connection);
        this.options = options;
        this.codec = new ClipRecordCodec(options.limits());
    }

    public Result download(String clipId, Path output, TransferProgress progress)
            throws TransferException, MediaException {
        long started = System.nanoTime();
        try (KafkaConsumer<String, byte[]> consumer = KafkaClients.committedReader(connection);
                ClipStatusWatch status = options.statusTopic().isEmpty() ? ClipStatusWatch.none()
                        : ClipStatusWatch.open(connection, options.statusTopic(), clipId, codec)) {
            Reader reader = new Reader(consumer, status, clipId);
            ClipManifest manifest = reader.awaitManifest();
            Result result;
            try (Mp4Writer writer = Mp4Writer.open(output, format(manifest), options.videoEncoding())) {
                reader.copyMedia(manifest, writer, progress);
                result = new Result(clipId, manifest, reader.end, reader.nextFrame, reader.nextSample,
                        reader.duplicates + reader.parts.duplicates(), writer.videoCodecName(), 0);
            } catch (TransferException | MediaException | RuntimeException e) {
                deleteQuietly(output);
                throw e;
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            return new Result(result.clipId(), result.manifest(), result.end(), result.frames(), result.samples(),
                    result.duplicatesSkipped(), result.videoCodec(), seconds);
        } catch (KafkaException e) {
            deleteQuietly(output);
            throw new TransferException("download of clip " + clipId + " failed in Kafka at " + connection.bootstrap() + ": "
                    + e.getMessage(), e);
        }
    }

    private static Mp4Writer.Format format(ClipManifest m) {
        return Mp4Writer.Format.of(m.getWidth(), m.getHeight(), m.getFpsNum(), m.getFpsDen(), m.getSampleRate(),
                m.getChannels()).withRotation(m.getRotationDegrees()).withAudioLanguage(m.getScriptLanguage());
    }

    /** The state of one download: where each partition is and what is held back. */
    private final class Reader {
        final KafkaConsumer<String, byte[]> consumer;
        final ClipStatusWatch status;
        final String clipId;
        final TreeMap<Long, VideoFrame> heldFrames = new TreeMap<>();
        final TreeMap<Long, AudioBlock> heldAudio = new TreeMap<>();
        final FramePartBuffer parts =
                new FramePartBuffer((long) MAX_PARTIAL_FRAMES * options.limits().maxWholeFrameBytes());
        TopicPartition clipsPartition;
        long manifestTimestamp;
        ClipManifest manifest;
        EndOfClip end;
        long nextFrame;
        long lastPtsMicros = -1;
        long nextSample;
        long duplicates;
        /** When an output or status record of the clip last arrived, or the download began. */
        long lastProgressNanos = System.nanoTime();

        Reader(KafkaConsumer<String, byte[]> consumer, ClipStatusWatch status, String clipId) {
            this.consumer = consumer;
            this.status = status;
            this.clipId = clipId;
        }

        ClipManifest awaitManifest() throws TransferException {
            clipsPartition = awaitPartition(options.topics().clips());
            consumer.assign(List.of(clipsPartition));
            consumer.seekToBeginning(List.of(clipsPartition));
            while (manifest == null) {
                for (ConsumerRecord<String, byte[]> record : poll()) {
                    ClipRecord r = decode(record);
                    if (r instanceof ClipManifest m && manifest == null) {
                        manifest = m;
                        manifestTimestamp = record.timestamp();
                    } else if (r instanceof EndOfClip e && manifest != null) {
                        end = e;
                    }
                }
                checkIdle("the manifest");
            }
            return manifest;
        }

        void copyMedia(ClipManifest m, Mp4Writer writer, TransferProgress progress)
                throws TransferException, MediaException {
            List<TopicPartition> media = awaitMediaPartitions();
            List<TopicPartition> all = new ArrayList<>(media);
            all.add(clipsPartition);
            long clipsPosition = consumer.position(clipsPartition);
            consumer.assign(all);
            consumer.seek(clipsPartition, clipsPosition);
            seekNearManifest(media);
            lastProgressNanos = System.nanoTime();
            while (!finished()) {
                for (ConsumerRecord<String, byte[]> record : poll()) {
                    ClipRecord r = decode(record);
                    if (r instanceof VideoFrame f) {
                        acceptFrame(f, writer);
                    } else if (r instanceof FramePart p) {
                        acceptPart(p, record, writer);
                    } else if (r instanceof AudioBlock b) {
                        acceptAudio(b, writer);
                    } else if (r instanceof EndOfClip e) {
                        end = e;
                    }
                }
                if (end != null && !end.isComplete()) {
                    throw new TransferException("clip " + clipId + " ended with status " + end.getStatus() + ": "
                            + end.getReason());
                }
                progress.update(nextFrame, end != null ? end.getFramesSent() : expectedFrames(m));
                checkIdle(end == null ? "the end-of-clip record" : "frames and audio up to the end-of-clip totals");
            }
        }

        /** Adds a part of a frame; once the frame is whole, it goes on as a frame record would. */
        private void acceptPart(FramePart p, ConsumerRecord<String, byte[]> record, Mp4Writer writer)
                throws TransferException, MediaException {
            if (p.getFrameIndex() < nextFrame || heldFrames.containsKey(p.getFrameIndex())) {
                // a part of a frame that is already whole
                duplicates++;
                return;
            }
            VideoFrame whole;
            try {
                whole = parts.add(p);
            } catch (InvalidRecordException e) {
                throw new TransferException("invalid record of clip " + clipId + " at " + record.topic() + "-"
                        + record.partition() + "@" + record.offset() + ": " + e.getMessage(), e);
            }
            if (whole != null) {
                acceptFrame(whole, writer);
            }
        }

        private void acceptFrame(VideoFrame f, Mp4Writer writer) throws TransferException, MediaException {
            if (f.getFrameIndex() < nextFrame || heldFrames.containsKey(f.getFrameIndex())) {
                duplicates++;
                return;
            }
            heldFrames.put(f.getFrameIndex(), f);
            if (heldFrames.size() > options.maxReorderFrames()) {
                throw new TransferException("clip " + clipId + " is missing frame " + nextFrame + ": "
                        + heldFrames.size() + " later frames arrived (up to " + heldFrames.lastKey() + ")");
            }
            while (!heldFrames.isEmpty() && heldFrames.firstKey() == nextFrame) {
                VideoFrame next = heldFrames.pollFirstEntry().getValue();
                if (next.getWidth() != manifest.getWidth() || next.getHeight() != manifest.getHeight()) {
                    throw new TransferException("frame " + nextFrame + " of clip " + clipId + " is "
                            + next.getWidth() + "x" + next.getHeight() + " but the manifest says "
                            + manifest.getWidth() + "x" + manifest.getHeight());
                }
                if (next.getPtsMicros() <= lastPtsMicros) {
                    throw new TransferException("frame " + nextFrame + " of clip " + clipId + " is at "
                            + next.getPtsMicros() + " us, not after frame " + (nextFrame - 1) + " at " + lastPtsMicros
                            + " us");
                }
                try {
                    // the JPEG's YUV straight to the encoder, no BGR in between
                    writer.writeVideoJpeg(next.getImage(), next.getPtsMicros());
                } catch (IllegalArgumentException e) {
                    throw new TransferException("frame " + nextFrame + " of clip " + clipId
                            + " cannot be written: " + e.getMessage(), e);
                }
                lastPtsMicros = next.getPtsMicros();
                nextFrame++;
            }
        }

        private void acceptAudio(AudioBlock b, Mp4Writer writer) throws TransferException, MediaException {
            if (b.getSampleRate() != manifest.getSampleRate() || b.getChannels() != manifest.getChannels()) {
                throw new TransferException("audio block at sample " + b.getFirstSample() + " of clip " + clipId
                        + " is " + b.getSampleRate() + " Hz x" + b.getChannels() + " but the manifest says "
                        + manifest.getSampleRate() + " Hz x" + manifest.getChannels());
            }
            if (b.getFirstSample() < nextSample || heldAudio.containsKey(b.getFirstSample())) {
                duplicates++;
                return;
            }
            heldAudio.put(b.getFirstSample(), b);
            if (heldAudio.size() > options.maxReorderFrames()) {
                throw new TransferException("clip " + clipId + " is missing audio at sample " + nextSample + ": "
                        + heldAudio.size() + " later blocks arrived");
            }
            while (!heldAudio.isEmpty() && heldAudio.firstKey() == nextSample) {
                AudioBlock next = heldAudio.pollFirstEntry().getValue();
                writer.writeAudio(next.getSamples());
                nextSample += next.sampleCount();
            }
        }

        private boolean finished() {
            return end != null && end.isComplete() && nextFrame >= end.getFramesSent()
                    && nextSample >= end.getSamplesSent();
        }

        private List<ConsumerRecord<String, byte[]>> poll() throws TransferException {
            List<ConsumerRecord<String, byte[]>> mine = new ArrayList<>();
            for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                if (clipId.equals(record.key())) {
                    mine.add(record);
                }
            }
            if (!mine.isEmpty()) {
                lastProgressNanos = System.nanoTime();
            }
            return mine;
        }

        private ClipRecord decode(ConsumerRecord<String, byte[]> record) throws TransferException {
            DecodeResult result = codec.decode(record.value());
            if (result instanceof DecodeResult.Rejected rejected) {
                throw new TransferException("invalid record of clip " + clipId + " at " + record.topic() + "-"
                        + record.partition() + "@" + record.offset() + ": " + rejected.reason());
            }
            return ((DecodeResult.Valid) result).record();
        }

        /**
         * Gives up when neither an output record nor a status record of the clip has arrived for the
         * idle timeout; takes in the status records that arrived meanwhile.
         */
        private void checkIdle(String waitingFor) throws TransferException {
            long now = System.nanoTime();
            if (status.poll() > 0) {
                lastProgressNanos = now;
            }
            if (now - lastProgressNanos > options.idleTimeout().toNanos()) {
                String seconds = Long.toString(options.idleTimeout().toSeconds());
                String none = status.watching() ? "no output and no status records of clip " + clipId
                        : "no output records of clip " + clipId;
                String lastStatus = status.records() == 0 ? ""
                        : "; the last status record came " + (now - status.lastRecordNanos()) / 1_000_000_000L
                                + " s ago";
                throw new TransferException("timed out: " + none + " for " + seconds + " s while waiting for "
                        + waitingFor + " (have " + nextFrame + " frames, " + nextSample + " samples" + lastStatus
                        + "); is the clip id right and is the job running?");
            }
        }

        /**
         * The clip's partition of the media topic and, where they exist, of the frames and audio
         * topics that a job from before the media topic wrote.
         */
        private List<TopicPartition> awaitMediaPartitions() throws TransferException {
            List<String> topics = new ArrayList<>();
            topics.add(options.topics().media());
            topics.addAll(options.topics().legacyMedia());
            while (true) {
                Set<String> existing = consumer.listTopics(Duration.ofSeconds(30)).keySet();
                List<TopicPartition> found = new ArrayList<>();
                for (String topic : topics) {
                    if (existing.contains(topic)) {
                        ClipPartitions.find(consumer, topic, clipId, Duration.ofSeconds(10)).ifPresent(found::add);
                    }
                }
                if (!found.isEmpty()) {
                    return found;
                }
                checkIdle("topic " + options.topics().media() + " to exist");
                sleep(500);
            }
        }

        private TopicPartition awaitPartition(String topic) throws TransferException {
            while (true) {
                var partition = ClipPartitions.find(consumer, topic, clipId, Duration.ofSeconds(10));
                if (partition.isPresent()) {
                    return partition.get();
                }
                checkIdle("topic " + topic + " to exist");
                sleep(500);
            }
        }

        private void seekNearManifest(List<TopicPartition> media) {
            // Ends first: a record appended after the time query is then at or after these offsets.
            Map<TopicPartition, Long> ends = consumer.endOffsets(media, Duration.ofSeconds(30));
            Map<TopicPartition, Long> query = new java.util.HashMap<>();
            long from = Math.max(0, manifestTimestamp - Options.TIMESTAMP_SLACK_MS);
            media.forEach(tp -> query.put(tp, from));
            Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query, Duration.ofSeconds(30));
            for (TopicPartition tp : media) {
                OffsetAndTimestamp at = found.get(tp);
                if (at != null) {
                    consumer.seek(tp, at.offset());
                } else {
                    consumer.seek(tp, ends.get(tp));
                }
            }
        }
    }

    private static long expectedFrames(ClipManifest m) {
        if (m.getFrameCount() > 0) {
            return m.getFrameCount();
        }
        return m.getDurationMicros() > 0 ? Math.round(m.getDurationMicros() / 1e6 * m.fps()) : -1;
    }

    private static void sleep(long millis) throws TransferException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransferException("interrupted");
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // the download's own error is what the user needs to see
        }
    }
}
