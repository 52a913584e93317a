package io.dubstream.job.inference.lipsync;

import java.io.Serializable;

/**
 * How the lip-sync stage looks for the face in a chunk's frames.
 *
 * @param detectEvery run the face detector on every {@code detectEvery}-th frame of a chunk (and its
 *     last); frames between two detections take the box interpolated between them, or none when
 *     either has no face. 1 detects on every frame, as Wav2Lip does.
 * @param track search each detection near the face found by the one before in the chunk
 *     ({@link FaceDetector#detectNear}), and the whole frame only where it is not there; false searches
 *     the whole frame every time, as Wav2Lip's detector does
 */
public record FaceSearch(int detectEvery, boolean track) implements Serializable {

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
