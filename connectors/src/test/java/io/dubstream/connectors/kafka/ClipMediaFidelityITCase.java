package io.dubstream.connectors.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.dubstream.connectors.cli.Ffmpeg;
import io.dubstream.connectors.cli.Ffprobe;
import io.dubstream.connectors.format.ClipRecordCodec;
import io.dubstream.connectors.media.AudioLayout;
import io.dubstream.connectors.media.JpegCodec;
import io.dubstream.connectors.media.MediaReader;
import io.dubstream.connectors.media.MediaSample;
import io.dubstream.connectors.media.RecorderClips;
import io.dubstream.connectors.media.SampleClipGenerator;
import io.dubstream.connectors.media.ToneAnalysis;
import io.dubstream.connectors.records.AudioBlock;
import io.dubstream.connectors.records.ClipManifest;
import io.dubstream.connectors.records.ClipRecord;
import io.dubstream.connectors.records.EndOfClip;
import io.dubstream.connectors.records.TestManifests;
import io.dubstream.connectors.records.VideoFrame;

/**
 * What a clip keeps from upload to download against a real broker: its audio layout and samples,
 * its display rotation, each frame's time, and the dub's language on the audio track. The job is
 * left out: uploads go straight to the output topics, as the job's identity model would copy them.
 */
class ClipMediaFidelityITCase {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @TempDir
    Path tmp;

    private static ClipUploader.Result upload(Path source, String clipId) throws Exception {
        return new ClipUploader(KAFKA.bootstrapServers(), ClipUploader.Options.defaults().withTopics(ClipTopics.OUTPUT))
                .upload(source, clipId, TransferProgress.NONE);
    }

    private static ClipDownloader.Result download(String clipId, Path output) throws Exception {
        return new ClipDownloader(KAFKA.bootstrapServers(), ClipDownloader.Options.defaults()
                .withTopics(ClipTopics.OUTPUT).withIdleTimeout(Duration.ofSeconds(30)))
                .download(clipId, output, TransferProgress.NONE);
    }

    @Test
    void stereoSourceKeepsItsLayoutOnTheWireAndInTheDownload() throws Exception {
        Path source = SampleClipGenerator.write(tmp.resolve("stereo.mp4"),
                new SampleClipGenerator.Spec(320, 240, 25, 1, 4.0, 48_000, 2));

        ClipUploader.Result up = upload(source, "stereo");

        ClipManifest manifest = up.manifest();
        assertThat(manifest.getSampleRate()).isEqualTo(48_000);
        assertThat(manifest.getChannels()).isEqualTo(2);
        assertThat(manifest.getSourceSampleRate()).isEqualTo(48_000);
        assertThat(manifest.getSourceChannels()).isEqualTo(2);
        assertThat(up.samples()).isEqualTo(192_000);
        List<AudioBlock> blocks = audioBlocks("stereo");
        assertThat(blocks).hasSize(16).allSatisfy(b -> {
            assertThat(b.getSampleRate()).isEqualTo(48_000);
            assertThat(b.getChannels()).isEqualTo(2);
            assertThat(b.sampleCount()).as("250 ms").isEqualTo(12_000);
        });
        short[] wire = concat(blocks);
        assertThat(wire).as("the records hold what the reader decoded, untouched").isEqualTo(decode(source));
        assertChannelsPlayTheirOwnNotes(wire);

        Path output = tmp.resolve("stereo-out.mp4");
        ClipDownloader.Result down = download("stereo", output);
        assertThat(down.samples()).isEqualTo(192_000);
        short[] played = decode(output);
        assertThat(played).hasSize(wire.length);
        assertChannelsPlayTheirOwnNotes(played);

        Ffprobe.assumeAvailable();
        Ffprobe.Audio track = Ffprobe.audio(output);
        assertThat(List.of(track.codec(), track.sampleRate(), track.channels(), track.channelLayout()))
                .containsExactly("aac", 48_000, 2, "stereo");
        assertThat(track.bitRate()).as("bits a second of the AAC track").isGreaterThanOrEqualTo(128_000);
    }

    @Test
    void pcmTravelsBitForBit() throws Exception {
        short[] pcm = RecorderClips.noise(3 * 44_100, 2, 11);
        Path source = RecorderClips.writePcm(tmp.resolve("pcm.mov"), 256, 144, 75, pcm, 44_100, 2);

        ClipUploader.Result up = upload(source, "pcm");

        assertThat(up.manifest().getAudioCodec()).isEqualTo("pcm_s16le");
        assertThat(up.manifest().getSampleRate()).isEqualTo(44_100);
        assertThat(up.samples()).isEqualTo(132_300);
        assertThat(concat(audioBlocks("pcm"))).isEqualTo(pcm);
    }

    @ParameterizedTest(name = "{0} degrees clockwise")
    @ValueSource(ints = {90, 270})
    void displayRotationSurvivesUploadAndDownload(int clockwise) throws Exception {
        Ffmpeg.assumeAvailable();
        Path plain = SampleClipGenerator.write(tmp.resolve("plain.mp4"),
                new SampleClipGenerator.Spec(320, 240, 25, 1, 1.0, 48_000, 2));
        Path source = Ffmpeg.withRotation(plain, tmp.resolve("phone-" + clockwise + ".mp4"), clockwise);
        String clipId = "phone-" + clockwise;

        ClipUploader.Result up = upload(source, clipId);
        assertThat(up.manifest().getRotationDegrees()).isEqualTo(clockwise);
        VideoFrame first = KAFKA.committedRecords(ClipTopics.OUTPUT.media(), clipId).stream()
                .filter(VideoFrame.class::isInstance).map(VideoFrame.class::cast).findFirst().orElseThrow();
        assertThat(first.getWidth()).as("frames travel as stored").isEqualTo(320);
        assertThat(first.getHeight()).isEqualTo(240);

        Path output = tmp.resolve(clipId + "-out.mp4");
        download(clipId, output);

        assertThat(Ffprobe.displayRotation(output)).isEqualTo(Ffprobe.displayRotation(source));
        assertThat(Ffprobe.clockwiseRotation(output)).isEqualTo(clockwise);
        // a player shows both the same way: turned, 240 wide and 320 high, the same picture
        Ffmpeg.Picture shownSource = Ffmpeg.firstFrameAsShown(source, tmp.resolve("source.gray"));
        Ffmpeg.Picture shownOutput = Ffmpeg.firstFrameAsShown(output, tmp.resolve("output.gray"));
        assertThat(shownOutput.width()).isEqualTo(240).isEqualTo(shownSource.width());
        assertThat(shownOutput.height()).isEqualTo(320).isEqualTo(shownSource.height());
        assertThat(ClipRoundTripITCase.meanAbsoluteError(shownSource.grey(), shownOutput.grey())).isLessThan(6.0);
    }

    @Test
    void variableFrameRateSurvivesFrameByFrame() throws Exception {
        Ffmpeg.assumeAvailable();
        // 10 s at 24 fps, then 10 s at 12 fps: 360 frames
        Path source = Ffmpeg.variableFrameRateClip(tmp.resolve("vfr.mp4"), 320, 240, 10, 10);
        List<Double> sourceTimes = relative(Ffprobe.videoFrameTimes(source));
        assertThat(sourceTimes).hasSize(360);
        assertThat(sourceTimes.get(240)).isCloseTo(10.0, Offset.offset(1e-6));

        ClipUploader.Result up = upload(source, "vfr");

        List<VideoFrame> frames = new ArrayList<>();
        for (ClipRecord r : KAFKA.committedRecords(ClipTopics.OUTPUT.media(), "vfr")) {
            if (r instanceof VideoFrame f) {
                frames.add(f);
            }
        }
        assertThat(frames).hasSize(360);
        double worstRecord = 0;
        for (int i = 0; i < 360; i++) {
            worstRecord = Math.max(worstRecord, Math.abs(frames.get(i).getPtsMicros() / 1e6 - sourceTimes.get(i)));
        }
        assertThat(worstRecord).as("worst record time error, s").isLessThan(0.001);
        assertThat(up.manifest().fps()).as("the container's average rate").isBetween(17.0, 19.0);

        Path output = tmp.resolve("vfr-out.mp4");
        download("vfr", output);
        List<Double> outputTimes = relative(Ffprobe.videoFrameTimes(output));
        assertThat(outputTimes).hasSize(360);
        double worstOutput = 0;
        for (int i = 0; i < 360; i++) {
            worstOutput = Math.max(worstOutput, Math.abs(outputTimes.get(i) - sourceTimes.get(i)));
        }
        assertThat(worstOutput).as("worst output frame time error, s").isLessThan(0.001);
        assertThat(Ffprobe.audio(output).startSeconds()).isZero();
    }

    @Test
    void theDubsLanguageTagsTheDownloadedAudioTrack() throws Exception {
        ClipManifest manifest = TestManifests.of("dubbed", 256, 144, 25, 1, 25, 48_000, 2, System.currentTimeMillis());
        manifest.setScriptLanguage("pt-BR");
        ClipRecordCodec codec = new ClipRecordCodec();
        byte[] jpeg = JpegCodec.encode(new byte[256 * 144 * 3], 256, 144, 0.9f);
        try (KafkaProducer<String, byte[]> producer =
                KafkaClients.transactionalProducer(KAFKA.bootstrapServers(), "test-dubbed")) {
            producer.initTransactions();
            producer.beginTransaction();
            ClipRoundTripITCase.send(producer, codec, ClipTopics.OUTPUT.clips(), manifest);
            for (int i = 0; i < 25; i++) {
                ClipRoundTripITCase.send(producer, codec, ClipTopics.OUTPUT.media(), new VideoFrame("dubbed", i, i * 40_000L, 256, 144, jpeg));
            }
            for (int first = 0; first < 48_000; first += 12_000) {
                ClipRoundTripITCase.send(producer, codec, ClipTopics.OUTPUT.media(), new AudioBlock("dubbed", first, 48_000, 2,
                        new short[24_000]));
            }
            ClipRoundTripITCase.send(producer, codec, ClipTopics.OUTPUT.clips(), EndOfClip.complete("dubbed", 25, 48_000, 1L));
            producer.commitTransaction();
        }

        Path output = tmp.resolve("dubbed.mp4");
        download("dubbed", output);

        Ffprobe.assumeAvailable();
        assertThat(Ffprobe.audio(output).language()).isEqualTo("por");
    }

    /** Left plays the scale's note of each second, right a fifth above; checked in second 2. */
    private static void assertChannelsPlayTheirOwnNotes(short[] stereo48k) {
        short[] left = ToneAnalysis.channel(stereo48k, 2, 0, 2 * 48_000 + 12_000, 24_000);
        short[] right = ToneAnalysis.channel(stereo48k, 2, 1, 2 * 48_000 + 12_000, 24_000);
        double l = ToneAnalysis.leftFrequency(2);
        double r = ToneAnalysis.rightFrequency(2);
        assertThat(ToneAnalysis.power(left, l, 48_000)).as("left at %.1f Hz", l)
                .isGreaterThan(100 * ToneAnalysis.power(left, r, 48_000));
        assertThat(ToneAnalysis.power(right, r, 48_000)).as("right at %.1f Hz", r)
                .isGreaterThan(100 * ToneAnalysis.power(right, l, 48_000));
    }

    private static List<AudioBlock> audioBlocks(String clipId) {
        List<AudioBlock> blocks = new ArrayList<>();
        for (ClipRecord r : KAFKA.committedRecords(ClipTopics.OUTPUT.media(), clipId)) {
            if (r instanceof AudioBlock b) {
                blocks.add(b);
            }
        }
        return blocks;
    }

    private static short[] concat(List<AudioBlock> blocks) {
        short[] all = new short[0];
        long expectedFirst = 0;
        for (AudioBlock b : blocks) {
            assertThat(b.getFirstSample()).isEqualTo(expectedFirst);
            int at = all.length;
            all = Arrays.copyOf(all, at + b.getSamples().length);
            System.arraycopy(b.getSamples(), 0, all, at, b.getSamples().length);
            expectedFirst += b.sampleCount();
        }
        return all;
    }

    /** All audio of {@code file} at its own layout, interleaved. */
    private static short[] decode(Path file) throws Exception {
        short[] all = new short[0];
        try (MediaReader reader = MediaReader.open(file, AudioLayout.SOURCE)) {
            MediaSample s;
            while ((s = reader.next()) != null) {
                if (s instanceof MediaSample.AudioSample a) {
                    int at = all.length;
                    all = Arrays.copyOf(all, at + a.samples().length);
                    System.arraycopy(a.samples(), 0, all, at, a.samples().length);
                }
            }
        }
        return all;
    }

    private static List<Double> relative(List<Double> times) {
        List<Double> out = new ArrayList<>();
        for (double t : times) {
            out.add(t - times.get(0));
        }
        return out;
    }
}
