package io.dubstream.job.inference.lipsync;

import java.util.Objects;

/**
 * The 16 mel frames (0.2 s) of audio that Wav2Lip pairs with each video frame.
 *
 * <p>Wav2Lip's {@code inference.py} takes, for frame {@code i} at {@code fps},
 * {@code start = int(80 * i / fps)} and the mel frames {@code [start, start + 16)}; at the first frame
 * where {@code start + 16} passes the spectrogram's end it takes the last 16 frames
 * ({@code mel[:, T - 16:]}) and stops, dropping the video frames after it. Here every such frame
 * takes the last 16 mel frames, so that a chunk keeps all its frames (only a clip's last 0.2 s are
 * affected; inside a clip they are chunk context, replaced by the next chunk in the merge).
 *
 * <p>Starts are computed exactly from the rational frame rate, {@code floor(80 * i * fpsDen / fpsNum)}.
 * Wav2Lip multiplies floats ({@code i * (80. / fps)}), which agrees for 25 and 30000/1001 fps but
 * rounds exact integers down at some frames of e.g. 24000/1001 fps (frame 300: 1001 exactly, 1000 in
 * floats).
 *
 * <p>Fewer than 16 mel frames (audio under 0.1875 s), which Wav2Lip does not handle, give one window:
 * all mel frames, padded on the right with -4, the value of silence.
 *
 * <p>Layout: one {@code float[80 * 16]} per frame, row-major {@code [mel][time]}, the layout of
 * Wav2Lip's audio input {@code [1, 80, 16]} for that frame.
 */
public final class MelWindows {

    /** Mel frames per window ({@code mel_step_size}). */
    public static final int STEP = 16;

    /** Values per window. */
    public static final int SIZE = MelSpectrogram.MELS * STEP;

    private MelWindows() {}

    /** Wav2Lip's {@code start_idx} for frame {@code i}, exact: {@code floor(80 * i * fpsDen / fpsNum)}. */
    public static long start(long frame, int fpsNum, int fpsDen) {
        requireFps(fpsNum, fpsDen);
        return Math.floorDiv(Math.multiplyExact(Math.multiplyExact((long) MelSpectrogram.FRAMES_PER_SECOND, frame),
                (long) fpsDen), (long) fpsNum);
    }

    /**
     * The first mel frame of each video frame's window, for audio and video that both start at time 0
     * (Wav2Lip's case), clamped so that every window lies in the spectrogram.
     */
    public static int[] starts(int melFrames, int frameCount, int fpsNum, int fpsDen) {
        return starts(melFrames, 0, frameCount, fpsNum, fpsDen, 0);
    }

    /**
     * The first mel frame of each window for video frames {@code firstFrame .. firstFrame + frameCount - 1}
     * of a clip and a spectrogram of the clip's audio from sample {@code firstSample} (16 kHz) on, as in
     * a chunk: frame {@code f} at time {@code f * fpsDen / fpsNum} starts at mel frame
     * {@code floor(80 * (f * fpsDen / fpsNum - firstSample / 16000))}, exactly; clamped to
     * {@code [0, melFrames - 16]} (0 when there are fewer than 16 mel frames).
     */
    public static int[] starts(int melFrames, long firstFrame, int frameCount, int fpsNum, int fpsDen,
            long firstSample) {
        requireFps(fpsNum, fpsDen);
        if (melFrames < 1 || frameCount < 0 || firstFrame < 0 || firstSample < 0) {
            throw new IllegalArgumentException("need at least one mel frame and non-negative frames and samples, got "
                    + melFrames + " mel frames, " + frameCount + " frames from " + firstFrame + ", audio from sample "
                    + firstSample);
        }
        int last = Math.max(0, melFrames - STEP);
        int[] starts = new int[frameCount];
        long sampleRate = MelSpectrogram.SAMPLE_RATE;
        long hop = MelSpectrogram.HOP;
        for (int i = 0; i < frameCount; i++) {
            // 80 * (f * den / num - s / 16000) = (16000 * f * den - s * num) / (200 * num)
            long f = firstFrame + i;
            long numerator = Math.subtractExact(Math.multiplyExact(Math.multiplyExact(sampleRate, f), (long) fpsDen),
                    Math.multiplyExact(firstSample, (long) fpsNum));
            long start = Math.floorDiv(numerator, hop * fpsNum);
            starts[i] = (int) Math.max(0, Math.min(last, start));
        }
        return starts;
    }

    /** The windows of frames {@code 0 .. frameCount - 1} with audio and video starting together. */
    public static float[][] forFrames(MelSpectrogram mel, int frameCount, int fpsNum, int fpsDen) {
        return windows(mel, starts(mel.frames(), frameCount, fpsNum, fpsDen));
    }

    /** The windows of a chunk's frames; see {@link #starts(int, long, int, int, int, long)}. */
    public static float[][] forFrames(MelSpectrogram mel, long firstFrame, int frameCount, int fpsNum, int fpsDen,
            long firstSample) {
        return windows(mel, starts(mel.frames(), firstFrame, frameCount, fpsNum, fpsDen, firstSample));
    }

    /** The windows at the given starts, each {@code float[80 * 16]}. */
    public static float[][] windows(MelSpectrogram mel, int[] starts) {
        float[][] out = new float[starts.length][];
        for (int i = 0; i < starts.length; i++) {
            out[i] = new float[SIZE];
            copyWindow(mel, starts[i], out[i], 0);
        }
        return out;
    }

    /**
     * Copies the window at {@code start} into {@code dest} at {@code offset}, {@code [80][16]}; with fewer
     * than 16 mel frames, all of them followed by silence (-4).
     */
    public static void copyWindow(MelSpectrogram mel, int start, float[] dest, int offset) {
        Objects.checkFromIndexSize(offset, SIZE, dest.length);
        if (mel.frames() >= STEP) {
            mel.copyColumns(start, STEP, dest, offset);
            return;
        }
        if (start != 0) {
            throw new IndexOutOfBoundsException("a spectrogram of " + mel.frames() + " frames has one window, at 0, not "
                    + start);
        }
        for (int m = 0; m < MelSpectrogram.MELS; m++) {
            for (int t = 0; t < STEP; t++) {
                dest[offset + m * STEP + t] =
                        t < mel.frames() ? mel.get(m, t) : (float) -MelSpectrogram.MAX_ABS_VALUE;
            }
        }
    }

    private static void requireFps(int fpsNum, int fpsDen) {
        if (fpsNum <= 0 || fpsDen <= 0) {
            throw new IllegalArgumentException("frame rate must be positive, got " + fpsNum + "/" + fpsDen);
        }
    }
}
