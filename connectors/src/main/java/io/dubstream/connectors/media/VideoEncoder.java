package io.dubstream.connectors.media;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The video encoders an {@link Mp4Writer} can write with, by the names users give them
 * ({@code --encoder}). {@link #AUTO} picks the best one this machine has ({@link VideoEncoders#resolve}).
 */
public enum VideoEncoder {

    /** x264 when the FFmpeg build has it, else NVENC when an NVIDIA GPU encodes, else openh264, else MPEG-4. */
    AUTO(null, -1),
    /** H.264 by x264 ({@code libx264}): best quality per byte on a CPU; only in the GPL FFmpeg build. */
    X264("libx264", 23),
    /** H.264 by NVIDIA's hardware encoder ({@code h264_nvenc}); needs an NVIDIA GPU and driver. */
    NVENC("h264_nvenc", 21),
    /** H.264 by Cisco's openh264 ({@code libopenh264}): the LGPL build's H.264 encoder. */
    OPENH264("libopenh264", 27),
    /** MPEG-4 part 2 ({@code mpeg4}): the last resort, in every FFmpeg build. */
    MPEG4("mpeg4", 23);

    private final String ffmpegName;
    private final int defaultQuality;

    VideoEncoder(String ffmpegName, int defaultQuality) {
        this.ffmpegName = ffmpegName;
        this.defaultQuality = defaultQuality;
    }

    /** FFmpeg's name of the encoder ({@code libx264}); {@code null} for {@link #AUTO}. */
    public String ffmpegName() {
        return ffmpegName;
    }

    /**
     * The quality level used when none is given, on the H.264 quantizer scale (0..51, lower is better and
     * larger), chosen so that each encoder's output stays within 0.5 dB PSNR of x264's at CRF 23
     * (docs/benchmarks.md); -1 for {@link #AUTO}.
     */
    public int defaultQuality() {
        return defaultQuality;
    }

    /** The name users give it: {@code auto}, {@code x264}, {@code nvenc}, {@code openh264}, {@code mpeg4}. */
    public String optionName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The encoder a user named, case-insensitively.
     *
     * @throws IllegalArgumentException for an unknown name, listing the known ones
     */
    public static VideoEncoder byName(String name) {
        for (VideoEncoder e : values()) {
            if (e.optionName().equalsIgnoreCase(name.trim())) {
                return e;
            }
        }
        throw new IllegalArgumentException("unknown video encoder '" + name + "'; one of " + names());
    }

    /** The names users may give, comma-separated. */
    public static String names() {
        return Arrays.stream(values()).map(VideoEncoder::optionName).collect(Collectors.joining(", "));
    }
}
