package io.dubstream.connectors.media;

/**
 * A frame index drawn as 16 black or white blocks along the top edge of a frame (most significant
 * bit on the left, white for 1), big enough to survive JPEG and H.264: each block is a sixteenth of
 * the width wide (40 px at 640) and half that high, at least 16 px. Read back by thresholding the
 * mean brightness of the middle of each block.
 */
final class FrameIndexBarcode {

    static final int BITS = 16;
    static final int MIN_WIDTH = BITS * 16;
    static final int MIN_HEIGHT = 64;

    private FrameIndexBarcode() {}

    static int blockWidth(int width) {
        return width / BITS;
    }

    static int blockHeight(int width, int height) {
        return Math.min(height / 4, Math.max(16, blockWidth(width) / 2));
    }

    /** Draws the low 16 bits of {@code index} into a tightly packed BGR frame. */
    static void draw(byte[] bgr, int width, int height, long index) {
        requireSize(bgr, width, height);
        int bw = blockWidth(width);
        int bh = blockHeight(width, height);
        for (int bit = 0; bit < BITS; bit++) {
            byte value = ((index >> (BITS - 1 - bit)) & 1) == 1 ? (byte) 255 : 0;
            for (int y = 0; y < bh; y++) {
                int from = (y * width + bit * bw) * 3;
                java.util.Arrays.fill(bgr, from, from + bw * 3, value);
            }
        }
    }

    /** Reads the index drawn by {@link #draw}, from a frame that may have been lossily compressed. */
    static int read(byte[] bgr, int width, int height) {
        requireSize(bgr, width, height);
        int bw = blockWidth(width);
        int bh = blockHeight(width, height);
        int index = 0;
        for (int bit = 0; bit < BITS; bit++) {
            long sum = 0;
            int count = 0;
            for (int y = bh / 4; y < bh - bh / 4; y++) {
                int row = y * width;
                for (int x = bit * bw + bw / 4; x < (bit + 1) * bw - bw / 4; x++) {
                    int p = (row + x) * 3;
                    sum += (bgr[p] & 0xFF) + (bgr[p + 1] & 0xFF) + (bgr[p + 2] & 0xFF);
                    count += 3;
                }
            }
            index = (index << 1) | (sum > 127L * count ? 1 : 0);
        }
        return index;
    }

    private static void requireSize(byte[] bgr, int width, int height) {
        if (width < MIN_WIDTH || height < MIN_HEIGHT) {
            throw new IllegalArgumentException("the frame index barcode needs frames of at least "
                    + MIN_WIDTH + "x" + MIN_HEIGHT + ", got " + width + "x" + height);
        }
        if (bgr.length != width * height * 3) {
            throw new IllegalArgumentException("a " + width + "x" + height + " BGR frame has "
                    + width * height * 3 + " bytes, got " + bgr.length);
        }
    }
}
