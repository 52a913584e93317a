package io.dubstream.connectors.media;

import java.util.Objects;
import java.util.function.Function;

import org.bytedeco.ffmpeg.avutil.AVFrame;

/**
 * JPEG encoding and decoding of tightly packed BGR24 frames with FFmpeg's {@code mjpeg} codec
 * ({@link FFmpegJpeg}), which measured faster than the JDK's ImageIO and OpenCV's libjpeg-turbo at
 * a better quality per byte (docs/benchmarks.md, "JPEG transport"; {@code bench/jpeg.sh}).
 *
 * <p>Thread-safe: a call borrows FFmpeg's contexts from a small pool ({@link FFmpegJpeg}). Decoding
 * checks the bytes before FFmpeg sees them: the start marker, the frame header's size against the
 * expected one (so a hostile header cannot make FFmpeg allocate a huge frame), and
 * the end-of-image marker (a cut JPEG is refused, never filled in); FFmpeg then stops at the first
 * damaged block.
 */
public final class JpegCodec {

    /** How a frame's colour is stored. */
    public enum Chroma {
        /** Colour at a quarter of the pixels (2x2 blocks averaged), as most JPEGs: smaller, blurs colour edges. */
        SUBSAMPLED_420(FFmpegJpeg.Chroma.SUBSAMPLED_420),
        /** Colour at every pixel: about 1.3-1.7x the bytes, several dB better on colour. */
        FULL_444(FFmpegJpeg.Chroma.FULL_444);

        final FFmpegJpeg.Chroma ffmpeg;

        Chroma(FFmpegJpeg.Chroma ffmpeg) {
            this.ffmpeg = ffmpeg;
        }
    }

    private static final int SOI = 0xD8;
    private static final int EOI = 0xD9;
    private static final int SOS = 0xDA;

    private JpegCodec() {}

    /** Encodes a frame with its colour at every pixel; see {@link #encode(byte[], int, int, float, Chroma)}. */
    public static byte[] encode(byte[] bgr, int width, int height, float quality) {
        return encode(bgr, width, height, quality, Chroma.FULL_444);
    }

    /**
     * Encodes a frame as a baseline JPEG.
     *
     * @param bgr tightly packed BGR24 pixels, {@code width * height * 3} bytes
     * @param quality 0 (smallest) to 1 (best), on about the scale of libjpeg's quality / 100
     *     ({@link #quantizerScale})
     * @throws IllegalArgumentException when the quality is outside 0..1 or {@code bgr} has the wrong size
     */
    public static byte[] encode(byte[] bgr, int width, int height, float quality, Chroma chroma) {
        Objects.requireNonNull(bgr, "bgr");
        Objects.requireNonNull(chroma, "chroma");
        if (!(quality >= 0f && quality <= 1f)) {
            throw new IllegalArgumentException("JPEG quality must be between 0 and 1, got " + quality);
        }
        requireFrameSize(bgr.length, width, height);
        return FFmpegJpeg.encode(bgr, width, height, quantizerScale(quality), chroma.ffmpeg);
    }

    /**
     * Encodes a frame of full-range 4:2:0 planes ({@link PixelLayout#YUV420_FULL_RANGE}) as a baseline
     * 4:2:0 JPEG, the planes as they are: no colour conversion or resampling, no rounding but the JPEG's.
     *
     * @param yuv the Y, Cb and Cr planes, one after the other
     * @param quality as {@link #encode(byte[], int, int, float, Chroma)}
     * @throws IllegalArgumentException when the quality is outside 0..1 or {@code yuv} has the wrong size
     */
    public static byte[] encodeYuv420(byte[] yuv, int width, int height, float quality) {
        Objects.requireNonNull(yuv, "yuv");
        if (!(quality >= 0f && quality <= 1f)) {
            throw new IllegalArgumentException("JPEG quality must be between 0 and 1, got " + quality);
        }
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("frame size must be positive, got " + width + "x" + height);
        }
        long expected = PixelLayout.YUV420_FULL_RANGE.frameBytes(width, height);
        if (yuv.length != expected) {
            throw new IllegalArgumentException("a " + width + "x" + height + " 4:2:0 frame has " + expected
                    + " bytes, got " + yuv.length);
        }
        return FFmpegJpeg.encodeYuv420(yuv, width, height, quantizerScale(quality));
    }

    /**
     * FFmpeg's quantizer scale for a quality: libjpeg scales its tables by {@code 2 - 2 * quality}
     * above quality 0.5 (by {@code 0.5 / quality} below), FFmpeg's tables are MPEG-1's intra matrix,
     * about half of libjpeg's, times {@code qscale / 8}: so qscale is about 15 times libjpeg's factor,
     * 1 (best) to 31. Quality 0.9 gives 3, 0.95 gives 2, 0.97 and above 1.
     */
    static int quantizerScale(float quality) {
        double libjpegFactor = quality >= 0.5f ? 2 - 2 * quality : 0.5 / Math.max(quality, 0.01f);
        long qscale = Math.round(15.4 * libjpegFactor);
        return (int) Math.max(FFmpegJpeg.BEST_QSCALE, Math.min(FFmpegJpeg.WORST_QSCALE, qscale));
    }

    /**
     * Decodes a JPEG to tightly packed BGR24 pixels, converting grayscale or other colour layouts.
     *
     * @throws IllegalArgumentException when the bytes are not a JPEG, are cut short or damaged, cannot
     *     be decoded, or the image is not {@code expectedWidth x expectedHeight}
     */
    public static byte[] decodeBgr(byte[] jpeg, int expectedWidth, int expectedHeight) {
        check(jpeg, expectedWidth, expectedHeight);
        try {
            return FFmpegJpeg.decodeBgr(jpeg, expectedWidth, expectedHeight);
        } catch (IllegalArgumentException e) {
            throw cannotDecode(jpeg, e.getMessage());
        }
    }

    /**
     * Decodes a JPEG and hands FFmpeg's decoded frame, in its own pixel format (e.g. {@code yuvj444p}),
     * to {@code use}, which must not keep it; with the same checks as {@link #decodeBgr}.
     *
     * @throws IllegalArgumentException as {@link #decodeBgr}
     */
    static <R> R decodeFrame(byte[] jpeg, int expectedWidth, int expectedHeight, Function<AVFrame, R> use) {
        Objects.requireNonNull(use, "use");
        check(jpeg, expectedWidth, expectedHeight);
        try {
            return FFmpegJpeg.decode(jpeg, expectedWidth, expectedHeight, use);
        } catch (IllegalArgumentException e) {
            throw cannotDecode(jpeg, e.getMessage());
        }
    }

    /** What is checked before FFmpeg sees the bytes: the start marker, the frame's size and the end marker. */
    private static void check(byte[] jpeg, int expectedWidth, int expectedHeight) {
        Objects.requireNonNull(jpeg, "jpeg");
        if (jpeg.length < 4 || (jpeg[0] & 0xFF) != 0xFF || (jpeg[1] & 0xFF) != SOI) {
            throw new IllegalArgumentException("not a JPEG: " + jpeg.length + " bytes starting "
                    + hexHead(jpeg) + " instead of the JPEG start marker FF D8");
        }
        int[] size = frameSize(jpeg);
        if (size[0] != expectedWidth || size[1] != expectedHeight) {
            throw new IllegalArgumentException("JPEG is " + size[0] + "x" + size[1] + ", expected "
                    + expectedWidth + "x" + expectedHeight);
        }
        if ((jpeg[jpeg.length - 2] & 0xFF) != 0xFF || (jpeg[jpeg.length - 1] & 0xFF) != EOI) {
            throw cannotDecode(jpeg, "it does not end with the end-of-image marker FF D9 (cut short?)");
        }
    }

    /**
     * Width and height from the frame header (SOF0..SOF15), read by walking the marker segments up to
     * the first scan.
     */
    private static int[] frameSize(byte[] jpeg) {
        int at = 2;
        while (at + 4 <= jpeg.length) {
            if ((jpeg[at] & 0xFF) != 0xFF) {
                throw cannotDecode(jpeg, "no marker at byte " + at + " of its header");
            }
            int marker = jpeg[at + 1] & 0xFF;
            if (marker == 0xFF) { // fill byte before a marker
                at++;
                continue;
            }
            if (marker == SOS || marker == EOI) {
                break;
            }
            int length = ((jpeg[at + 2] & 0xFF) << 8) | (jpeg[at + 3] & 0xFF);
            if (length < 2) {
                throw cannotDecode(jpeg, "a header segment of length " + length + " at byte " + at);
            }
            boolean frameHeader = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8
                    && marker != 0xCC;
            if (frameHeader) {
                if (at + 9 > jpeg.length || length < 7) {
                    throw cannotDecode(jpeg, "its frame header is cut short");
                }
                int height = ((jpeg[at + 5] & 0xFF) << 8) | (jpeg[at + 6] & 0xFF);
                int width = ((jpeg[at + 7] & 0xFF) << 8) | (jpeg[at + 8] & 0xFF);
                return new int[] {width, height};
            }
            at += 2 + length;
        }
        throw cannotDecode(jpeg, "no frame header (SOF marker) before its image data");
    }

    private static IllegalArgumentException cannotDecode(byte[] jpeg, String why) {
        return new IllegalArgumentException("cannot decode JPEG of " + jpeg.length + " bytes: " + why);
    }

    static void requireFrameSize(int length, int width, int height) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("frame size must be positive, got " + width + "x" + height);
        }
        if ((long) width * height * 3 != length) {
            throw new IllegalArgumentException("a " + width + "x" + height + " BGR frame has "
                    + (long) width * height * 3 + " bytes, got " + length);
        }
    }

    static String hexHead(byte[] bytes) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < Math.min(4, bytes.length); i++) {
            s.append(i == 0 ? "" : " ").append(String.format("%02X", bytes[i] & 0xFF));
        }
        return s.length() == 0 ? "(nothing)" : s.toString();
    }
}
