package io.dubstream.job.inference.lipsync;

import static io.dubstream.job.inference.lipsync.LipSyncModel.FACE_CHANNELS;
import static io.dubstream.job.inference.lipsync.LipSyncModel.FACE_SIZE;
import static io.dubstream.job.inference.lipsync.LipSyncModel.MEL_BANDS;
import static io.dubstream.job.inference.lipsync.LipSyncModel.MEL_STEPS;
import static io.dubstream.job.inference.lipsync.LipSyncModel.MOUTH_CHANNELS;

import ai.djl.ndarray.types.Shape;

/** The tensor shapes of the lip-sync contract. */
final class LipSyncTensors {

    private LipSyncTensors() {}

    /** {@code [batch, 1, 80, 16]} */
    static Shape mels(long batch) {
        return new Shape(batch, 1, MEL_BANDS, MEL_STEPS);
    }

    /** {@code [batch, 6, 96, 96]} */
    static Shape faces(long batch) {
        return new Shape(batch, FACE_CHANNELS, FACE_SIZE, FACE_SIZE);
    }

    /** {@code [batch, 3, 96, 96]} */
    static Shape mouths(long batch) {
        return new Shape(batch, MOUTH_CHANNELS, FACE_SIZE, FACE_SIZE);
    }
}
