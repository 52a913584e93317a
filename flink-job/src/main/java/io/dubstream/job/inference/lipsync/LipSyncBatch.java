package io.dubstream.job.inference.lipsync;

import static io.dubstream.job.inference.lipsync.LipSyncModel.FACE_FLOATS;
import static io.dubstream.job.inference.lipsync.LipSyncModel.MEL_FLOATS;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Objects;

/**
 * One model batch's inputs in the layout the engine takes them: two direct buffers of native-order
 * float32, {@code mels [size, 1, 80, 16]} and {@code faces [size, 6, 96, 96]}, written in place frame by
 * frame ({@link #mels()}, {@link #faces()} at {@code frame * MEL_FLOATS} and {@code frame * FACE_FLOATS})
 * and handed to the engine as they are ({@link LipSyncTranslator}: no per-frame arrays, no copy on
 * the way to a CPU tensor).
 *
 * <p>A batch is allocated once for {@link #capacity()} frames and reused: {@link #size(int)} sets how
 * many frames the next call holds. Not thread-safe: one writer, then the model, one after the other.
 */
public final class LipSyncBatch {

    private final int capacity;
    private final ByteBuffer mels;
    private final ByteBuffer faces;
    private int size;

    private LipSyncBatch(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("a batch holds at least one frame, asked for " + capacity);
        }
        this.capacity = capacity;
        this.mels = ByteBuffer.allocateDirect(Math.multiplyExact(capacity, MEL_FLOATS * Float.BYTES))
                .order(ByteOrder.nativeOrder());
        this.faces = ByteBuffer.allocateDirect(Math.multiplyExact(capacity, FACE_FLOATS * Float.BYTES))
                .order(ByteOrder.nativeOrder());
        this.size = capacity;
    }

    /** A batch for up to {@code capacity} frames, its size set to {@code capacity}. */
    public static LipSyncBatch allocate(int capacity) {
        return new LipSyncBatch(capacity);
    }

    /**
     * A batch of {@code size} frames holding copies of flat arrays ({@code [size, 1, 80, 16]} and
     * {@code [size, 6, 96, 96]}), for callers that have arrays.
     *
     * @throws IllegalArgumentException when the arrays do not hold {@code size} frames
     */
    public static LipSyncBatch of(float[] mels, float[] faces, int size) {
        LipSyncModel.checkInputs(mels, faces, size);
        LipSyncBatch batch = new LipSyncBatch(size);
        batch.mels().put(0, mels);
        batch.faces().put(0, faces);
        return batch;
    }

    /** Frames this batch has room for. */
    public int capacity() {
        return capacity;
    }

    /** Frames the batch holds, {@code 1..capacity}. */
    public int size() {
        return size;
    }

    /** Sets the frames the batch holds; frames {@code 0..size-1} must be written before the model runs. */
    public void size(int frames) {
        Objects.checkIndex(frames - 1, capacity);
        this.size = frames;
    }

    /** The mel windows of all {@link #capacity()} frames, frame {@code i} at {@code i * MEL_FLOATS}: write with absolute puts. */
    public FloatBuffer mels() {
        return mels.asFloatBuffer();
    }

    /** The face inputs of all {@link #capacity()} frames, frame {@code i} at {@code i * FACE_FLOATS}. */
    public FloatBuffer faces() {
        return faces.asFloatBuffer();
    }

    /** The bytes of the {@link #size()} frames' mel windows, for the engine: a view, position 0. */
    public ByteBuffer melBytes() {
        return mels.duplicate().order(ByteOrder.nativeOrder()).position(0).limit(size * MEL_FLOATS * Float.BYTES);
    }

    /** The bytes of the {@link #size()} frames' face inputs, for the engine: a view, position 0. */
    public ByteBuffer faceBytes() {
        return faces.duplicate().order(ByteOrder.nativeOrder()).position(0).limit(size * FACE_FLOATS * Float.BYTES);
    }

    /** The {@link #size()} frames' mel windows as a new array (for models that do not run on an engine). */
    public float[] melArray() {
        float[] out = new float[size * MEL_FLOATS];
        mels().get(0, out);
        return out;
    }

    /** The {@link #size()} frames' face inputs as a new array (for models that do not run on an engine). */
    public float[] faceArray() {
        float[] out = new float[size * FACE_FLOATS];
        faces().get(0, out);
        return out;
    }
}
