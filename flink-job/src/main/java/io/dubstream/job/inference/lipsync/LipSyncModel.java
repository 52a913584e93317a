package io.dubstream.job.inference.lipsync;

import ai.djl.Device;

/**
 * The lip-sync boundary, Wav2Lip's contract: for each of {@code batch} video frames, a mel
 * spectrogram window of the audio at the frame and a face crop in, the face crop with a new mouth out.
 *
 * <ul>
 *   <li>{@code mels}: {@code [batch, 1, 80, 16]}, Wav2Lip's {@code audio_sequences}: 80 mel bands by
 *       16 spectrogram steps (0.2 s of 16 kHz audio at 80 steps per second) from the frame's time on,
 *       scaled as Wav2Lip's training data (about -4 to 4);</li>
 *   <li>{@code faces}: {@code [batch, 6, 96, 96]}, values in [0, 1], Wav2Lip's {@code face_sequences}:
 *       channels 0-2 the face crop with its lower half (rows 48-95) zeroed, channels 3-5 the same
 *       crop whole (Wav2Lip's inference uses the frame itself as the reference), colours in the order
 *       the model was trained with (BGR for Wav2Lip);</li>
 *   <li>result: {@code [batch, 3, 96, 96]}, values in [0, 1]: the whole face crop with the new mouth,
 *       same colour order.</li>
 * </ul>
 *
 * <p>Arrays are flat and row-major (NCHW). The stage hands a batch over as a {@link LipSyncBatch}, one
 * direct buffer per tensor that its frames were written into; models on DJL take those buffers as they
 * are ({@link LipSyncTranslator}), models in plain Java read them as arrays (the default
 * {@link #predict(LipSyncBatch)}). Each call works in one native scope that is released before it
 * returns: nothing native outlives a call but the model's weights. Instances are not thread-safe (one
 * per subtask) and must be closed.
 */
public interface LipSyncModel extends AutoCloseable {

    int MEL_BANDS = 80;
    int MEL_STEPS = 16;
    int FACE_CHANNELS = 6;
    int FACE_SIZE = 96;
    int MOUTH_CHANNELS = 3;

    /** Floats per frame in {@code mels}. */
    int MEL_FLOATS = MEL_BANDS * MEL_STEPS;
    /** Floats per frame in {@code faces}. */
    int FACE_FLOATS = FACE_CHANNELS * FACE_SIZE * FACE_SIZE;
    /** Floats per frame in the result. */
    int MOUTH_FLOATS = MOUTH_CHANNELS * FACE_SIZE * FACE_SIZE;

    /** The model's name, as it is chosen by and reported in failures. */
    String name();

    /** Where the model runs; the CPU for models that do not run on DJL. */
    default Device device() {
        return Device.cpu();
    }

    /** The batch size this model runs best at on its device; callers may use any batch size >= 1. */
    int preferredBatchSize();

    /**
     * Generates the mouths of {@code batch} frames.
     *
     * @param mels {@code batch * MEL_FLOATS} values, {@code [batch, 1, 80, 16]}
     * @param faces {@code batch * FACE_FLOATS} values, {@code [batch, 6, 96, 96]}, in [0, 1]
     * @return {@code batch * MOUTH_FLOATS} values, {@code [batch, 3, 96, 96]}, in [0, 1]
     * @throws IllegalArgumentException when the arrays do not hold {@code batch} frames
     * @throws IllegalStateException when the model gives a result of the wrong shape or with values
     *     that are not finite
     */
    float[] predict(float[] mels, float[] faces, int batch);

    /**
     * Generates the mouths of the {@link LipSyncBatch#size()} frames of {@code batch}: the same as
     * {@link #predict(float[], float[], int)} on its arrays, which is what this default does. Models on an
     * engine override it to hand the batch's buffers to the engine without copying them.
     *
     * @return {@code size * MOUTH_FLOATS} values, {@code [size, 3, 96, 96]}, in [0, 1]
     */
    default float[] predict(LipSyncBatch batch) {
        return predict(batch.melArray(), batch.faceArray(), batch.size());
    }

    /** Releases the model's native memory. */
    @Override
    void close();

    /** Checks that the arrays hold exactly {@code batch} frames. */
    static void checkInputs(float[] mels, float[] faces, int batch) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be at least 1, was " + batch);
        }
        if (mels == null || (long) mels.length != (long) batch * MEL_FLOATS) {
            throw new IllegalArgumentException("mels must hold " + batch + " x [1, 80, 16] = "
                    + (long) batch * MEL_FLOATS + " values, had " + (mels == null ? "none" : mels.length));
        }
        if (faces == null || (long) faces.length != (long) batch * FACE_FLOATS) {
            throw new IllegalArgumentException("faces must hold " + batch + " x [6, 96, 96] = "
                    + (long) batch * FACE_FLOATS + " values, had " + (faces == null ? "none" : faces.length));
        }
    }
}
