package io.dubstream.job.inference.lipsync;

import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * The face boxes of a run of frames, padded and smoothed as Wav2Lip's {@code face_detect} does before
 * cropping.
 *
 * <p><b>Padding</b> ({@code --pads top bottom left right}, default {@code 0 10 0 0}, so that the chin
 * is included): {@code y1 = max(0, y1 - top)}, {@code y2 = min(h, y2 + bottom)},
 * {@code x1 = max(0, x1 - left)}, {@code x2 = min(w, x2 + right)}.
 *
 * <p><b>Smoothing</b> ({@code get_smoothened_boxes(boxes, T=5)}): box {@code i} becomes the mean of the
 * window {@code boxes[i : i + 5]}, or of the last five boxes {@code boxes[n - 5:]} where that window
 * would pass the end, truncated to whole pixels. Wav2Lip writes each result back into the array it
 * reads, so the tail windows (the last four boxes) average boxes that were already smoothed; that is
 * reproduced exactly.
 *
 * <p><b>Gaps.</b> Wav2Lip stops when a frame has no face. Here such frames have no box and pass through
 * unchanged; smoothing runs separately over each run of consecutive frames with a face, as if each
 * were its own video, so that no box is averaged across a gap (a face that reappears elsewhere would
 * otherwise drag the box). A run of {@code n < 5} frames is smoothed with the window set to {@code n}
 * ({@code get_smoothened_boxes(run, T=n)}); Wav2Lip's {@code boxes[n - 5:]} would there be a negative
 * index and average only the last {@code 5 - n} boxes (for n = 3 and 4), an accident of Python
 * slicing that is not copied.
 *
 * <p>Immutable.
 */
public final class FaceTrack {

    /** Wav2Lip's smoothing window ({@code T}). */
    public static final int WINDOW = 5;

    /** Padding in pixels around a detected box, Wav2Lip's {@code --pads} (top, bottom, left, right). */
    public record Padding(int top, int bottom, int left, int right) {

        /** Wav2Lip's default, {@code 0 10 0 0}. */
        public static final Padding WAV2LIP = new Padding(0, 10, 0, 0);

        public Padding {
            if (top < 0 || bottom < 0 || left < 0 || right < 0) {
                throw new IllegalArgumentException("face padding must not be negative, got " + top + " " + bottom + " "
                        + left + " " + right);
            }
        }

        /** The box padded, clamped to a {@code width x height} frame. */
        public FaceBox apply(FaceBox box, int width, int height) {
            return new FaceBox(Math.max(0, box.x1() - left), Math.max(0, box.y1() - top),
                    Math.min(width, box.x2() + right), Math.min(height, box.y2() + bottom));
        }
    }

    private final FaceBox[] boxes;
    private final int missing;

    private FaceTrack(FaceBox[] boxes) {
        this.boxes = boxes;
        int n = 0;
        for (FaceBox b : boxes) {
            n += b == null ? 1 : 0;
        }
        this.missing = n;
    }

    /**
     * The track of a run of frames from their detections (null where no face was found): each box
     * padded and clamped to the frame, then smoothed within runs of consecutive detections.
     */
    public static FaceTrack of(FaceBox[] detections, int width, int height, Padding padding) {
        Objects.requireNonNull(padding, "padding");
        FaceBox[] padded = new FaceBox[detections.length];
        for (int i = 0; i < detections.length; i++) {
            FaceBox d = detections[i];
            if (d != null) {
                if (!d.fits(width, height)) {
                    throw new IllegalArgumentException("face box " + d + " of frame " + i + " lies outside the " + width
                            + "x" + height + " frame");
                }
                padded[i] = padding.apply(d, width, height);
            }
        }
        return new FaceTrack(smooth(padded, WINDOW));
    }

    /**
     * Wav2Lip's smoothing applied to each run of non-null boxes separately (see the class comment); a
     * new array, nulls kept.
     */
    public static FaceBox[] smooth(FaceBox[] boxes, int window) {
        if (window < 1) {
            throw new IllegalArgumentException("smoothing window must be at least 1, got " + window);
        }
        FaceBox[] out = boxes.clone();
        int i = 0;
        while (i < out.length) {
            if (out[i] == null) {
                i++;
                continue;
            }
            int end = i;
            while (end < out.length && out[end] != null) {
                end++;
            }
            smoothRun(out, i, end, window);
            i = end;
        }
        return out;
    }

    /** {@code get_smoothened_boxes} on {@code boxes[from:to]}, in place as Wav2Lip does. */
    private static void smoothRun(FaceBox[] boxes, int from, int to, int window) {
        int n = to - from;
        int t = Math.min(window, n);
        for (int i = 0; i < n; i++) {
            int start = i + t > n ? n - t : i;
            long x1 = 0;
            long y1 = 0;
            long x2 = 0;
            long y2 = 0;
            for (int k = start; k < start + t; k++) {
                FaceBox b = boxes[from + k];
                x1 += b.x1();
                y1 += b.y1();
                x2 += b.x2();
                y2 += b.y2();
            }
            // np.mean, then stored into an int array: truncation (all values are non-negative)
            boxes[from + i] = new FaceBox((int) (x1 / t), (int) (y1 / t), (int) (x2 / t), (int) (y2 / t));
        }
    }

    /** Frames in the track. */
    public int frames() {
        return boxes.length;
    }

    /** The smoothed box of frame {@code i}, none when no face was found there. */
    public Optional<FaceBox> box(int i) {
        return Optional.ofNullable(boxes[i]);
    }

    /** Frames without a face: they pass through unchanged. */
    public int framesWithoutFace() {
        return missing;
    }

    /** All boxes, null where there is no face. */
    public FaceBox[] toArray() {
        return boxes.clone();
    }

    @Override
    public String toString() {
        return "FaceTrack" + Arrays.toString(boxes);
    }
}
