package io.dubstream.connectors.media;

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

    /** One row of a 4:2:0 plane: its plane (0 Y, 1 Cb, 2 Cr), row, offset in the packed layout and length. */
    @FunctionalInterface
    interface Yuv420Row {
        void copy(int plane, int row, int packedOffset, int length);
    }

    /** Calls {@code row} for each row of a {@code width x height} frame's Y, Cb and Cr planes, in packed order. */
    static void forEachYuv420Row(int width, int height, Yuv420Row row) {
        int at = 0;
        for (int p = 0; p < 3; p++) {
            int w = p == 0 ? width : chromaWidth(width);
            int h = p == 0 ? height : chromaHeight(height);
            for (int y = 0; y < h; y++, at += w) {
                row.copy(p, y, at, w);
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
