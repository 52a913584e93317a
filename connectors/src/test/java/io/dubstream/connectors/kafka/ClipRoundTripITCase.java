package io.dubstream.connectors.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.dubstream.connectors.format.ClipRecordCodec;
import io.dubstream.connectors.format.FramePartBuffer;
import io.dubstream.connectors.format.FrameParts;
import io.dubstream.connectors.format.RecordLimits;
import io.dubstream.connectors.media.AudioLayout;
import io.dubstream.connectors.media.JpegCodec;
import io.dubstream.connectors.media.MediaReader;
import io.dubstream.connectors.media.MediaSample;
import io.dubstream.connectors.media.PixelLayout;
import io.dubstream.connectors.media.SampleClipGenerator;
import io.dubstream.connectors.records.AudioBlock;
import io.dubstream.connectors.records.ClipManifest;
import io.dubstream.connectors.records.ClipRecord;
import io.dubstream.connectors.records.EndOfClip;
import io.dubstream.connectors.records.FramePart;
import io.dubstream.connectors.records.ScriptLine;
import io.dubstream.connectors.records.TestManifests;
import io.dubstream.connectors.records.VideoFrame;
import io.dubstream.connectors.script.Script;
import io.dubstream.connectors.script.ScriptException;
import io.dubstream.connectors.script.ScriptFiles;
import io.dubstream.connectors.script.ScriptOptions;

/** Upload to Kafka and download back, against a real broker. */
class ClipRoundTripITCase {

    /** Mean absolute error per colour value after JPEG (q 0.9) and H.264 on the test pattern. */
    private static final double MAX_MEAN_PIXEL_ERROR = 6.0;

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @TempDir
    Path tmp;

    private static ClipUploader uploader() {
        return new ClipUploader(KAFKA.bootstrapServers(), ClipUploader.Options.defaults().withTopics(ClipTopics.OUTPUT));
    }

    private static ClipDownloader downloader(Duration timeout) {
        return new ClipDownloader(KAFKA.bootstrapServers(),
                ClipDownloader.Options.defaults().withTopics(ClipTopics.OUTPUT).withIdleTimeout(timeout));
    }

    /** A generated clip, uploaded to the output topics and downloaded back. */
    private record RoundTrip(Path source, Path output, ClipUploader.Result up, ClipDownloader.Result down) {}

    private RoundTrip roundTrip(SampleClipGenerator.Spec spec, String clipId) throws Exception {
        Path source = SampleClipGenerator.write(tmp.resolve(clipId + "-in.mp4"), spec);
        Path output = tmp.resolve(clipId + "-out.mp4");
        ClipUploader.Result up = uploader().upload(source, clipId, TransferProgress.NONE);
        ClipDownloader.Result down = downloader(Duration.ofSeconds(30)).download(clipId, output,
                TransferProgress.NONE);
        return new RoundTrip(source, output, up, down);
    }

    @Test
    void clipWithAudioSurvivesEveryFrameInOrderAndEverySample() throws Exception {
        var spec = new SampleClipGenerator.Spec(320, 240, 25, 1, 4.0, 44_100, 2);
        RoundTrip trip = roundTrip(spec, "with-audio");

        assertThat(trip.up().frames()).isEqualTo(100);
        assertThat(trip.down().frames()).isEqualTo(100);
        // the transport keeps the source's layout, and the track's stated length: 4 s at 44.1 kHz
        assertThat(trip.up().manifest().getSampleRate()).isEqualTo(44_100);
        assertThat(trip.up().manifest().getChannels()).isEqualTo(2);
        assertThat(trip.up().manifest().getSourceSampleRate()).isEqualTo(44_100);
        assertThat(trip.up().manifest().getSourceChannels()).isEqualTo(2);
        assertThat(trip.up().samples()).isEqualTo(176_400);
        assertThat(trip.down().samples()).isEqualTo(trip.up().samples());
        assertThat(trip.down().end().getFramesSent()).isEqualTo(100);
        assertThat(trip.down().end().getSamplesSent()).isEqualTo(trip.up().samples());
        assertThat(trip.down().duplicatesSkipped()).isZero();

        compareFrames(trip.source(), trip.output(), 100);
        assertThat(audioSamplesIn(trip.output())).isEqualTo(trip.up().samples());
    }

    @Test
    void clipWithoutAudio() throws Exception {
        var spec = new SampleClipGenerator.Spec(320, 240, 25, 1, 2.0, 0, 0);
        RoundTrip trip = roundTrip(spec, "no-audio");

        assertThat(trip.up().manifest().hasAudio()).isFalse();
        assertThat(trip.up().samples()).isZero();
        assertThat(trip.down().frames()).isEqualTo(50);
        assertThat(trip.down().samples()).isZero();
        try (MediaReader reader = MediaReader.open(trip.output(), 16_000, 1)) {
            assertThat(reader.info().hasAudio()).isFalse();
        }
        compareFrames(trip.source(), trip.output(), 50);
    }

    @Test
    void ntscFrameRateStaysExact() throws Exception {
        var spec = new SampleClipGenerator.Spec(320, 180, 30_000, 1001, 2.0, 48_000, 1);
        RoundTrip trip = roundTrip(spec, "ntsc");

        assertThat(trip.up().manifest().getFpsNum()).isEqualTo(30_000);
        assertThat(trip.up().manifest().getFpsDen()).isEqualTo(1001);
        try (MediaReader reader = MediaReader.open(trip.output(), 16_000, 1)) {
            assertThat(reader.info().fpsNum()).isEqualTo(30_000);
            assertThat(reader.info().fpsDen()).isEqualTo(1001);
        }
        compareFrames(trip.source(), trip.output(), spec.frameCount());
    }

    @Test
    void aSecondUploadOfTheSameClipIdIsRefused() throws Exception {
        var spec = new SampleClipGenerator.Spec(256, 144, 25, 1, 1.0, 16_000, 1);
        Path source = SampleClipGenerator.write(tmp.resolve("twice.mp4"), spec);
        uploader().upload(source, "twice", TransferProgress.NONE);

        assertThatThrownBy(() -> uploader().upload(source, "twice", TransferProgress.NONE))
                .isInstanceOf(ClipAlreadyExistsException.class)
                .hasMessageContaining("clip id 'twice' was already uploaded");
        // the refused upload wrote nothing: still exactly one manifest and one end of clip
        assertThat(KAFKA.committedRecords(ClipTopics.OUTPUT.clips(), "twice")).extracting(ClipRecord::recordType)
                .containsExactly(io.dubstream.connectors.records.RecordType.MANIFEST,
                        io.dubstream.connectors.records.RecordType.END_OF_CLIP);
    }

    @Test
    void framesAboveTheRecordLimitTravelAsPartsAndComeBackWhole() throws Exception {
        var spec = new SampleClipGenerator.Spec(320, 240, 25, 1, 2.0, 0, 0);
        Path source = SampleClipGenerator.write(tmp.resolve("in-parts.mp4"), spec);
        int maxPart = 2_000;
        ClipUploader.Result up = new ClipUploader(KAFKA.bootstrapServers(), ClipUploader.Options.defaults()
                .withTopics(ClipTopics.OUTPUT).withLimits(RecordLimits.DEFAULTS.withMaxFrameBytes(maxPart)))
                .upload(source, "in-parts", TransferProgress.NONE);
        assertThat(up.frames()).isEqualTo(50);

        // every frame record on the topic is a part within the limit, a frame's parts in order and together
        // the JPEG of the source's frame
        ClipRecordCodec codec = new ClipRecordCodec(RecordLimits.DEFAULTS.withMaxFrameBytes(maxPart));
        List<ClipRecord> records = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : committedOf(ClipTopics.OUTPUT.media(), "in-parts")) {
            records.add(codec.decodeOrThrow(r.value()));
        }
        assertThat(records).allMatch(r -> r instanceof FramePart).hasSizeGreaterThan(100);
        FramePartBuffer buffer = new FramePartBuffer(RecordLimits.DEFAULT_MAX_WHOLE_FRAME_BYTES);
        List<VideoFrame> frames = new ArrayList<>();
        for (ClipRecord record : records) {
            FramePart part = (FramePart) record;
            assertThat(part.getFrameIndex()).isEqualTo(frames.size());
            VideoFrame whole = buffer.add(part);
            assertThat(whole != null).as("%s completes its frame", part.describe())
                    .isEqualTo(part.getPartIndex() == part.getPartCount() - 1);
            if (whole != null) {
                frames.add(whole);
            }
        }
        assertThat(frames).hasSize(50);
        // the upload's JPEGs are of the source's own 4:2:0 planes
        try (MediaReader reader = MediaReader.open(source, new AudioLayout(16_000, 1), PixelLayout.YUV420_FULL_RANGE)) {
            for (VideoFrame frame : frames) {
                MediaSample.VideoSample v = nextFrame(reader);
                assertThat(frame.getImage()).as("frame %d", frame.getFrameIndex())
                        .isEqualTo(JpegCodec.encodeYuv420(v.pixels(), v.width(), v.height(), 0.9f));
            }
        }

        Path output = tmp.resolve("in-parts-out.mp4");
        ClipDownloader.Result down = downloader(Duration.ofSeconds(30)).download("in-parts", output,
                TransferProgress.NONE);
        assertThat(down.frames()).isEqualTo(50);
        assertThat(down.duplicatesSkipped()).isZero();
        compareFrames(source, output, 50);
    }

    @Test
    void aFrameAboveTheWholeFrameLimitAbortsTheClipVisibly() throws Exception {
        var spec = new SampleClipGenerator.Spec(320, 240, 25, 1, 1.0, 16_000, 1);
        Path source = SampleClipGenerator.write(tmp.resolve("big.mp4"), spec);
        ClipUploader strict = new ClipUploader(KAFKA.bootstrapServers(), ClipUploader.Options.defaults()
                .withTopics(ClipTopics.OUTPUT)
                .withLimits(RecordLimits.DEFAULTS.withMaxFrameBytes(1_000).withMaxWholeFrameBytes(2_000)));

        assertThatThrownBy(() -> strict.upload(source, "too-big", TransferProgress.NONE))
                .isInstanceOf(TransferException.class)
                .hasMessageContaining("frame 0 encodes to")
                .hasMessageContaining("above the limit of 2000 bytes for a whole frame");

        List<ClipRecord> control = KAFKA.committedRecords(ClipTopics.OUTPUT.clips(), "too-big");
        assertThat(control).hasSize(2);
        EndOfClip end = (EndOfClip) control.get(1);
        assertThat(end.getStatus()).isEqualTo(EndOfClip.Status.ABORTED);
        assertThat(end.getFramesSent()).isZero();
        assertThat(end.getReason()).contains("above the limit of 2000 bytes for a whole frame");
        assertThat(KAFKA.committedRecords(ClipTopics.OUTPUT.media(), "too-big")).isEmpty();

        Path output = tmp.resolve("too-big.mp4");
        assertThatThrownBy(() -> downloader(Duration.ofSeconds(10)).download("too-big", output,
                        TransferProgress.NONE))
                .isInstanceOf(TransferException.class)
                .hasMessageContaining("ended with status ABORTED");
        assertThat(output).doesNotExist();
    }

    /** A generated clip of {@code seconds} to upload to the input topics, which are created first. */
    private Path inputClip(String clipId, double seconds) throws Exception {
        TopicSetup.ensureExist(KAFKA.bootstrapServers(), ClipTopics.INPUT.all(), 2);
        return SampleClipGenerator.write(tmp.resolve(clipId + ".mp4"),
                new SampleClipGenerator.Spec(256, 144, 25, 1, seconds, 16_000, 1));
    }

    @Test
    void scriptLinesAreCommittedWithTheManifestBeforeTheFrames() throws Exception {
        Path source = inputClip("scripted", 4.0);
        Path srt = Files.writeString(tmp.resolve("scripted.srt"), """
                2
                00:00:02,500 --> 00:00:03,750
                <i>Second</i> line

                1
                00:00:00,250 --> 00:00:01,500
                First
                line
                """);
        Script script = ScriptFiles.read(srt, ScriptOptions.DEFAULTS.withLanguage("en"));

        ClipUploader.Result up = new ClipUploader(KAFKA.bootstrapServers(), ClipUploader.Options.defaults())
                .upload(source, "scripted", script, TransferProgress.NONE);

        assertThat(up.manifest().getScriptLineCount()).isEqualTo(2);
        assertThat(up.manifest().getScriptLanguage()).isEqualTo("en");
        List<ConsumerRecord<String, byte[]>> lines = committedOf(ClipTopics.INPUT.script(), "scripted");
        assertThat(lines).allSatisfy(r -> assertThat(r.key()).isEqualTo("scripted"));
        assertThat(KAFKA.committedRecords(ClipTopics.INPUT.script(), "scripted")).containsExactly(
                new ScriptLine("scripted", 0, 250_000, 1_500_000, "First line", "en", ""),
                new ScriptLine("scripted", 1, 2_500_000, 3_750_000, "Second line", "en", ""));
        List<ConsumerRecord<String, byte[]>> clips = committedOf(ClipTopics.INPUT.clips(), "scripted");
        ClipManifest manifest = (ClipManifest) KAFKA.committedRecords(ClipTopics.INPUT.clips(), "scripted").get(0);
        assertThat(manifest.getScriptLineCount()).isEqualTo(2);
        assertThat(manifest.getScriptLanguage()).isEqualTo("en");
        // sent in the manifest's transaction, before the first frame
        long firstFrameAt = committedOf(ClipTopics.INPUT.media(), "scripted").get(0).timestamp();
        assertThat(lines).allSatisfy(r -> assertThat(r.timestamp()).isBetween(clips.get(0).timestamp(), firstFrameAt));

        // the download reads frames and audio and leaves the script alone
        Path output = tmp.resolve("scripted-out.mp4");
        ClipDownloader.Result down = new ClipDownloader(KAFKA.bootstrapServers(), ClipDownloader.Options.defaults()
                .withTopics(ClipTopics.INPUT).withIdleTimeout(Duration.ofSeconds(30)))
                .download("scripted", output, TransferProgress.NONE);
        assertThat(down.frames()).isEqualTo(100);
        assertThat(down.manifest().getScriptLineCount()).isEqualTo(2);
    }

    @Test
    void aScriptPastTheClipsEndLeavesNothingOnAnyTopic() throws Exception {
        Path source = inputClip("too-long", 2.0);
        Path srt = Files.writeString(tmp.resolve("too-long.srt"), """
                1
                00:00:00,500 --> 00:00:01,000
                In time

                2
                00:00:01,500 --> 00:00:03,000
                Past the end
                """);
        Script script = ScriptFiles.read(srt, ScriptOptions.DEFAULTS);
        ClipUploader uploader = new ClipUploader(KAFKA.bootstrapServers(), ClipUploader.Options.defaults());

        assertThatThrownBy(() -> uploader.upload(source, "too-long", script, TransferProgress.NONE))
                .isInstanceOf(ScriptException.class)
                .hasMessageStartingWith(srt + ":6: the line ends at 00:00:03.000, past the clip's end at 00:00:02.");

        for (String topic : ClipTopics.INPUT.all()) {
            assertThat(committedOf(topic, "too-long")).as(topic).isEmpty();
        }
        // no manifest: the clip id is still free
        ClipUploader.Result again = uploader.upload(source, "too-long", TransferProgress.NONE);
        assertThat(again.manifest().getScriptLineCount()).isZero();
        assertThat(committedOf(ClipTopics.INPUT.script(), "too-long")).isEmpty();
    }

    @Test
    void downloadWaitsThenTimesOutClearlyWithoutAnEndOfClip() throws Exception {
        ClipRecordCodec codec = new ClipRecordCodec();
        ClipManifest manifest = manifest("unfinished", 64, 48, false);
        byte[] jpeg = JpegCodec.encode(new byte[64 * 48 * 3], 64, 48, 0.9f);
        try (KafkaProducer<String, byte[]> producer =
                KafkaClients.transactionalProducer(KAFKA.bootstrapServers(), "test-unfinished")) {
            producer.initTransactions();
            producer.beginTransaction();
            send(producer, codec, ClipTopics.OUTPUT.clips(), manifest);
            send(producer, codec, ClipTopics.OUTPUT.media(), new VideoFrame("unfinished", 0, 0, 64, 48, jpeg));
            producer.commitTransaction();
        }
        Path output = tmp.resolve("unfinished.mp4");
        long started = System.nanoTime();
        assertThatThrownBy(() -> downloader(Duration.ofSeconds(2)).download("unfinished", output,
                        TransferProgress.NONE))
                .isInstanceOf(TransferException.class)
                .hasMessageContaining("timed out: no output and no status records of clip unfinished for 2 s while"
                        + " waiting for the end-of-clip record (have 1 frames, 0 samples)");
        assertThat((System.nanoTime() - started) / 1e9).isBetween(2.0, 30.0);
        assertThat(output).doesNotExist();
    }

    @Test
    void downloadReadsFramesAndAudioFromTheTopicsOfAJobBeforeTheMediaTopic() throws Exception {
        var spec = new SampleClipGenerator.Spec(256, 96, 25, 1, 1.0, 0, 0);
        ClipRecordCodec codec = new ClipRecordCodec();
        List<String> legacy = ClipTopics.OUTPUT.legacyMedia();
        assertThat(legacy).containsExactly("dubstream.out.frames", "dubstream.out.audio");
        try (KafkaProducer<String, byte[]> producer =
                KafkaClients.transactionalProducer(KAFKA.bootstrapServers(), "test-legacy")) {
            producer.initTransactions();
            producer.beginTransaction();
            send(producer, codec, ClipTopics.OUTPUT.clips(), manifest("legacy", 256, 96, true));
            for (int i = 0; i < 25; i++) {
                byte[] jpeg = JpegCodec.encode(SampleClipGenerator.renderFrame(spec, i), 256, 96, 0.95f);
                send(producer, codec, legacy.get(0), new VideoFrame("legacy", i, i * 40_000L, 256, 96, jpeg));
            }
            send(producer, codec, legacy.get(1), new AudioBlock("legacy", 0, 16_000, 1, new short[16_000]));
            send(producer, codec, ClipTopics.OUTPUT.clips(), EndOfClip.complete("legacy", 25, 16_000, 1L));
            producer.commitTransaction();
        }

        ClipDownloader.Result down = downloader(Duration.ofSeconds(30)).download("legacy",
                tmp.resolve("legacy.mp4"), TransferProgress.NONE);

        assertThat(down.frames()).isEqualTo(25);
        assertThat(down.samples()).isEqualTo(16_000);
    }

    @Test
    void downloadPutsShuffledFramesInOrderAndSkipsDuplicates() throws Exception {
        var spec = new SampleClipGenerator.Spec(256, 96, 25, 1, 2.0, 0, 0);
        ClipRecordCodec codec = new ClipRecordCodec();
        ClipManifest manifest = manifest("shuffled", 256, 96, true);
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            order.add(i);
        }
        Collections.shuffle(order, new Random(3));
        order.add(7);
        order.add(30);
        short[] tone = new short[8000];
        for (int i = 0; i < tone.length; i++) {
            tone[i] = (short) (8000 * Math.sin(i * 2 * Math.PI * 440 / 16_000));
        }
        try (KafkaProducer<String, byte[]> producer =
                KafkaClients.transactionalProducer(KAFKA.bootstrapServers(), "test-shuffled")) {
            producer.initTransactions();
            producer.beginTransaction();
            send(producer, codec, ClipTopics.OUTPUT.clips(), manifest);
            for (int n = 0; n < order.size(); n++) {
                int i = order.get(n);
                byte[] bgr = SampleClipGenerator.renderFrame(spec, i);
                VideoFrame frame = new VideoFrame("shuffled", i, i * 40_000L, 256, 96,
                        JpegCodec.encode(bgr, 256, 96, 0.95f));
                if (i % 5 != 0 || n >= 50) {
                    send(producer, codec, ClipTopics.OUTPUT.media(), frame);
                    continue;
                }
                // every fifth frame in three parts, last part first, one part of each sent twice
                List<FramePart> parts = FrameParts.split(frame, 3);
                for (FramePart part : List.of(parts.get(2), parts.get(1), parts.get(1), parts.get(0), parts.get(2))) {
                    send(producer, codec, ClipTopics.OUTPUT.media(), part);
                }
            }
            for (long first : new long[] {24_000, 8_000, 0, 16_000, 8_000}) {
                send(producer, codec, ClipTopics.OUTPUT.media(), new AudioBlock("shuffled", first, 16_000, 1, tone));
            }
            send(producer, codec, ClipTopics.OUTPUT.clips(), EndOfClip.complete("shuffled", 50, 32_000, 1L));
            producer.commitTransaction();
        }

        Path output = tmp.resolve("shuffled.mp4");
        ClipDownloader.Result down = downloader(Duration.ofSeconds(30)).download("shuffled", output,
                TransferProgress.NONE);

        assertThat(down.frames()).isEqualTo(50);
        assertThat(down.samples()).isEqualTo(32_000);
        // frames 7 and 30 and the third block sent again, and two parts of each of the ten frames in parts
        assertThat(down.duplicatesSkipped()).isEqualTo(3 + 2 * 10);
        try (MediaReader reader = MediaReader.open(output, 16_000, 1)) {
            int expected = 0;
            MediaSample s;
            while ((s = reader.next()) != null) {
                if (s instanceof MediaSample.VideoSample v) {
                    assertThat(SampleClipGenerator.readFrameIndex(v.bgr(), v.width(), v.height()))
                            .as("frame at position %d", expected).isEqualTo(expected);
                    expected++;
                }
            }
            assertThat(expected).isEqualTo(50);
        }
    }

    /** Reads source and output side by side: same count, barcodes in order, pixels within tolerance. */
    private static void compareFrames(Path source, Path output, long expectedFrames) throws Exception {
        try (MediaReader in = MediaReader.open(source, 16_000, 1);
                MediaReader out = MediaReader.open(output, 16_000, 1)) {
            long frames = 0;
            double worst = 0;
            MediaSample.VideoSample a;
            while ((a = nextFrame(in)) != null) {
                MediaSample.VideoSample b = nextFrame(out);
                assertThat(b).as("output frame %d", frames).isNotNull();
                assertThat(SampleClipGenerator.readFrameIndex(b.bgr(), b.width(), b.height())).isEqualTo(frames);
                worst = Math.max(worst, meanAbsoluteError(a.bgr(), b.bgr()));
                frames++;
            }
            assertThat(nextFrame(out)).as("output has no extra frames").isNull();
            assertThat(frames).isEqualTo(expectedFrames);
            assertThat(worst).as("worst mean pixel error").isLessThan(MAX_MEAN_PIXEL_ERROR);
        }
    }

    private static MediaSample.VideoSample nextFrame(MediaReader reader) throws Exception {
        MediaSample s;
        while ((s = reader.next()) != null) {
            if (s instanceof MediaSample.VideoSample v) {
                return v;
            }
        }
        return null;
    }

    /** Audio samples per channel in {@code file}, at its own rate. */
    private static long audioSamplesIn(Path file) throws Exception {
        long samples = 0;
        try (MediaReader reader = MediaReader.open(file, AudioLayout.SOURCE)) {
            MediaSample s;
            while ((s = reader.next()) != null) {
                if (s instanceof MediaSample.AudioSample a) {
                    samples += a.samples().length / reader.audioLayout().channels();
                }
            }
        }
        return samples;
    }

    /** Mean absolute difference of two images' bytes. */
    static double meanAbsoluteError(byte[] a, byte[] b) {
        assertThat(b).hasSameSizeAs(a);
        long sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += Math.abs((a[i] & 0xff) - (b[i] & 0xff));
        }
        return (double) sum / a.length;
    }

    private static ClipManifest manifest(String clipId, int width, int height, boolean audio) {
        return TestManifests.of(clipId, width, height, 25, 1, -1, 16_000, audio ? 1 : 0, System.currentTimeMillis());
    }

    static void send(KafkaProducer<String, byte[]> producer, ClipRecordCodec codec, String topic,
            ClipRecord record) throws Exception {
        producer.send(new ProducerRecord<>(topic, record.getClipId(), codec.encode(record)));
    }

    /** The committed records of {@code clipId} on {@code topic}, in offset order. */
    private static List<ConsumerRecord<String, byte[]>> committedOf(String topic, String clipId) {
        return KAFKA.committedConsumerRecords(topic, clipId);
    }
}
