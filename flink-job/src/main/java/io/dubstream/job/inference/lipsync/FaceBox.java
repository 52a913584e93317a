package io.dubstream.job.inference.lipsync;

/**
 * A face's box in frame pixels, as Wav2Lip's coordinates: columns {@code [x1, x2)}, rows {@code [y1, y2)}
 * ({@code frame[y1:y2, x1:x2]}).
 */
public record FaceBox(int x1, int y1, int x2, int y2) {

    public FaceBox {
        if (x1 < 0 || y1 < 0 || x2 <= x1 || y2 <= y1) {
            throw new IllegalArgumentException("a face box needs 0 <= x1 < x2 and 0 <= y1 < y2, got " + this);
        }
    }

    public int width() {
        return x2 - x1;
    }

    public int height() {
        return y2 - y1;
    }

    public long area() {
        return (long) width() * height();
    }

    /** Whether the box lies inside a {@code width x height} frame. */
    public boolean fits(int width, int height) {
        return x2 <= width && y2 <= height;
    }

    /** The area shared with {@code other}, 0 when they do not overlap. */
    public long intersection(FaceBox other) {
        long w = Math.min(x2, other.x2) - Math.max(x1, other.x1);
        long h = Math.min(y2, other.y2) - Math.max(y1, other.y1);
        return w > 0 && h > 0 ? w * h : 0;
    }

    @Override
    public String toString() {
        return "[x " + x1 + ".." + x2 + ", y " + y1 + ".." + y2 + ")";
    }
}
