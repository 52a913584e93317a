package io.dubstream.job.inference.lipsync;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import java.nio.FloatBuffer;
import java.util.Objects;

import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Wav2Lip's face crops, to the model and back, on packed BGR frames.
 *
 * <p>To the model ({@code inference.py}'s {@code datagen}): the box is cut out of the frame and
 * resized to 96x96 ({@code cv2.resize}, bilinear); the model input is that crop with its lower half
 * (rows 48..95) set to 0, followed on the channel axis by the crop itself, divided by 255:
 * {@code float[6][96][96]} (NCHW without the batch axis). Channels stay in OpenCV's BGR order, as
 * Wav2Lip reads frames with {@code cv2} and was trained on such crops: 0..2 masked B, G, R, 3..5
 * reference B, G, R.
 *
 * <p>Back: the model's {@code float[3][96][96]} (B, G, R in [0, 1]) times 255, truncated to bytes as
 * numpy's {@code astype(np.uint8)} does, resized to the box (bilinear) and pasted into a copy of the
 * frame; every pixel outside the box keeps its value.
 *
 * <p>Frames stored turned (phone video, see {@link Rotation}) are cut and pasted with the box given in
 * the upright frame: the crop the model sees is upright, as Wav2Lip was trained, and its output is
 * turned back before it is pasted, so the frame keeps its stored orientation and size.
 *
 * <p>Stateless and thread-safe (each call uses its own OpenCV matrices).
 */
public final class FaceCrops {

    /** Wav2Lip's face size ({@code img_size}). */
    public static final int SIZE = 96;

    /** Values of one model input, {@code [6][96][96]}. */
    public static final int INPUT_SIZE = 6 * SIZE * SIZE;

    /** Values of one model output, {@code [3][96][96]}. */
    public static final int OUTPUT_SIZE = 3 * SIZE * SIZE;

    private static final int PLANE = SIZE * SIZE;

    private FaceCrops() {}

    /** The box cut out of the frame and resized to 96x96: packed BGR, {@code 96 * 96 * 3} bytes. */
    public static byte[] crop(byte[] bgr, int width, int height, FaceBox box) {
        return crop(bgr, width, height, Rotation.NONE, box);
    }

    /**
     * The box of the frame turned upright by {@code upright}, cut out and resized to 96x96: packed BGR,
     * {@code 96 * 96 * 3} bytes. Only the box's pixels are turned, which gives what cutting the box out
     * of the whole turned frame would.
     *
     * @param bgr the frame as stored, {@code width x height}
     * @param box the face in the upright frame
     */
    public static byte[] crop(byte[] bgr, int width, int height, Rotation upright, FaceBox box) {
        requireFrame(bgr, width, height);
        FaceBox stored = upright.undo(box, width, height);
        int bw = stored.width();
        int bh = stored.height();
        byte[] region = new byte[bw * bh * 3];
        for (int y = 0; y < bh; y++) {
            System.arraycopy(bgr, ((stored.y1() + y) * width + stored.x1()) * 3, region, y * bw * 3, bw * 3);
        }
        return resizeBgr(upright.apply(region, bw, bh), box.width(), box.height(), SIZE, SIZE);
    }

    /** The model input for a 96x96 crop: a new {@code float[6 * 96 * 96]}. */
    public static float[] modelInput(byte[] face) {
        float[] input = new float[INPUT_SIZE];
        modelInput(face, input, 0);
        return input;
    }

    /**
     * Writes the model input for a 96x96 crop into {@code dest} at {@code offset}, {@code [6][96][96]}:
     * channels 0..2 the crop's B, G, R with rows 48..95 zero, channels 3..5 the crop's B, G, R, all
     * divided by 255.
     */
    public static void modelInput(byte[] face, float[] dest, int offset) {
        Objects.requireNonNull(face, "face");
        if (face.length != PLANE * 3) {
            throw new IllegalArgumentException("a face crop is 96x96 BGR (" + PLANE * 3 + " bytes), got " + face.length);
        }
        Objects.checkFromIndexSize(offset, INPUT_SIZE, dest.length);
        int maskedFrom = SIZE / 2 * SIZE;
        for (int p = 0; p < PLANE; p++) {
            for (int c = 0; c < 3; c++) {
                // as numpy: uint8 / 255. in double, then float32 for the model
                float v = (float) ((face[p * 3 + c] & 0xff) / 255.0);
                dest[offset + c * PLANE + p] = p < maskedFrom ? v : 0f;
                dest[offset + (3 + c) * PLANE + p] = v;
            }
        }
    }

    /**
     * {@link #modelInput(byte[], float[], int)} written into a batch's buffer ({@link LipSyncBatch#faces()})
     * at {@code offset}, in place.
     */
    public static void modelInput(byte[] face, FloatBuffer dest, int offset) {
        Objects.requireNonNull(face, "face");
        if (face.length != PLANE * 3) {
            throw new IllegalArgumentException("a face crop is 96x96 BGR (" + PLANE * 3 + " bytes), got " + face.length);
        }
        Objects.checkFromIndexSize(offset, INPUT_SIZE, dest.capacity());
        int maskedFrom = SIZE / 2 * SIZE;
        for (int c = 0; c < 3; c++) {
            int masked = offset + c * PLANE;
            int whole = offset + (3 + c) * PLANE;
            for (int p = 0; p < PLANE; p++) {
                float v = BYTE_TO_UNIT[face[p * 3 + c] & 0xff];
                dest.put(masked + p, p < maskedFrom ? v : 0f);
                dest.put(whole + p, v);
            }
        }
    }

    /** {@code (float) (b / 255.0)} for each byte value, as {@link #modelInput(byte[], float[], int)} computes it. */
    private static final float[] BYTE_TO_UNIT = new float[256];

    static {
        for (int b = 0; b < 256; b++) {
            BYTE_TO_UNIT[b] = (float) (b / 255.0);
        }
    }

    /**
     * A copy of the frame with the model's face pasted into the box.
     *
     * @param output the model's output for this frame at {@code offset}: {@code [3][96][96]}, B, G, R in
     *     [0, 1] (values outside are clamped)
     * @throws IllegalArgumentException when the output holds NaN or infinity
     */
    public static byte[] paste(byte[] bgr, int width, int height, FaceBox box, float[] output, int offset) {
        return paste(bgr, width, height, Rotation.NONE, box, output, offset);
    }

    /**
     * A copy of the stored frame with the model's face pasted into the box of the frame turned upright by
     * {@code upright}: the face is resized to the upright box, turned back to the stored orientation
     * and copied in, as if it were pasted into the upright frame and that frame turned back.
     *
     * @param bgr the frame as stored, {@code width x height}
     * @param box the face in the upright frame, as given to {@link #crop(byte[], int, int, Rotation, FaceBox)}
     */
    public static byte[] paste(byte[] bgr, int width, int height, Rotation upright, FaceBox box, float[] output,
            int offset) {
        requireFrame(bgr, width, height);
        FaceBox stored = upright.undo(box, width, height);
        Objects.checkFromIndexSize(offset, OUTPUT_SIZE, output.length);
        byte[] face = new byte[PLANE * 3];
        for (int c = 0; c < 3; c++) {
            for (int p = 0; p < PLANE; p++) {
                float v = output[offset + c * PLANE + p];
                if (!Float.isFinite(v)) {
                    throw new IllegalArgumentException("the lip-sync output has " + v + " at channel " + c + ", row "
                            + p / SIZE + ", column " + p % SIZE);
                }
                // numpy: (pred * 255.).astype(np.uint8) truncates
                face[p * 3 + c] = (byte) (int) (Math.max(0f, Math.min(1f, v)) * 255f);
            }
        }
        byte[] resized = resizeBgr(face, SIZE, SIZE, box.width(), box.height());
        byte[] patch = upright.inverse().apply(resized, box.width(), box.height());
        int bw = stored.width();
        byte[] out = bgr.clone();
        for (int y = 0; y < stored.height(); y++) {
            System.arraycopy(patch, y * bw * 3, out, ((stored.y1() + y) * width + stored.x1()) * 3, bw * 3);
        }
        return out;
    }

    /** Bilinear resize of packed BGR ({@code cv2.resize}'s default, {@code INTER_LINEAR}). */
    static byte[] resizeBgr(byte[] bgr, int width, int height, int newWidth, int newHeight) {
        byte[] out = new byte[newWidth * newHeight * 3];
        try (Mat src = new Mat(height, width, CV_8UC3);
                Mat dst = new Mat();
                Size size = new Size(newWidth, newHeight)) {
            src.data().put(bgr, 0, bgr.length);
            resize(src, dst, size, 0, 0, INTER_LINEAR);
            if (!dst.isContinuous() || dst.cols() != newWidth || dst.rows() != newHeight) {
                throw new IllegalStateException("OpenCV resize gave a " + dst.cols() + "x" + dst.rows() + " matrix");
            }
            dst.data().get(out, 0, out.length);
        }
        return out;
    }

    static void requireFrame(byte[] bgr, int width, int height) {
        Objects.requireNonNull(bgr, "bgr");
        if (width <= 0 || height <= 0 || (long) width * height * 3 != bgr.length) {
            throw new IllegalArgumentException("a " + width + "x" + height + " BGR frame has " + (long) width * height * 3
                    + " bytes, got " + bgr.length);
        }
    }

    static void requireInside(FaceBox box, int width, int height) {
        Objects.requireNonNull(box, "box");
        if (!box.fits(width, height)) {
            throw new IllegalArgumentException("face box " + box + " lies outside the " + width + "x" + height + " frame");
        }
    }
}
