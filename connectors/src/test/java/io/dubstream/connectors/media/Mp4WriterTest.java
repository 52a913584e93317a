package io.dubstream.connectors.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Mp4WriterTest {

    @TempDir
    Path dir;

    @Test
    void usesOpenH264BecauseTheLgplBuildHasNoX264() throws MediaException {
        FFmpegRuntime.ensureLoaded();
        assertThat(VideoEncoders.isAvailable("libopenh264")).isTrue();
        assertThat(VideoEncoders.isAvailable("libx264")).isFalse();
        assertThat(VideoEncoders.preferredForMp4()).isEqualTo("libopenh264");
    }

    @Test
    void bitRateScalesWithPixelsAndFrameRate() {
        assertThat(Mp4Writer.videoBitrate(640, 360, 25, 1)).isEqualTo(1_152_000);
        assertThat(Mp4Writer.videoBitrate(1920, 1080, 30_000, 1001)).isEqualTo(12_429_171);
        assertThat(Mp4Writer.videoBitrate(64, 64, 1, 1)).isEqualTo(200_000);
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
}
