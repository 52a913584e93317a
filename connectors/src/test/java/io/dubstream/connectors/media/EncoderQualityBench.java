package io.dubstream.connectors.media;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Re-encodes a clip's video through {@link Mp4Writer}, for {@code bench/encoder-quality.sh}: decodes
 * {@code SOURCE} with {@link MediaReader} (BGR frames, as the download gets them), writes them at
 * their times with the given encoder and quality, and prints one line:
 * {@code encoder=libx264 frames=N bytes=N seconds=S fps=F}.
 *
 * <p>Usage: {@code EncoderQualityBench SOURCE OUT ENCODER [QUALITY [THREADS [JPEG]]]}, QUALITY -1 for
 * the encoder's default, THREADS 0 for all cores, JPEG e.g. {@code 0.9:420} or {@code 0.95:444}:
 * each frame goes through {@link JpegCodec} at that quality and chroma first, as the transport
 * sends it (none when absent or {@code none}).
 */
public final class EncoderQualityBench {

    private EncoderQualityBench() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: EncoderQualityBench SOURCE OUT ENCODER [QUALITY [THREADS [JPEG]]]");
            System.exit(2);
        }
        Path source = Path.of(args[0]);
        Path out = Path.of(args[1]);
        VideoEncoding encoding = new VideoEncoding(VideoEncoder.byName(args[2]),
                args.length > 3 ? Integer.parseInt(args[3]) : VideoEncoding.DEFAULT_QUALITY,
                args.length > 4 ? Integer.parseInt(args[4]) : 0);
        String jpeg = args.length > 5 ? args[5] : "none";
        float jpegQuality = jpeg.equals("none") ? Float.NaN : Float.parseFloat(jpeg.split(":")[0]);
        JpegCodec.Chroma chroma = jpeg.endsWith(":444") ? JpegCodec.Chroma.FULL_444 : JpegCodec.Chroma.SUBSAMPLED_420;
        long jpegBytes = 0;
        long frames = 0;
        long encodeNanos = 0;
        String codec;
        try (MediaReader reader = MediaReader.open(source, 16_000, 1)) {
            MediaInfo info = reader.info();
            Mp4Writer.Format format = Mp4Writer.Format.of(info.width(), info.height(), info.fpsNum(), info.fpsDen(),
                    0, 0);
            try (Mp4Writer writer = Mp4Writer.open(out, format, encoding)) {
                codec = writer.videoCodecName();
                for (MediaSample s = reader.next(); s != null; s = reader.next()) {
                    if (s instanceof MediaSample.VideoSample v) {
                        byte[] bgr = v.bgr();
                        if (!Float.isNaN(jpegQuality)) {
                            byte[] sent = JpegCodec.encode(bgr, v.width(), v.height(), jpegQuality, chroma);
                            jpegBytes += sent.length;
                            bgr = JpegCodec.decodeBgr(sent, v.width(), v.height());
                        }
                        long t = System.nanoTime();
                        writer.writeVideo(bgr, v.ptsMicros());
                        encodeNanos += System.nanoTime() - t;
                        frames++;
                    }
                }
                long t = System.nanoTime();
                writer.close();
                encodeNanos += System.nanoTime() - t;
            }
        }
        double seconds = encodeNanos / 1e9;
        System.out.printf("encoder=%s frames=%d bytes=%d encode_seconds=%.2f encode_fps=%.0f jpeg_bytes_per_frame=%d%n",
                codec, frames, Files.size(out), seconds, frames / seconds, frames == 0 ? 0 : jpegBytes / frames);
    }
}
