package io.dubstream.connectors.media;

/**
 * Paints a smoothly moving colour pattern: blue varies across, green down, red along the diagonal,
 * each a triangle wave that drifts a little every frame, so the clip is watchable and motion is
 * visible, with no hard edges to waste bits on.
 */
final class TestPattern {

    /** One period of the triangle wave: 0..255..0 over 512 steps. */
    private static final byte[] TRIANGLE = new byte[512];

    static {
        for (int i = 0; i < TRIANGLE.length; i++) {
            TRIANGLE[i] = (byte) (i < 256 ? i : 511 - i);
        }
    }

    private final int width;
    private final int height;
    private final int[] columnPhase;
    private final int[] rowPhase;

    TestPattern(int width, int height) {
        this.width = width;
        this.height = height;
        this.columnPhase = new int[width];
        this.rowPhase = new int[height];
        for (int x = 0; x < width; x++) {
            columnPhase[x] = (int) ((long) x * 768 / width); // 1.5 periods across
        }
        for (int y = 0; y < height; y++) {
            rowPhase[y] = (int) ((long) y * 512 / height); // one period down
        }
    }

    /** Paints frame {@code index} into a tightly packed BGR frame of this pattern's size. */
    void paint(byte[] bgr, long index) {
        int t = (int) (index % 512);
        byte[] blue = new byte[width];
        int[] diagonal = new int[width];
        for (int x = 0; x < width; x++) {
            blue[x] = TRIANGLE[(columnPhase[x] + 3 * t) & 511];
            diagonal[x] = columnPhase[x] - 5 * t;
        }
        int p = 0;
        for (int y = 0; y < height; y++) {
            byte green = TRIANGLE[(rowPhase[y] + 2 * t) & 511];
            int r = rowPhase[y];
            for (int x = 0; x < width; x++) {
                bgr[p++] = blue[x];
                bgr[p++] = green;
                bgr[p++] = TRIANGLE[(diagonal[x] + r) & 511];
            }
        }
    }
}
