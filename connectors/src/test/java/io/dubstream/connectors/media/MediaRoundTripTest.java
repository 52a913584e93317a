package io.dubstream.connectors.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dubstream.connectors.media.MediaSample.AudioSample;
import io.dubstream.connectors.media.MediaSample.VideoSample;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Generated clips written by {@link Mp4Writer} and read back by {@link MediaReader}. */
class MediaRoundTripTest {

    static final int TRANSPORT_RATE = 16_000;

    @TempDir
    static Path dir;

    static Path clip25;
    static Decoded decoded25;

    @BeforeAll
    static void generateThreeSecondClip() throws MediaException {
        clip25 = SampleClipGenerator.write(dir.resolve("clip25.mp4"),
                new SampleClipGenerator.Spec(640, 360, 25, 1, 3.0, 44_100, 2));
        decoded25 = Decoded.read(clip25, TRANSPORT_RATE, 1);
    }

    @Test
    void describesTheGeneratedClip() {
        MediaInfo info = decoded25.info;
        assertThat(info.container()).contains("mp4");
        assertThat(info.videoCodec()).isEqualTo("h264");
        assertThat(info.audioCodec()).isEqualTo("aac");
        assertThat(info.fpsNum()).isEqualTo(25);
        assertThat(info.fpsDen()).isEqualTo(1);
        assertThat(info.fps()).isEqualTo(25.0);
        assertThat(info.width()).isEqualTo(640);
        assertThat(info.height()).isEqualTo(360);
        assertThat(info.frameCountHint()).isEqualTo(75);
        assertThat(info.sourceSampleRate()).isEqualTo(44_100);
        assertThat(info.sourceChannels()).isEqualTo(2);
        assertThat(info.durationMicros()).isEqualTo(3_000_000);
        assertThat(info.hasAudio()).isTrue();
    }

    @Test
    void deliversEveryFrameInOrderWithItsBarcode() {
        assertThat(decoded25.frames).hasSize(75);
        for (int i = 0; i < decoded25.frames.size(); i++) {
            VideoSample frame = decoded25.frames.get(i);
            assertThat(frame.index()).isEqualTo(i);
            assertThat(frame.ptsMicros()).isEqualTo(i * 40_000L);
            assertThat(frame.bgr()).hasSize(640 * 360 * 3);
            assertThat(SampleClipGenerator.readFrameIndex(frame.bgr(), 640, 360)).as("barcode of frame %d", i)
                    .isEqualTo(i);
        }
    }

    @Test
    void deliversExactlyTheClipsDurationOfTransportAudio() {
        // 3 s at 44.1 kHz = 132300 samples; AAC decodes 133120 (its last 1024-sample frame padded) and
        // JavaCV's own resampler would hold back ~16 samples. Flushed and cut to the track's length:
        assertThat(decoded25.audioSamples).isEqualTo(3 * TRANSPORT_RATE);
    }

    @Test
    void transportAudioCarriesTheToneOfEachSecond() {
        short[] audio = decoded25.audio();
        ToneSignal tone = new ToneSignal(TRANSPORT_RATE, 1);
        for (int second = 0; second < 3; second++) {
            // the middle half of the second, away from the fades
            short[] window = Arrays.copyOfRange(audio, second * TRANSPORT_RATE + 4000, second * TRANSPORT_RATE + 12_000);
            double expected = tone.frequency(second);
            double atTone = ToneAnalysis.power(window, expected, TRANSPORT_RATE);
            assertThat(atTone).as("second %d at %.1f Hz", second, expected)
                    .isGreaterThan(100 * ToneAnalysis.power(window, expected * 0.8, TRANSPORT_RATE))
                    .isGreaterThan(100 * ToneAnalysis.power(window, expected * 1.25, TRANSPORT_RATE));
        }
    }

    @Test
    void decodedPixelsStayCloseToTheGeneratedOnes() {
        byte[] expected = new byte[640 * 360 * 3];
        new TestPattern(640, 360).paint(expected, 40);
        FrameIndexBarcode.draw(expected, 640, 360, 40);
        assertThat(meanAbsoluteError(expected, decoded25.frames.get(40).bgr())).isLessThan(4.0);
    }

    @Test
    void keepsAnNtscFrameRateExact() throws MediaException {
        Path clip = SampleClipGenerator.write(dir.resolve("ntsc.mp4"),
                new SampleClipGenerator.Spec(320, 180, 30_000, 1001, 2.0, 48_000, 1));
        Decoded decoded = Decoded.read(clip, TRANSPORT_RATE, 1);

        assertThat(decoded.info.fpsNum()).isEqualTo(30_000);
        assertThat(decoded.info.fpsDen()).isEqualTo(1001);
        assertThat(decoded.info.frameCountHint()).isEqualTo(60);
        assertThat(decoded.frames).hasSize(60);
        assertThat(decoded.frames.get(59).ptsMicros()).isEqualTo(Math.round(59 * 1001 / 30_000.0 * 1e6));
        for (VideoSample frame : decoded.frames) {
            assertThat(SampleClipGenerator.readFrameIndex(frame.bgr(), 320, 180)).isEqualTo(frame.index());
        }
        // 60 frames of 1001/30000 s = 2.002 s of audio
        assertThat(decoded.audioSamples).isEqualTo(Math.round(2.002 * TRANSPORT_RATE));
    }

    @Test
    void readsAClipWithoutAudio() throws MediaException {
        Path clip = SampleClipGenerator.write(dir.resolve("silent.mp4"),
                new SampleClipGenerator.Spec(320, 180, 24_000, 1001, 1.0, 0, 0));
        Decoded decoded = Decoded.read(clip, TRANSPORT_RATE, 1);

        assertThat(decoded.info.hasAudio()).isFalse();
        assertThat(decoded.info.audioCodec()).isNull();
        assertThat(decoded.info.sourceSampleRate()).isZero();
        assertThat(decoded.info.sourceChannels()).isZero();
        assertThat(decoded.info.fpsNum()).isEqualTo(24_000);
        assertThat(decoded.info.fpsDen()).isEqualTo(1001);
        assertThat(decoded.frames).hasSize(24);
        assertThat(decoded.audioChunks).isZero();
    }

    @Test
    void writerReportsWhatItWrote() throws MediaException {
        Path out = dir.resolve("counts.mp4");
        try (Mp4Writer writer = Mp4Writer.open(out, 256, 144, 25, 1, 16_000, 1)) {
            assertThat(writer.videoCodecName()).isEqualTo(VideoEncoders.resolve(VideoEncoder.AUTO).ffmpegName());
            writer.writeVideo(new byte[256 * 144 * 3]);
            writer.writeVideo(new byte[256 * 144 * 3]);
            writer.writeAudio(new short[1000]);
            writer.writeAudio(new short[280]);
            assertThat(writer.framesWritten()).isEqualTo(2);
            assertThat(writer.samplesWritten()).isEqualTo(1280);
        }
        Decoded decoded = Decoded.read(out, 16_000, 1);
        assertThat(decoded.frames).hasSize(2);
        assertThat(decoded.audioSamples).isEqualTo(1280);
    }

    @Test
    void writerRejectsFramesOfTheWrongSize() throws MediaException {
        try (Mp4Writer writer = Mp4Writer.open(dir.resolve("wrong.mp4"), 320, 180, 25, 1, 16_000, 2)) {
            assertThatThrownBy(() -> writer.writeVideo(new byte[320 * 180 * 3 - 1]))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("320x180x3 = 172800 bytes")
                    .hasMessageContaining("got 172799 bytes");
            assertThatThrownBy(() -> writer.writeAudio(new short[3]))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("3 samples are not a whole number of 2-channel frames");
            writer.writeVideo(new byte[320 * 180 * 3]);
        }
    }

    @Test
    void writerRejectsOddSizes() {
        assertThatThrownBy(() -> Mp4Writer.open(dir.resolve("odd.mp4"), 321, 180, 25, 1, 0, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("321x180");
    }

    @Test
    void keepsAnAwkwardFrameRateExact() throws MediaException {
        Path out = dir.resolve("awkward.mp4");
        try (Mp4Writer writer = Mp4Writer.open(out, 320, 180, 1_999_999, 1_000_003, 0, 0)) {
            for (int i = 0; i < 4; i++) {
                writer.writeVideo(new byte[320 * 180 * 3]);
            }
        }
        Decoded decoded = Decoded.read(out, TRANSPORT_RATE, 1);
        assertThat(decoded.info.fpsNum()).isEqualTo(1_999_999);
        assertThat(decoded.info.fpsDen()).isEqualTo(1_000_003);
        assertThat(decoded.frames.get(3).ptsMicros()).isEqualTo(3 * 1_000_003_000_000L / 1_999_999);
    }

    static double meanAbsoluteError(byte[] a, byte[] b) {
        assertThat(b).hasSameSizeAs(a);
        long sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += Math.abs((a[i] & 0xFF) - (b[i] & 0xFF));
        }
        return (double) sum / a.length;
    }

    /** Everything a reader delivered for a file. */
    static final class Decoded {
        MediaInfo info;
        AudioLayout layout;
        final List<VideoSample> frames = new ArrayList<>();
        long audioSamples;
        int audioChunks;
        private short[] audio = new short[0];
        private int audioLength;

        /** All transport audio, interleaved. */
        short[] audio() {
            return Arrays.copyOf(audio, audioLength);
        }

        static Decoded read(Path file, int rate, int channels) throws MediaException {
            return read(file, new AudioLayout(rate, channels));
        }

        static Decoded read(Path file, AudioLayout wanted) throws MediaException {
            Decoded d = new Decoded();
            try (MediaReader reader = MediaReader.open(file, wanted)) {
                d.info = reader.info();
                d.layout = reader.audioLayout();
                int channels = d.layout == null ? 1 : d.layout.channels();
                MediaSample sample;
                while ((sample = reader.next()) != null) {
                    if (sample instanceof VideoSample v) {
                        d.frames.add(v);
                    } else if (sample instanceof AudioSample a) {
                        assertThat(a.samples().length % channels).isZero();
                        d.audioSamples += a.samples().length / channels;
                        d.audioChunks++;
                        if (d.audioLength + a.samples().length > d.audio.length) {
                            d.audio = Arrays.copyOf(d.audio, 2 * (d.audioLength + a.samples().length));
                        }
                        System.arraycopy(a.samples(), 0, d.audio, d.audioLength, a.samples().length);
                        d.audioLength += a.samples().length;
                    }
                }
                assertThat(reader.next()).isNull();
            }
            return d;
        }
    }
}
