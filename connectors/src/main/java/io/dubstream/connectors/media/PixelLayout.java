package io.dubstream.connectors.media;

import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.BytePointer;

/** How a decoded frame's pixels lie in its byte array ({@link MediaSample.VideoSample#pixels()}). */
public enum PixelLayout {
    /** Tightly packed rows of {@code width * 3} bytes in B, G, R order: what models and image code take. */
    BGR24,
    /**
     * Three tightly packed planes, one after the other: Y of {@code width x height} bytes, then Cb and
     * Cr of {@code ceil(width / 2) x ceil(height / 2)} bytes each, at full range (0-255, BT.601), as a
     * 4:2:0 JPEG stores them. What the upload turns into JPEG: the source's own 4:2:0 samples, with no
     * round trip through BGR and no chroma resampling.
     */
    YUV420_FULL_RANGE;

    /** Bytes of a {@code width x height} frame in this layout. */
    public long frameBytes(int width, int height) {
        return switch (this) {
            case BGR24 -> (long) width * height * 3;
            case YUV420_FULL_RANGE -> (long) width * height + 2L * chromaWidth(width) * chromaHeight(height);
        };
    }

    /**
     * Copies the Y, Cb and Cr planes of {@code frame}, a 4:2:0 {@code width x height} frame, into
     * {@code packed}, each plane tightly packed, one after the other.
     */
    static void packYuv420(AVFrame frame, int width, int height, byte[] packed) {
        copyYuv420(frame, width, height, packed, true);
    }

    /** Copies tightly packed 4:2:0 planes into the planes of {@code frame}, row by row at its strides. */
    static void unpackYuv420(byte[] packed, AVFrame frame, int width, int height) {
        copyYuv420(frame, width, height, packed, false);
    }

    private static void copyYuv420(AVFrame frame, int width, int height, byte[] packed, boolean intoPacked) {
        int at = 0;
        for (int p = 0; p < 3; p++) {
            int w = p == 0 ? width : chromaWidth(width);
            int h = p == 0 ? height : chromaHeight(height);
            // one pointer and stride per plane: JavaCPP makes a new Pointer on every data() call
            BytePointer data = frame.data(p);
            long stride = frame.linesize(p);
            for (int y = 0; y < h; y++, at += w) {
                data.position(y * stride);
                if (intoPacked) {
                    data.get(packed, at, w);
                } else {
                    data.put(packed, at, w);
                }
            }
        }
    }

    /** Width of a 4:2:0 chroma plane. */
    static int chromaWidth(int width) {
        return (width + 1) / 2;
    }

    /** Height of a 4:2:0 chroma plane. */
    static int chromaHeight(int height) {
        return (height + 1) / 2;
    }
}
