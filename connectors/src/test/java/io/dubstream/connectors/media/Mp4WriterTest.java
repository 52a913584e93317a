package io.dubstream.connectors.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dubstream.connectors.cli.Ffmpeg;
import io.dubstream.connectors.cli.Ffprobe;
import java.nio.file.Path;
import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class Mp4WriterTest {

    @TempDir
    Path dir;

    /**
     * Every encoder that works here writes a file that plays with its frames in order, at their times and
     * rate: x264 and NVENC reorder frames (B-frames), openh264 and MPEG-4 do not.
     */
    @ParameterizedTest
    @EnumSource(value = VideoEncoder.class, names = {"X264", "NVENC", "OPENH264", "MPEG4"})
    void eachEncoderThatWorksKeepsFramesOrderAndRate(VideoEncoder encoder) throws Exception {
        Assumptions.assumeTrue(VideoEncoders.works(encoder), encoder + " does not work here");
        Ffprobe.assumeAvailable();
        SampleClipGenerator.Spec spec = new SampleClipGenerator.Spec(320, 180, 30_000, 1001, 2.5, 48_000, 0);
        Path out = dir.resolve(encoder.optionName() + ".mp4");
        try (Mp4Writer writer = Mp4Writer.open(out, Mp4Writer.Format.of(320, 180, 30_000, 1001, 0, 0),
                VideoEncoding.of(encoder))) {
            assertThat(writer.videoCodecName()).isEqualTo(encoder.ffmpegName());
            for (int i = 0; i < spec.frameCount(); i++) {
                writer.writeVideo(SampleClipGenerator.renderFrame(spec, i));
            }
        }
        Ffprobe.Streams streams = Ffprobe.probe(out);
        assertThat(streams.videoFrames()).isEqualTo(75);
        assertThat(streams.frameRate()).isEqualTo("30000/1001");
        List<Double> times = Ffprobe.videoFrameTimes(out);
        assertThat(times).hasSize(75);
        for (int i = 0; i < times.size(); i++) {
            assertThat(times.get(i)).as("frame %d", i).isCloseTo(i * 1001 / 30_000.0, Offset.offset(1e-4));
        }
        MediaRoundTripTest.Decoded decoded = MediaRoundTripTest.Decoded.read(out, 16_000, 1);
        assertThat(decoded.frames).hasSize(75);
        for (int i = 0; i < decoded.frames.size(); i++) {
            assertThat(SampleClipGenerator.readFrameIndex(decoded.frames.get(i).bgr(), 320, 180)).isEqualTo(i);
        }
    }

    /**
     * openh264 on a small frame encodes GOPs on two encoders at once, each taking every other GOP: the
     * file holds every frame in order at its time, an IDR frame starts each GOP, and it looks as one
     * encoder's file does.
     */
    @Test
    void openh264sGopsEncodedAtOnceMakeTheFileOneEncoderWould() throws Exception {
        Assumptions.assumeTrue(VideoEncoders.works(VideoEncoder.OPENH264), "openh264 does not work here");
        Ffprobe.assumeAvailable();
        assertThat(VideoEncoders.gopLanes(VideoEncoder.OPENH264, 2, 25, 320, 180)).isEqualTo(2);
        assertThat(VideoEncoders.gopLanes(VideoEncoder.OPENH264, 1, 25, 320, 180)).isEqualTo(1);
        // 7 s at 25 fps: GOPs of 50 frames, the last one short
        SampleClipGenerator.Spec spec = new SampleClipGenerator.Spec(320, 180, 25, 1, 7, 48_000, 0);
        int frames = (int) spec.frameCount();
        Path two = dir.resolve("two.mp4");
        Path one = dir.resolve("one.mp4");
        VideoEncoding openh264 = VideoEncoding.of(VideoEncoder.OPENH264);
        try (Mp4Writer lanes = Mp4Writer.open(two, Mp4Writer.Format.of(320, 180, 25, 1, 0, 0), openh264.withThreads(2));
                Mp4Writer single = Mp4Writer.open(one, Mp4Writer.Format.of(320, 180, 25, 1, 0, 0),
                        openh264.withThreads(1))) {
            for (int i = 0; i < frames; i++) {
                byte[] jpeg = JpegCodec.encode(SampleClipGenerator.renderFrame(spec, i), 320, 180, 0.9f);
                lanes.writeVideoJpeg(jpeg, i * 40_000L);
                single.writeVideoJpeg(jpeg, i * 40_000L);
            }
        }
        assertThat(Ffprobe.probe(two).videoFrames()).isEqualTo(frames);
        List<Double> times = Ffprobe.videoFrameTimes(two);
        assertThat(times).hasSize(frames);
        for (int i = 0; i < frames; i++) {
            assertThat(times.get(i)).as("frame %d", i).isCloseTo(i * 0.04, Offset.offset(1e-4));
        }
        assertThat(Ffprobe.videoKeyFrames(two)).contains(0, 50, 100, 150);
        List<MediaSample.VideoSample> fromTwo = MediaRoundTripTest.Decoded.read(two, 48_000, 2).frames;
        List<MediaSample.VideoSample> fromOne = MediaRoundTripTest.Decoded.read(one, 48_000, 2).frames;
        assertThat(fromTwo).hasSize(frames);
        double twoSum = 0;
        double oneSum = 0;
        for (int i = 0; i < frames; i++) {
            byte[] source = SampleClipGenerator.renderFrame(spec, i);
            assertThat(SampleClipGenerator.readFrameIndex(fromTwo.get(i).bgr(), 320, 180)).as("frame %d", i)
                    .isEqualTo(i);
            twoSum += JpegBench.psnr(source, fromTwo.get(i).bgr());
            oneSum += JpegBench.psnr(source, fromOne.get(i).bgr());
        }
        assertThat(twoSum / frames).as("mean PSNR, GOPs at once against one encoder")
                .isCloseTo(oneSum / frames, Offset.offset(0.1));
    }

    @Test
    void aLowerQualityNumberGivesALargerFile() throws MediaException {
        VideoEncoder encoder = VideoEncoders.resolve(VideoEncoder.AUTO);
        SampleClipGenerator.Spec spec = new SampleClipGenerator.Spec(320, 180, 25, 1, 1, 48_000, 0);
        long[] sizes = new long[2];
        int[] qualities = {18, 34};
        for (int q = 0; q < 2; q++) {
            Path out = dir.resolve("q" + qualities[q] + ".mp4");
            try (Mp4Writer writer = Mp4Writer.open(out, Mp4Writer.Format.of(320, 180, 25, 1, 0, 0),
                    VideoEncoding.of(encoder).withQuality(qualities[q]))) {
                for (int i = 0; i < spec.frameCount(); i++) {
                    writer.writeVideo(SampleClipGenerator.renderFrame(spec, i));
                }
            }
            sizes[q] = out.toFile().length();
        }
        assertThat(sizes[0]).as(encoder + " at quality 18 against 34").isGreaterThan(2 * sizes[1]);
    }

    @Test
    void saysWhenTheFileCannotBeCreated() {
        Path out = dir.resolve("no-such-dir").resolve("out.mp4");
        assertThatThrownBy(() -> Mp4Writer.open(out, 320, 180, 25, 1, 16_000, 1))
                .isInstanceOf(MediaException.class)
                .hasMessage("cannot write " + out + ": No such file or directory");
    }

    @Test
    void refusesAudioWithoutAnAudioTrackAndUseAfterClose() throws MediaException {
        Path out = dir.resolve("silent.mp4");
        Mp4Writer writer = Mp4Writer.open(out, 320, 180, 25, 1, 0, 0);
        writer.writeVideo(new byte[320 * 180 * 3]);
        assertThatThrownBy(() -> writer.writeAudio(new short[10]))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("without an audio track");
        writer.close();
        writer.close();
        assertThatThrownBy(() -> writer.writeVideo(new byte[320 * 180 * 3]))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("already closed");

        assertThat(MediaRoundTripTest.Decoded.read(out, 16_000, 1).frames).hasSize(1);
    }

    @Test
    void writesStereoAudioOfTheRightLength() throws MediaException {
        Path out = dir.resolve("stereo.mp4");
        try (Mp4Writer writer = Mp4Writer.open(out, 256, 144, 24_000, 1001, 48_000, 2)) {
            ToneSignal tone = new ToneSignal(48_000, 2);
            for (int i = 0; i < 24; i++) {
                writer.writeVideo(new byte[256 * 144 * 3]);
                writer.writeAudio(tone.samples(i * 2002L, 2002)); // 48000 * 1001 / 24000 per frame
            }
            assertThat(writer.samplesWritten()).isEqualTo(48_048);
        }
        MediaRoundTripTest.Decoded decoded = MediaRoundTripTest.Decoded.read(out, 48_000, 2);
        assertThat(decoded.info.fpsNum()).isEqualTo(24_000);
        assertThat(decoded.info.fpsDen()).isEqualTo(1001);
        assertThat(decoded.info.sourceChannels()).isEqualTo(2);
        assertThat(decoded.frames).hasSize(24);
        assertThat(decoded.audioSamples).isEqualTo(48_048);
    }

    @Test
    void aacBitRateSuitsTheChannels() {
        assertThat(AacTrack.bitRate(1, 48_000)).isEqualTo(96_000);
        assertThat(AacTrack.bitRate(2, 48_000)).isEqualTo(160_000);
        assertThat(AacTrack.bitRate(6, 48_000)).isEqualTo(480_000);
        assertThat(AacTrack.bitRate(8, 48_000)).isEqualTo(512_000);
        assertThat(AacTrack.bitRate(1, 8_000)).as("AAC's 6 bits a sample").isEqualTo(48_000);
    }

    @Test
    void aacRateIsTheInputRateWhenAacHasIt() {
        assertThat(AacTrack.encoderRate(48_000)).isEqualTo(48_000);
        assertThat(AacTrack.encoderRate(44_100)).isEqualTo(44_100);
        assertThat(AacTrack.encoderRate(8_000)).isEqualTo(8_000);
        assertThat(AacTrack.encoderRate(96_000)).isEqualTo(96_000);
        assertThat(AacTrack.encoderRate(37_800)).isEqualTo(44_100);
        assertThat(AacTrack.encoderRate(50_000)).isEqualTo(64_000);
        assertThat(AacTrack.encoderRate(192_000)).isEqualTo(96_000);
        assertThat(AacTrack.encoderRate(176_400)).isEqualTo(88_200);
        assertThat(AacTrack.encoderRate(120_000)).isEqualTo(96_000);
    }

    @Test
    void languageTagsBecomeThreeLetterCodes() {
        assertThat(AacTrack.iso639Part2("fr")).isEqualTo("fra");
        assertThat(AacTrack.iso639Part2("pt-BR")).isEqualTo("por");
        assertThat(AacTrack.iso639Part2("de")).isEqualTo("deu");
        assertThat(AacTrack.iso639Part2("deu")).isEqualTo("deu");
        assertThat(AacTrack.iso639Part2("zh-Hant-TW")).isEqualTo("zho");
        assertThat(AacTrack.iso639Part2("")).isEmpty();
        assertThat(AacTrack.iso639Part2("und")).isEmpty();
        assertThat(AacTrack.iso639Part2("qq")).as("no such language").isEmpty();
    }

    @Test
    void writesStereoAacAtTheInputRateAndBitRateWithItsLanguage() throws Exception {
        Path out = dir.resolve("stereo-fr.mp4");
        ToneSignal tone = new ToneSignal(48_000, 2);
        try (Mp4Writer writer = Mp4Writer.open(out, Mp4Writer.Format.of(256, 144, 25, 1, 48_000, 2)
                .withAudioLanguage("fr"))) {
            for (int i = 0; i < 75; i++) {
                writer.writeVideo(new byte[256 * 144 * 3]);
                writer.writeAudio(tone.samples(i * 1920L, 1920));
            }
            assertThat(writer.audioEncoderRate()).isEqualTo(48_000);
        }
        MediaRoundTripTest.Decoded decoded = MediaRoundTripTest.Decoded.read(out, 48_000, 2);
        assertThat(decoded.audioSamples).isEqualTo(144_000);
        short[] audio = decoded.audio();
        double f = tone.frequency(1);
        short[] left = ToneAnalysis.channel(audio, 2, 0, 60_000, 24_000);
        short[] right = ToneAnalysis.channel(audio, 2, 1, 60_000, 24_000);
        assertThat(ToneAnalysis.power(left, f, 48_000)).isGreaterThan(100 * ToneAnalysis.power(left, 1.5 * f, 48_000));
        assertThat(ToneAnalysis.power(right, 1.5 * f, 48_000)).isGreaterThan(100 * ToneAnalysis.power(right, f, 48_000));

        Ffprobe.assumeAvailable();
        Ffprobe.Audio track = Ffprobe.audio(out);
        assertThat(List.of(track.codec(), track.sampleRate(), track.channels(), track.channelLayout(), track.language()))
                .containsExactly("aac", 48_000, 2, "stereo", "fra");
        assertThat(track.bitRate()).as("bits a second of the AAC track").isBetween(128_000L, 170_000L);
    }

    @Test
    void keepsSixChannelsAndTakes192KilohertzDownToAnAacRate() throws Exception {
        Path out = dir.resolve("surround.mp4");
        try (Mp4Writer writer = Mp4Writer.open(out, 256, 144, 25, 1, 192_000, 6)) {
            assertThat(writer.audioEncoderRate()).isEqualTo(96_000);
            ToneSignal tone = new ToneSignal(192_000, 1);
            for (int i = 0; i < 25; i++) {
                writer.writeVideo(new byte[256 * 144 * 3]);
                short[] mono = tone.samples(i * 7680L, 7680);
                short[] six = new short[mono.length * 6];
                for (int k = 0; k < mono.length; k++) {
                    java.util.Arrays.fill(six, k * 6, k * 6 + 6, mono[k]);
                }
                writer.writeAudio(six);
            }
        }
        MediaRoundTripTest.Decoded decoded = MediaRoundTripTest.Decoded.read(out, 96_000, 6);
        assertThat(decoded.info.sourceSampleRate()).isEqualTo(96_000);
        assertThat(decoded.info.sourceChannels()).isEqualTo(6);
        assertThat(decoded.audioSamples).as("1 s at 96 kHz, the resampler flushed").isEqualTo(96_000);

        Ffprobe.assumeAvailable();
        Ffprobe.Audio track = Ffprobe.audio(out);
        assertThat(List.of(track.sampleRate(), track.channels(), track.channelLayout())).containsExactly(96_000, 6, "5.1");
    }

    @Test
    void writesEachFrameAtItsOwnTime() throws Exception {
        Path out = dir.resolve("vfr.mp4");
        long[] times = variableFrameTimes();
        try (Mp4Writer writer = Mp4Writer.open(out, 256, 144, 18, 1, 0, 0)) {
            for (long t : times) {
                writer.writeVideo(new byte[256 * 144 * 3], t);
            }
        }
        MediaRoundTripTest.Decoded decoded = MediaRoundTripTest.Decoded.read(out, 48_000, 2);
        assertThat(decoded.frames).hasSize(times.length);
        for (int i = 0; i < times.length; i++) {
            assertThat(decoded.frames.get(i).ptsMicros()).as("frame %d", i).isCloseTo(times[i], Offset.offset(10L));
        }

        Ffprobe.assumeAvailable();
        List<Double> shown = Ffprobe.videoFrameTimes(out);
        assertThat(shown).hasSize(times.length);
        for (int i = 0; i < times.length; i++) {
            assertThat(shown.get(i)).as("frame %d", i).isCloseTo(times[i] / 1e6, Offset.offset(1e-5));
        }
    }

    /** 24 frames at 24 fps, then 12 at 12 fps: 2 s, 36 frames, 18 fps on average. */
    static long[] variableFrameTimes() {
        long[] times = new long[36];
        for (int i = 0; i < 36; i++) {
            times[i] = i < 24 ? Math.round(i * 1e6 / 24) : Math.round(1e6 + (i - 24) * 1e6 / 12);
        }
        return times;
    }

    @Test
    void refusesAFrameThatIsNotAfterThePreviousOne() throws MediaException {
        try (Mp4Writer writer = Mp4Writer.open(dir.resolve("backwards.mp4"), 256, 144, 25, 1, 0, 0)) {
            writer.writeVideo(new byte[256 * 144 * 3], 40_000);
            assertThatThrownBy(() -> writer.writeVideo(new byte[256 * 144 * 3], 40_000))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("frame 1 of backwards.mp4 at 40000 us is not after the previous frame at 40000 us");
            assertThatThrownBy(() -> writer.writeVideo(new byte[256 * 144 * 3], -1))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("negative time");
            writer.writeVideo(new byte[256 * 144 * 3], 80_000);
            assertThat(writer.framesWritten()).isEqualTo(2);
        }
    }

    /**
     * A frame given as JPEG goes to the encoder as its own YUV: on average as close to the source as
     * the same JPEG through BGR, with the colour range mapped (flat black, white and colours come back as
     * they were, where a missed full-to-limited range conversion would shift them by up to 16 levels).
     */
    @Test
    void writesJpegFramesAsCloseToTheSourceAsThroughBgr() throws Exception {
        SampleClipGenerator.Spec spec = new SampleClipGenerator.Spec(320, 180, 25, 1, 1, 48_000, 0);
        List<byte[]> source = new java.util.ArrayList<>();
        for (int i = 0; i < spec.frameCount(); i++) {
            source.add(SampleClipGenerator.renderFrame(spec, i));
        }
        for (int[] colour : new int[][] {{0, 0, 0}, {255, 255, 255}, {30, 120, 200}, {200, 40, 90}}) {
            byte[] flat = new byte[320 * 180 * 3];
            for (int p = 0; p < flat.length; p++) {
                flat[p] = (byte) colour[p % 3];
            }
            source.add(flat);
        }
        Path throughBgr = dir.resolve("bgr.mp4");
        Path asYuv = dir.resolve("yuv.mp4");
        // nearly lossless, so that the conversions, not the encoder, make the difference
        // and on one thread: openh264's slice threads make its output vary from run to run
        VideoEncoding fine = VideoEncoding.of(VideoEncoders.resolve(VideoEncoder.AUTO)).withQuality(1).withThreads(1);
        try (Mp4Writer bgr = Mp4Writer.open(throughBgr, Mp4Writer.Format.of(320, 180, 25, 1, 0, 0), fine);
                Mp4Writer yuv = Mp4Writer.open(asYuv, Mp4Writer.Format.of(320, 180, 25, 1, 0, 0), fine)) {
            for (int i = 0; i < source.size(); i++) {
                byte[] jpeg = JpegCodec.encode(source.get(i), 320, 180, 0.9f);
                bgr.writeVideo(JpegCodec.decodeBgr(jpeg, 320, 180), i * 40_000L);
                yuv.writeVideoJpeg(jpeg, i * 40_000L);
            }
            assertThat(yuv.framesWritten()).isEqualTo(source.size());
        }
        List<MediaSample.VideoSample> viaBgr = MediaRoundTripTest.Decoded.read(throughBgr, 48_000, 2).frames;
        List<MediaSample.VideoSample> viaYuv = MediaRoundTripTest.Decoded.read(asYuv, 48_000, 2).frames;
        assertThat(viaYuv).hasSize(source.size());
        double yuvSum = 0;
        double bgrSum = 0;
        for (int i = 0; i < spec.frameCount(); i++) {
            byte[] frame = viaYuv.get(i).bgr();
            assertThat(SampleClipGenerator.readFrameIndex(frame, 320, 180)).isEqualTo(i);
            yuvSum += JpegBench.psnr(source.get(i), frame);
            bgrSum += JpegBench.psnr(source.get(i), viaBgr.get(i).bgr());
        }
        // the encoder's own decisions move single frames by up to a dB either way: the mean tells
        assertThat(yuvSum / spec.frameCount()).as("mean PSNR as YUV against through BGR")
                .isGreaterThan(bgrSum / spec.frameCount() - 0.15).isGreaterThan(33);
        System.out.printf("JPEG frames to H.264: mean PSNR %.4f dB as YUV, %.4f dB through BGR%n",
                yuvSum / spec.frameCount(), bgrSum / spec.frameCount());
        for (int i = (int) spec.frameCount(); i < source.size(); i++) {
            byte[] frame = viaYuv.get(i).bgr();
            for (int c = 0; c < 3; c++) {
                assertThat(meanOfChannel(frame, c)).as("flat frame %d, channel %d", i, c)
                        .isCloseTo(source.get(i)[c] & 0xFF, Offset.offset(2.0));
            }
        }
    }

    @Test
    void refusesAFrameThatIsNotAJpegOfItsSizeAndGoesOn() throws MediaException {
        try (Mp4Writer writer = Mp4Writer.open(dir.resolve("jpeg.mp4"), 256, 144, 25, 1, 0, 0)) {
            byte[] good = JpegCodec.encode(new byte[256 * 144 * 3], 256, 144, 0.9f);
            byte[] cut = java.util.Arrays.copyOf(good, good.length / 2);
            assertThatThrownBy(() -> writer.writeVideoJpeg(cut, 0))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cut short");
            assertThatThrownBy(() -> writer.writeVideoJpeg(JpegCodec.encode(new byte[128 * 72 * 3], 128, 72, 0.9f), 0))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("JPEG is 128x72, expected 256x144");
            writer.writeVideoJpeg(good, 0);
            assertThatThrownBy(() -> writer.writeVideoJpeg(good, 0))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not after the previous frame");
            writer.writeVideoJpeg(good, 40_000);
            assertThat(writer.framesWritten()).isEqualTo(2);
        }
    }

    private static double meanOfChannel(byte[] bgr, int channel) {
        long sum = 0;
        for (int p = channel; p < bgr.length; p += 3) {
            sum += bgr[p] & 0xFF;
        }
        return sum / (bgr.length / 3.0);
    }

    @Test
    void storesTheDisplayRotationThatPlayersApplyClockwise() throws Exception {
        for (int degrees : new int[] {0, 90, 180, 270}) {
            Path out = dir.resolve("rotated-" + degrees + ".mp4");
            try (Mp4Writer writer = Mp4Writer.open(out, Mp4Writer.Format.of(320, 240, 25, 1, 0, 0)
                    .withRotation(degrees))) {
                writer.writeVideo(whiteTopLeftCorner(320, 240));
            }
            try (MediaReader reader = MediaReader.open(out, AudioLayout.SOURCE)) {
                assertThat(reader.info().rotationDegrees()).isEqualTo(degrees);
                MediaSample.VideoSample frame = (MediaSample.VideoSample) reader.next();
                assertThat(frame.width()).as("frames stay as stored").isEqualTo(320);
            }
            Ffmpeg.assumeAvailable();
            assertThat(Ffprobe.clockwiseRotation(out)).isEqualTo(degrees);
            // a player turns the stored top-left corner to where a clockwise turn takes it
            String corner = Ffmpeg.firstFrameAsShown(out, dir.resolve("shown.gray")).brightestCorner();
            assertThat(corner).as("%d degrees", degrees)
                    .isEqualTo(switch (degrees) { case 90 -> "TR"; case 180 -> "BR"; case 270 -> "BL"; default -> "TL"; });
        }
        assertThatThrownBy(() -> Mp4Writer.Format.of(320, 240, 25, 1, 0, 0).withRotation(45))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0, 90, 180 or 270");
    }

    /** A black BGR frame with a white 40x40 square in its top-left corner. */
    static byte[] whiteTopLeftCorner(int width, int height) {
        byte[] bgr = new byte[width * height * 3];
        for (int y = 0; y < 40; y++) {
            java.util.Arrays.fill(bgr, y * width * 3, (y * width + 40) * 3, (byte) 255);
        }
        return bgr;
    }
}
