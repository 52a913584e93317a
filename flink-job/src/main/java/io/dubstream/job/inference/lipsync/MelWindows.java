package io.dubstream.job.inference.lipsync;

import java.nio.FloatBuffer;
import java.util.Objects;

/**
 * The 16 mel frames (0.2 s) of audio that Wav2Lip pairs with each video frame.
 *
 * <p>Wav2Lip's {@code inference.py} takes, for frame {@code i} at {@code fps},
 * {@code start = int(80 * i / fps)} and the mel frames {@code [start, start + 16)}: the mel frame at
 * the frame's time. Here the frame's time is its presentation time, so that frames of a variable frame
 * rate clip get the audio they are shown with: frame {@code i} shown at {@code pts} microseconds, with
 * the spectrogram's audio starting at sample {@code firstSample} of the clip at {@code sampleRate},
 * starts at mel frame {@code floor(80 * (pts / 10^6 - firstSample / sampleRate))}, computed exactly in
 * integers ({@link #startAt(long, long, int)}). A constant frame rate's times, {@code i / fps} floored to
 * the microsecond, give Wav2Lip's {@code int(80 * i / fps)} computed exactly from the rational rate
 * (tested at 25, 30000/1001 and 24000/1001 fps, whose frame times on a mel frame boundary are whole
 * microseconds; flooring could lower a start by one only where an exact time falls less than a
 * microsecond after a boundary). Wav2Lip multiplies floats
 * ({@code i * (80. / fps)}), which agrees for 25 and 30000/1001 fps but rounds exact integers down at
 * some frames of e.g. 24000/1001 fps (frame 300: 1001 exactly, 1000 in floats).
 *
 * <p>At the first frame where {@code start + 16} passes the spectrogram's end Wav2Lip takes the last
 * 16 frames ({@code mel[:, T - 16:]}) and stops, dropping the video frames after it. Here every such
 * frame takes the last 16 mel frames, so that a chunk keeps all its frames (only a clip's last 0.2 s
 * are affected; inside a clip they are chunk context, replaced by the next chunk in the merge).
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

    /** Microseconds per mel frame: 12,500 (80 per second). */
    private static final long MICROS_PER_MEL_FRAME = 1_000_000L / MelSpectrogram.FRAMES_PER_SECOND;

    private MelWindows() {}

    /**
     * The mel frame at which the window of a video frame shown at {@code ptsMicros} starts, in a
     * spectrogram of the audio from sample {@code firstSample} at {@code sampleRate} on:
     * {@code floor(80 * (ptsMicros / 10^6 - firstSample / sampleRate))}, exactly; not clamped (negative
     * for frames shown before the audio starts).
     */
    public static long startAt(long ptsMicros, long firstSample, int sampleRate) {
        if (sampleRate <= 0) {
            throw new IllegalArgumentException("sample rate must be positive, got " + sampleRate);
        }
        // 80 * (p / 10^6 - s / r) = (p * r - s * 10^6) / (12500 * r)
        long numerator = Math.subtractExact(Math.multiplyExact(ptsMicros, (long) sampleRate),
                Math.multiplyExact(firstSample, 1_000_000L));
        return Math.floorDiv(numerator, MICROS_PER_MEL_FRAME * sampleRate);
    }

    /**
     * The first mel frame of each window, for video frames shown at {@code ptsMicros} (microseconds of
     * the clip) and a spectrogram of {@code melFrames} frames of the clip's audio from sample
     * {@code firstSample} at {@code sampleRate} on (the chunk's audio at the transport rate, whatever
     * rate the spectrogram was computed at): {@link #startAt(long, long, int)} clamped to
     * {@code [0, melFrames - 16]} (0 when there are fewer than 16 mel frames).
     */
    public static int[] starts(int melFrames, long[] ptsMicros, long firstSample, int sampleRate) {
        if (melFrames < 1 || firstSample < 0) {
            throw new IllegalArgumentException("need at least one mel frame and audio from a non-negative sample, got "
                    + melFrames + " mel frames, audio from sample " + firstSample);
        }
        int last = Math.max(0, melFrames - STEP);
        int[] starts = new int[ptsMicros.length];
        for (int i = 0; i < starts.length; i++) {
            starts[i] = (int) Math.max(0, Math.min(last, startAt(ptsMicros[i], firstSample, sampleRate)));
        }
        return starts;
    }

    /**
     * The first column of each window for video frames shown at {@code ptsMicros} (microseconds of the
     * clip), in {@code mel}: a spectrogram of a part of the clip's audio on the clip's mel grid
     * ({@link MelSpectrogram#of(double[], long)}; the clip's audio starts at time 0, with its first
     * frame). Frame {@code i} takes the clip's mel frame {@code floor(80 * pts_i / 10^6)}, wherever the
     * part starts, so a chunk's frames get the windows that the whole clip's frames get; clamped to the
     * part's columns as {@link #starts(int, long[], long, int)} clamps.
     */
    public static int[] starts(MelSpectrogram mel, long[] ptsMicros) {
        int last = Math.max(0, mel.frames() - STEP);
        int[] starts = new int[ptsMicros.length];
        for (int i = 0; i < starts.length; i++) {
            long start = startAt(ptsMicros[i], 0, MelSpectrogram.SAMPLE_RATE) - mel.firstFrame();
            starts[i] = (int) Math.max(0, Math.min(last, start));
        }
        return starts;
    }

    /** Wav2Lip's {@code start_idx} for frame {@code i} of a constant frame rate clip, exact (see the class comment). */
    public static long start(long frame, int fpsNum, int fpsDen) {
        return startAt(constantRatePts(frame, 1, fpsNum, fpsDen)[0], 0, MelSpectrogram.SAMPLE_RATE);
    }

    /**
     * The first mel frame of each window for frames {@code 0 .. frameCount - 1} of a constant frame rate
     * clip whose audio and video both start at time 0 (Wav2Lip's case), clamped so that every window lies
     * in the spectrogram.
     */
    public static int[] starts(int melFrames, int frameCount, int fpsNum, int fpsDen) {
        return starts(melFrames, 0, frameCount, fpsNum, fpsDen, 0);
    }

    /**
     * As {@link #starts(int, long[], long, int)} for frames {@code firstFrame .. firstFrame + frameCount - 1}
     * of a constant frame rate clip, shown at {@code f * fpsDen / fpsNum} floored to the microsecond, and
     * the clip's 16 kHz audio from {@code firstSample} on.
     */
    public static int[] starts(int melFrames, long firstFrame, int frameCount, int fpsNum, int fpsDen,
            long firstSample) {
        return starts(melFrames, constantRatePts(firstFrame, frameCount, fpsNum, fpsDen), firstSample,
                MelSpectrogram.SAMPLE_RATE);
    }

    /** The windows of frames {@code 0 .. frameCount - 1} with audio and video starting together. */
    public static float[][] forFrames(MelSpectrogram mel, int frameCount, int fpsNum, int fpsDen) {
        return windows(mel, starts(mel.frames(), frameCount, fpsNum, fpsDen));
    }

    /** Frames {@code firstFrame ..} of a constant rate shown at {@code f * fpsDen / fpsNum} s, floored to the microsecond. */
    private static long[] constantRatePts(long firstFrame, int frameCount, int fpsNum, int fpsDen) {
        if (fpsNum <= 0 || fpsDen <= 0) {
            throw new IllegalArgumentException("frame rate must be positive, got " + fpsNum + "/" + fpsDen);
        }
        if (firstFrame < 0 || frameCount < 0) {
            throw new IllegalArgumentException("need non-negative frames, got " + frameCount + " frames from "
                    + firstFrame);
        }
        long[] pts = new long[frameCount];
        for (int i = 0; i < frameCount; i++) {
            pts[i] = Math.floorDiv(Math.multiplyExact(Math.multiplyExact(firstFrame + i, 1_000_000L), (long) fpsDen),
                    (long) fpsNum);
        }
        return pts;
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

    /** {@link #copyWindow(MelSpectrogram, int, float[], int)} into a batch's buffer ({@link LipSyncBatch#mels()}). */
    public static void copyWindow(MelSpectrogram mel, int start, FloatBuffer dest, int offset) {
        Objects.checkFromIndexSize(offset, SIZE, dest.capacity());
        if (mel.frames() >= STEP) {
            mel.copyColumns(start, STEP, dest, offset);
            return;
        }
        float[] window = new float[SIZE];
        copyWindow(mel, start, window, 0);
        dest.put(offset, window);
    }
}
