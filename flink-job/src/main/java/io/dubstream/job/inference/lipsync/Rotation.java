package io.dubstream.job.inference.lipsync;

/**
 * A clockwise quarter-turn rotation of packed BGR frames and of face boxes in them: the manifest's
 * display rotation ({@code rotationDegrees}), which turns a stored frame (as a phone writes it)
 * upright. Face detection and Wav2Lip's crops need an upright face; the mouth goes back into the
 * stored frame with {@link #inverse()}.
 *
 * <p>A {@code width x height} frame turned by 90 or 270 degrees is {@code height x width}. Pixel
 * {@code (x, y)} of the stored frame goes to {@code (height - 1 - y, x)} by 90 degrees,
 * {@code (width - 1 - x, height - 1 - y)} by 180 and {@code (y, width - 1 - x)} by 270; a box's
 * half-open ranges map the same way. Rotations only move pixels, so they are exact and commute with
 * cutting a box out: cutting the rotated box out of the rotated frame gives the rotated cut.
 */
public enum Rotation {
    NONE(0),
    CLOCKWISE_90(90),
    CLOCKWISE_180(180),
    CLOCKWISE_270(270);

    private final int degrees;

    Rotation(int degrees) {
        this.degrees = degrees;
    }

    /** The rotation by {@code degrees} clockwise: 0, 90, 180 or 270. */
    public static Rotation of(int degrees) {
        for (Rotation r : values()) {
            if (r.degrees == degrees) {
                return r;
            }
        }
        throw new IllegalArgumentException("a display rotation is 0, 90, 180 or 270 degrees, got " + degrees);
    }

    public int degrees() {
        return degrees;
    }

    /** The rotation that undoes this one. */
    public Rotation inverse() {
        return of((360 - degrees) % 360);
    }

    /** Whether width and height swap. */
    public boolean swapsSides() {
        return degrees % 180 != 0;
    }

    /** The width of a {@code width x height} frame after this rotation. */
    public int width(int width, int height) {
        return swapsSides() ? height : width;
    }

    /** The height of a {@code width x height} frame after this rotation. */
    public int height(int width, int height) {
        return swapsSides() ? width : height;
    }

    /**
     * A {@code width x height} packed BGR frame turned by this rotation; {@link #NONE} returns
     * {@code bgr} itself, the others a new array.
     */
    public byte[] apply(byte[] bgr, int width, int height) {
        FaceCrops.requireFrame(bgr, width, height);
        if (this == NONE) {
            return bgr;
        }
        int outWidth = width(width, height);
        // along a stored row, the turned pixel moves by a fixed step (in bytes): down a column, back along
        // a row, or up a column
        int step = 3 * switch (this) {
            case CLOCKWISE_90 -> outWidth;
            case CLOCKWISE_180 -> -1;
            default -> -outWidth;
        };
        byte[] out = new byte[bgr.length];
        int from = 0;
        for (int y = 0; y < height; y++) {
            int to = switch (this) {
                case CLOCKWISE_90 -> height - 1 - y;
                case CLOCKWISE_180 -> (height - 1 - y) * outWidth + width - 1;
                default -> (width - 1) * outWidth + y;
            } * 3;
            for (int x = 0; x < width; x++, from += 3, to += step) {
                out[to] = bgr[from];
                out[to + 1] = bgr[from + 1];
                out[to + 2] = bgr[from + 2];
            }
        }
        return out;
    }

    /** A box of a {@code width x height} frame turned by this rotation, where it lies in that frame unturned. */
    public FaceBox undo(FaceBox box, int width, int height) {
        return inverse().apply(box, width(width, height), height(width, height));
    }

    /** A box in a {@code width x height} frame, where it lies after this rotation. */
    public FaceBox apply(FaceBox box, int width, int height) {
        FaceCrops.requireInside(box, width, height);
        return switch (this) {
            case NONE -> box;
            case CLOCKWISE_90 -> new FaceBox(height - box.y2(), box.x1(), height - box.y1(), box.x2());
            case CLOCKWISE_180 -> new FaceBox(width - box.x2(), height - box.y2(), width - box.x1(), height - box.y1());
            case CLOCKWISE_270 -> new FaceBox(box.y1(), width - box.x2(), box.y2(), width - box.x1());
        };
    }
}
