package io.dubstream.connectors.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;

import io.dubstream.connectors.media.MediaException;
import io.dubstream.connectors.media.VideoEncoder;
import io.dubstream.connectors.media.VideoEncoders;
import io.dubstream.connectors.media.VideoEncoding;

/** {@code --encoder}, {@code --quality}, {@code --encoder-threads}: how a command that writes an mp4 encodes its video. */
public final class EncoderOptions {

    @Option(names = "--encoder", paramLabel = "NAME", defaultValue = "auto", converter = EncoderName.class,
            description = {"The video encoder: auto, x264, nvenc, openh264 or mpeg4 (default: ${DEFAULT-VALUE}).",
                "auto takes x264 when FFmpeg's GPL build is on the class path (mvn -Pgpl), else NVENC when an NVIDIA"
                    + " GPU encodes, else openh264 (the default build's H.264 encoder)."})
    VideoEncoder encoder;

    @Option(names = "--quality", paramLabel = "0-51", defaultValue = "-1",
            description = {"Video quality on the H.264 quantizer scale, lower is better and larger; about 6 steps"
                + " halve or double the size. x264's CRF, NVENC's CQ, openh264's QP. Default: the encoder's own"
                + " (x264 23, NVENC 21, openh264 27, MPEG-4 23): about x264 veryfast's PSNR at its defaults."})
    int quality;

    @Option(names = "--encoder-threads", paramLabel = "N", defaultValue = "0",
            description = "Threads the video encoder may use, 0 for all cores (default: ${DEFAULT-VALUE}).")
    int threads;

    /**
     * The encoding asked for, its encoder checked to work here.
     *
     * @throws IllegalArgumentException when a value is out of range or the encoder does not work here,
     *     saying why and which do
     */
    public VideoEncoding encoding() {
        VideoEncoding encoding = new VideoEncoding(encoder, quality, threads);
        try {
            VideoEncoders.resolve(encoder);
        } catch (MediaException e) {
            throw new IllegalArgumentException("--encoder " + encoder.optionName() + ": " + e.getMessage(), e);
        }
        return encoding;
    }

    /** Encoder names, case-insensitively, with the list of known ones when one is not. */
    static final class EncoderName implements ITypeConverter<VideoEncoder> {
        @Override
        public VideoEncoder convert(String value) {
            return VideoEncoder.byName(value);
        }
    }
}
