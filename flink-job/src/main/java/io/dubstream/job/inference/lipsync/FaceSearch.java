package io.dubstream.job.inference.lipsync;

import java.io.Serializable;

/**
 * How the lip-sync stage looks for the face in a chunk's frames.
 *
 * <p>Both schedules are anchored to the clip, not the chunk, so that a frame's face box does not depend
 * on where the chunk around it starts: detections fall on the clip's frames {@code 0, n, 2n, ...}, and a
 * tracked search starts afresh (searches the whole frame) at the first detection in each
 * {@link #TRACK_RESTART_MICROS} of presentation time.
 *
 * @param detectEvery run the face detector on every {@code detectEvery}-th frame of the clip (and the
 *     chunk's last); frames between two detections take the box interpolated between them, or none when
 *     either has no face. 1 detects on every frame, as Wav2Lip does.
 * @param track search each detection near the face found by the one before it
 *     ({@link FaceDetector#detectNear}), and the whole frame only where it is not there or a new half
 *     second begins; false searches the whole frame every time, as Wav2Lip's detector does
 */
public record FaceSearch(int detectEvery, boolean track) implements Serializable {

    /**
     * Tracking starts afresh with a search of the whole frame at the first detection in each such span
     * of the clip's presentation time ({@code floor(pts / span)} changes), so that a frame's box depends
     * on at most this much of the frames before it: a chunk whose context covers it finds the boxes
     * the whole clip finds.
     */
    public static final long TRACK_RESTART_MICROS = 500_000;

    /** A detection on every frame, near the face of the frame before: the job's default. */
    public static final FaceSearch DEFAULT = new FaceSearch(1, true);

    /** A detection of the whole frame on every frame, as Wav2Lip does. */
    public static final FaceSearch WHOLE_FRAMES = new FaceSearch(1, false);

    public FaceSearch {
        if (detectEvery < 1) {
            throw new IllegalArgumentException("detect-faces-every must be at least 1, got " + detectEvery);
        }
    }
}
