package io.dubstream.connectors.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Choosing the video encoder: what works here, what {@code auto} picks, and the options each gets. */
class VideoEncodersTest {

    /** Which FFmpeg build the tests run against: {@code lgpl} by default, {@code gpl} with -Pgpl (the pom sets it). */
    private static final String LICENCE = System.getProperty("dubstream.ffmpeg.licence", "");

    @TempDir
    Path dir;

    @Test
    void theDefaultBuildIsLgplAndHasNoX264() throws MediaException {
        Assumptions.assumeTrue(LICENCE.equals("lgpl"), "runs against the default (LGPL) FFmpeg build");
        FFmpegRuntime.ensureLoaded();
        assertThat(VideoEncoders.isAvailable("libopenh264")).isTrue();
        assertThat(VideoEncoders.isAvailable("libx264")).isFalse();
        assertThat(VideoEncoders.isAvailable("libx265")).isFalse();
        assertThat(VideoEncoders.resolve(VideoEncoder.AUTO))
                .isIn(Files.exists(VideoEncoders.NVIDIA_DRIVER)
                        ? new VideoEncoder[] {VideoEncoder.NVENC, VideoEncoder.OPENH264}
                        : new VideoEncoder[] {VideoEncoder.OPENH264});
    }

    @Test
    void x264OnTheLgplBuildSaysHowToGetIt() {
        Assumptions.assumeTrue(LICENCE.equals("lgpl"), "runs against the default (LGPL) FFmpeg build");
        Path out = dir.resolve("x264.mp4");
        assertThatThrownBy(() -> Mp4Writer.open(out, Mp4Writer.Format.of(320, 180, 25, 1, 0, 0),
                VideoEncoding.of(VideoEncoder.X264)))
                .isInstanceOf(MediaException.class)
                .hasMessageStartingWith("the x264 video encoder is not available: this is the LGPL FFmpeg build,"
                        + " which has no libx264; build with the GPL FFmpeg build (mvn -Pgpl package")
                .hasMessageContaining("available here: ")
                .hasMessageContaining("openh264");
        assertThat(out).doesNotExist();
    }

    @Test
    void theGplBuildHasX264AndAutoPicksIt() throws MediaException {
        Assumptions.assumeTrue(LICENCE.equals("gpl"), "runs against the GPL FFmpeg build (-Pgpl)");
        FFmpegRuntime.ensureLoaded();
        assertThat(VideoEncoders.isAvailable("libx264")).isTrue();
        assertThat(VideoEncoders.isAvailable("libx265")).isTrue();
        assertThat(VideoEncoders.resolve(VideoEncoder.AUTO)).isEqualTo(VideoEncoder.X264);
    }

    @Test
    void autoPicksAnEncoderThatWorks() throws MediaException {
        VideoEncoder picked = VideoEncoders.resolve(VideoEncoder.AUTO);
        assertThat(picked).isNotEqualTo(VideoEncoder.AUTO);
        assertThat(VideoEncoders.works(picked)).isTrue();
        assertThat(VideoEncoders.availableNames()).contains(picked.optionName());
    }

    @Test
    void nvencWithoutAnNvidiaGpuSaysWhy() throws MediaException {
        Assumptions.assumeFalse(Files.exists(VideoEncoders.NVIDIA_DRIVER), "this machine has an NVIDIA driver");
        assertThat(VideoEncoders.works(VideoEncoder.NVENC)).isFalse();
        assertThatThrownBy(() -> VideoEncoders.resolve(VideoEncoder.NVENC))
                .isInstanceOf(MediaException.class)
                .hasMessageStartingWith("the nvenc video encoder is not available: h264_nvenc does not open (")
                .hasMessageContaining("it needs an NVIDIA GPU with its driver");
        assertThat(VideoEncoders.availableNames()).doesNotContain("nvenc");
    }

    @Test
    void namesAreTheOptionValues() {
        assertThat(VideoEncoder.byName("x264")).isEqualTo(VideoEncoder.X264);
        assertThat(VideoEncoder.byName(" OpenH264 ")).isEqualTo(VideoEncoder.OPENH264);
        assertThatThrownBy(() -> VideoEncoder.byName("x265"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown video encoder 'x265'; one of auto, x264, nvenc, openh264, mpeg4");
    }

    @Test
    void qualityAndThreadsAreChecked() {
        assertThatThrownBy(() -> VideoEncoding.defaults().withQuality(52))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0..51");
        assertThatThrownBy(() -> VideoEncoding.defaults().withThreads(-1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("encoding threads");
        assertThat(VideoEncoding.defaults().qualityFor(VideoEncoder.OPENH264)).isEqualTo(27);
        assertThat(VideoEncoding.defaults().withQuality(30).qualityFor(VideoEncoder.X264)).isEqualTo(30);
    }

    @Test
    void eachEncoderGetsItsQualityThreadsAndKeyframeInterval() {
        assertThat(VideoEncoders.options(VideoEncoder.X264, 22, 0, 25, 640, 360)).containsExactly(
                Map.entry("preset", "veryfast"), Map.entry("crf", "22"), Map.entry("g", "250"),
                Map.entry("threads", "auto"));
        assertThat(VideoEncoders.options(VideoEncoder.OPENH264, 27, 2, 30_000 / 1001.0, 1280, 720)).containsExactly(
                Map.entry("rc_mode", "quality"), Map.entry("qmin", "27"), Map.entry("qmax", "27"),
                Map.entry("profile", "high"), Map.entry("g", "60"), Map.entry("threads", "2"),
                Map.entry("slices", "2"));
        // a slice per 400,000 pixels, as many as the threads allow, at most 4
        assertThat(VideoEncoders.options(VideoEncoder.OPENH264, 27, 16, 25, 640, 360)).containsEntry("slices", "1")
                .containsEntry("threads", "1");
        assertThat(VideoEncoders.options(VideoEncoder.OPENH264, 27, 16, 25, 1920, 1080)).containsEntry("slices", "4");
        assertThat(VideoEncoders.options(VideoEncoder.OPENH264, 27, 1, 25, 1920, 1080)).containsEntry("slices", "1");
        assertThat(VideoEncoders.options(VideoEncoder.OPENH264, 27, 16, 25, 3840, 2160)).containsEntry("slices", "4");
        assertThat(VideoEncoders.options(VideoEncoder.NVENC, 21, 0, 25, 640, 360))
                .containsEntry("rc", "vbr").containsEntry("cq", "21").containsEntry("b", "0");
        assertThat(VideoEncoders.options(VideoEncoder.MPEG4, 23, 1, 25, 640, 360))
                .containsEntry("qmin", "4").containsEntry("qmax", "4").containsEntry("g", "50");
        assertThatThrownBy(() -> VideoEncoders.options(VideoEncoder.AUTO, 23, 0, 25, 640, 360))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void openh264EncodesGopsAtOnceOnSmallFramesWithThreadsToSpare() {
        // a lane per thread, at most 4, while a GOP of frames per lane fits in 64 MiB
        assertThat(VideoEncoders.gopLanes(VideoEncoder.OPENH264, 2, 25, 640, 360)).isEqualTo(2);
        assertThat(VideoEncoders.gopLanes(VideoEncoder.OPENH264, 16, 25, 320, 180)).isEqualTo(4);
        assertThat(VideoEncoders.gopLanes(VideoEncoder.OPENH264, 16, 25, 640, 360)).isEqualTo(3);
        assertThat(VideoEncoders.gopLanes(VideoEncoder.OPENH264, 1, 25, 640, 360)).isEqualTo(1);
        // frames with slices of their own, GOPs too large to queue, GOPs too short
        assertThat(VideoEncoders.gopLanes(VideoEncoder.OPENH264, 16, 25, 1280, 720)).isEqualTo(1);
        assertThat(VideoEncoders.gopLanes(VideoEncoder.OPENH264, 16, 120, 640, 360)).isEqualTo(1);
        assertThat(VideoEncoders.gopLanes(VideoEncoder.OPENH264, 16, 2, 640, 360)).isEqualTo(1);
        // the others have threads of their own
        assertThat(VideoEncoders.gopLanes(VideoEncoder.X264, 16, 25, 640, 360)).isEqualTo(1);
        assertThat(VideoEncoders.gopLanes(VideoEncoder.MPEG4, 16, 25, 640, 360)).isEqualTo(1);
        assertThat(VideoEncoders.gopLanes(VideoEncoder.NVENC, 16, 25, 640, 360)).isEqualTo(1);
    }

    /**
     * Each option and value is one the encoder takes, checked on an encoder context that is set up but
     * not opened: so NVENC's are checked without a GPU, and x264's wherever the build has it.
     */
    @ParameterizedTest
    @EnumSource(value = VideoEncoder.class, names = {"X264", "NVENC", "OPENH264", "MPEG4"})
    void everyOptionIsOneTheEncoderTakes(VideoEncoder encoder) throws MediaException {
        FFmpegRuntime.ensureLoaded();
        Assumptions.assumeTrue(VideoEncoders.isAvailable(encoder.ffmpegName()), "this build has no " + encoder);
        AVCodecContext context = avcodec.avcodec_alloc_context3(
                avcodec.avcodec_find_encoder_by_name(encoder.ffmpegName()));
        try {
            for (Map.Entry<String, String> option : VideoEncoders.options(encoder, 23, 0, 25, 640, 360).entrySet()) {
                assertThat(avutil.av_opt_set(context, option.getKey(), option.getValue(),
                        avutil.AV_OPT_SEARCH_CHILDREN))
                        .as(encoder.ffmpegName() + " " + option.getKey() + "=" + option.getValue()).isZero();
            }
        } finally {
            avcodec.avcodec_free_context(context);
        }
    }

    @Test
    void mpeg4QuantizerHasTheStepSizeOfTheH264One() {
        // H.264's step doubles every 6; MPEG-4's step is 2 * qscale
        assertThat(VideoEncoders.mpeg4Qscale(23)).isEqualTo(4);
        assertThat(VideoEncoders.mpeg4Qscale(29)).isEqualTo(9);
        assertThat(VideoEncoders.mpeg4Qscale(0)).isEqualTo(1);
        assertThat(VideoEncoders.mpeg4Qscale(51)).isEqualTo(31);
    }
}
