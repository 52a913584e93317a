package io.dubstream.job.inference.lipsync;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import io.dubstream.connectors.media.JpegCodec;
import io.dubstream.connectors.records.ClipManifest;
import io.dubstream.job.audio.Resampler;
import io.dubstream.job.records.Chunk;

/**
 * Everything Wav2Lip needs from a chunk, and the way back: for each frame the face box (or none), the
 * model's face input {@code [6, 96, 96]} and audio input {@code [1, 80, 16]}; then the model's faces
 * pasted into the frames, re-encoded as JPEG.
 *
 * <p>Audio comes at the transport rate and channel count. For the mel features the channels are
 * averaged to mono, as {@code librosa.load(mono=True)} does, and resampled to 16 kHz (Wav2Lip's rate)
 * by {@link Resampler} where the transport rate is another; the chunk's audio itself is not changed.
 * The mel spectrogram covers the chunk's own audio on the clip's mel grid
 * ({@link MelSpectrogram#of(double[], long)}, resampled on the clip's 16 kHz grid), and each frame's
 * window is placed by the frame's presentation time in the clip ({@link MelWindows#starts(MelSpectrogram,
 * long[])}), so frames of a variable frame rate get the audio they are shown with, and a chunk's frames
 * the windows the whole clip's get.
 *
 * <p>Only the chunk's core frames ({@link Chunk#getCoreStartMicros()} to its end) get a box, a crop
 * and so the model; the context is input: faces are detected in the frames that the core's boxes
 * depend on, on every frame of the clip (or every n-th, see {@link FaceSearch}), by default near the
 * face found before, then padded and smoothed ({@link FaceTrack}) over the chunk, context included, so
 * that a core frame's box is the one the whole clip gives it. Frames without a face, and context
 * frames, are returned unchanged (the same JPEG bytes); core frames without a face are counted.
 *
 * <p>A clip whose manifest asks for a display rotation (phone video) is searched upright: each decoded
 * frame is turned by that {@link Rotation} before detection, boxes are padded and smoothed in the
 * upright frame (Wav2Lip's padding is below the chin), the 96x96 crop the model sees is upright, and
 * the model's face is turned back and pasted into the frame as stored.
 *
 * <p>Frames are decoded from JPEG once to detect and once to crop (core frames; smoothing needs the
 * boxes of the following frames first), and once more to paste, so that a chunk never holds its decoded frames.
 * Face crops are kept as 96x96 BGR bytes (27 KB per frame) and turned into floats on request.
 *
 * <p>Not thread-safe: it owns a {@link FaceDetector}; one per subtask, closed with it.
 */
public final class LipSyncFrames implements AutoCloseable {

    private final FaceDetector detector;
    private final FaceTrack.Padding padding;
    private final FaceSearch search;
    /** From each transport rate met to Wav2Lip's 16 kHz. */
    private final Map<Integer, Resampler> toMelRate = new HashMap<>();

    /** Wav2Lip's padding {@code 0 10 0 0}, the default detector on every frame, whole frames searched. */
    public LipSyncFrames() {
        this(FaceSearch.WHOLE_FRAMES);
    }

    /** Wav2Lip's padding and the default detector, used as {@code search} says. */
    public LipSyncFrames(FaceSearch search) {
        this(FaceDetector.Settings.DEFAULT, FaceTrack.Padding.WAV2LIP, search);
    }

    public LipSyncFrames(FaceDetector.Settings detection, FaceTrack.Padding padding) {
        this(detection, padding, FaceSearch.WHOLE_FRAMES);
    }

    public LipSyncFrames(FaceDetector.Settings detection, FaceTrack.Padding padding, FaceSearch search) {
        this.padding = Objects.requireNonNull(padding, "padding");
        this.search = Objects.requireNonNull(search, "search");
        this.detector = new FaceDetector(detection);
    }

    /**
     * The model inputs of a chunk of media (not a failure marker): its frames' faces, and the mel windows
     * of its audio at the frames' presentation times.
     *
     * @throws IllegalArgumentException when the chunk has no audio or a frame does not decode
     */
    public Prepared prepare(Chunk chunk) {
        if (chunk.isFailure()) {
            throw new IllegalArgumentException("chunk " + chunk.getIndex() + " of clip " + chunk.getClipId()
                    + " is a failure marker, not media");
        }
        ClipManifest m = chunk.getManifest();
        byte[][] jpegs = chunk.getImages();
        long[] ptsMicros = new long[jpegs.length];
        for (int i = 0; i < ptsMicros.length; i++) {
            ptsMicros[i] = chunk.framePtsMicros(i);
        }
        MelSpectrogram mel = melSpectrogram(chunk.getSamples(), chunk.getFirstSample(), m.getSampleRate(),
                m.getChannels());
        int[] melStarts = MelWindows.starts(mel, ptsMicros);
        int coreFrom = 0;
        int coreTo = jpegs.length;
        if (hasCore(chunk)) {
            while (coreFrom < jpegs.length && ptsMicros[coreFrom] < chunk.getCoreStartMicros()) {
                coreFrom++;
            }
            coreTo = coreFrom;
            while (coreTo < jpegs.length && ptsMicros[coreTo] < chunk.getCoreEndMicros()) {
                coreTo++;
            }
        }
        return faces(jpegs, ptsMicros, m.getWidth(), m.getHeight(), Rotation.of(m.getRotationDegrees()),
                chunk.getFirstFrame(), coreFrom, coreTo, mel, melStarts);
    }

    /**
     * Whether the chunk says which part of it is its core, the frames it stands for alone (a chunk cut
     * before core times existed does not: all its frames count as its core).
     */
    public static boolean hasCore(Chunk chunk) {
        return chunk.getCoreEndMicros() > chunk.getCoreStartMicros();
    }

    /**
     * Detects, tracks and crops the faces of frames {@code firstFrame ..} of the clip, stored
     * {@code width x height}, turned upright by {@code upright}, for the core frames
     * {@code [coreFrom, coreTo)}. Only the frames whose detection a core frame's box depends on are
     * decoded and searched, on the clip's schedule ({@link FaceSearch}): back to the tracking restart
     * before the first core frame's smoothing window, on to the detection after the last one's.
     */
    private Prepared faces(byte[][] jpegs, long[] ptsMicros, int width, int height, Rotation upright, long firstFrame,
            int coreFrom, int coreTo, MelSpectrogram mel, int[] melStarts) {
        int n = jpegs.length;
        int uprightWidth = upright.width(width, height);
        int uprightHeight = upright.height(width, height);
        FaceBox[] detections = new FaceBox[n];
        if (coreFrom < coreTo) {
            // a box is smoothed over the next FaceTrack.WINDOW boxes, and the tail of a run reaches back as far
            int lo = Math.max(0, coreFrom - FaceTrack.WINDOW);
            int hi = Math.min(n - 1, coreTo - 1 + FaceTrack.WINDOW);
            int from = -1;
            for (int i = 0; i <= lo; i++) {
                if (scheduled(i, n, firstFrame) && (from < 0 || !search.track() || restartsTracking(i, ptsMicros,
                        n, firstFrame))) {
                    from = i;
                }
            }
            if (from < 0) {
                from = lo;
            }
            int previous = -1;
            FaceBox lastFace = null;
            for (int i = from; i < n; i++) {
                if (!scheduled(i, n, firstFrame)) {
                    continue;
                }
                if (restartsTracking(i, ptsMicros, n, firstFrame)) {
                    lastFace = null;
                }
                byte[] bgr = upright.apply(decode(jpegs[i], width, height, firstFrame + i), width, height);
                detections[i] = (search.track() && lastFace != null
                        ? detector.detectNear(bgr, uprightWidth, uprightHeight, lastFace)
                        : detector.detect(bgr, uprightWidth, uprightHeight)).orElse(null);
                lastFace = detections[i] == null ? lastFace : detections[i];
                if (previous >= 0) {
                    interpolate(detections, previous, i);
                }
                previous = i;
                if (i >= hi) {
                    break;
                }
            }
        }
        FaceTrack track = FaceTrack.of(detections, uprightWidth, uprightHeight, padding);
        byte[][] crops = new byte[n][];
        for (int i = coreFrom; i < coreTo; i++) {
            Optional<FaceBox> box = track.box(i);
            if (box.isPresent()) {
                crops[i] = FaceCrops.crop(decode(jpegs[i], width, height, firstFrame + i), width, height, upright,
                        box.get());
            }
        }
        return new Prepared(jpegs, width, height, upright, firstFrame, coreFrom, coreTo, track, crops, mel, melStarts);
    }

    /** Whether frame {@code i} of a chunk of {@code n} frames from the clip's {@code firstFrame} gets a detection. */
    private boolean scheduled(int i, int n, long firstFrame) {
        return (firstFrame + i) % search.detectEvery() == 0 || i == n - 1;
    }

    /**
     * Whether the detection of frame {@code i} starts tracking afresh: it is the first in a new
     * {@link FaceSearch#TRACK_RESTART_MICROS} span of presentation time, or the chunk's first.
     */
    private boolean restartsTracking(int i, long[] ptsMicros, int n, long firstFrame) {
        int before = i - 1;
        while (before >= 0 && !scheduled(before, n, firstFrame)) {
            before--;
        }
        return before < 0 || Math.floorDiv(ptsMicros[i], FaceSearch.TRACK_RESTART_MICROS)
                != Math.floorDiv(ptsMicros[before], FaceSearch.TRACK_RESTART_MICROS);
    }

    /** Fills the frames strictly between detections {@code a} and {@code b}: a linear blend, or none. */
    static void interpolate(FaceBox[] boxes, int a, int b) {
        if (boxes[a] == null || boxes[b] == null) {
            return;
        }
        for (int i = a + 1; i < b; i++) {
            double t = (double) (i - a) / (b - a);
            boxes[i] = new FaceBox(lerp(boxes[a].x1(), boxes[b].x1(), t), lerp(boxes[a].y1(), boxes[b].y1(), t),
                    lerp(boxes[a].x2(), boxes[b].x2(), t), lerp(boxes[a].y2(), boxes[b].y2(), t));
        }
    }

    private static int lerp(int from, int to, double t) {
        return (int) Math.round(from + (to - from) * t);
    }

    /**
     * The chunk's frames with the model's faces pasted in, as JPEG: frames without a face are the input
     * bytes, unchanged.
     *
     * @param outputs per frame, the model's {@code float[3 * 96 * 96]} (B, G, R in [0, 1]); ignored (may be
     *     null) for frames without a face; null for a frame with a face leaves it as it came
     * @param jpegQuality 0..1, as {@link JpegCodec#encode}
     */
    public static byte[][] paste(Prepared prepared, float[][] outputs, float jpegQuality) {
        Objects.requireNonNull(outputs, "outputs");
        if (outputs.length != prepared.frames()) {
            throw new IllegalArgumentException("need one lip-sync output per frame (" + prepared.frames() + "), got "
                    + outputs.length);
        }
        byte[][] out = new byte[prepared.frames()][];
        for (int i = 0; i < out.length; i++) {
            Optional<FaceBox> box = prepared.box(i);
            if (box.isEmpty() || outputs[i] == null) {
                // no face, or a face the stage left alone (no speech there): the frame as it came
                out[i] = prepared.jpegs[i];
                continue;
            }
            if (outputs[i].length != FaceCrops.OUTPUT_SIZE) {
                throw new IllegalArgumentException("frame " + (prepared.firstFrame + i) + " has a face and needs a "
                        + "lip-sync output of " + FaceCrops.OUTPUT_SIZE + " values, got "
                        + (outputs[i] == null ? "none" : outputs[i].length));
            }
            byte[] bgr = decode(prepared.jpegs[i], prepared.width, prepared.height, prepared.firstFrame + i);
            byte[] pasted = FaceCrops.paste(bgr, prepared.width, prepared.height, prepared.upright,
                    prepared.uprightBox(i).orElseThrow(), outputs[i], 0);
            out[i] = JpegCodec.encode(pasted, prepared.width, prepared.height, jpegQuality);
        }
        return out;
    }

    @Override
    public void close() {
        detector.close();
    }

    /**
     * The audio Wav2Lip's features take: s16 to librosa's float scale, channels averaged, at 16 kHz
     * ({@link Resampler} from any other rate).
     */
    double[] melAudio(short[] samples, int sampleRate, int channels) {
        return melAudio(samples, 0, sampleRate, channels);
    }

    /**
     * {@link #melAudio(short[], int, int)} of the clip's samples from {@code firstSample} on, on the
     * clip's 16 kHz grid: the clip's 16 kHz samples from {@link Resampler#firstOutput(long)} on.
     */
    private double[] melAudio(short[] samples, long firstSample, int sampleRate, int channels) {
        double[] mono = mono(samples, channels);
        if (sampleRate == MelSpectrogram.SAMPLE_RATE) {
            return mono;
        }
        float[] in = new float[mono.length];
        for (int i = 0; i < in.length; i++) {
            in[i] = (float) mono[i];
        }
        float[] out = toMelRate(sampleRate).resample(in, firstSample);
        double[] wav = new double[out.length];
        for (int i = 0; i < wav.length; i++) {
            wav[i] = out[i];
        }
        return wav;
    }

    private Resampler toMelRate(int sampleRate) {
        return toMelRate.computeIfAbsent(sampleRate, rate -> new Resampler(rate, MelSpectrogram.SAMPLE_RATE));
    }

    /**
     * The mel spectrogram of a chunk's audio, samples {@code firstSample ..} of the clip at the transport
     * layout, on the clip's mel grid ({@link MelSpectrogram#of(double[], long)}): wherever the chunk
     * starts, its mel frames are the clip's, exactly where the chunk holds all the audio they see.
     */
    MelSpectrogram melSpectrogram(short[] samples, long firstSample, int sampleRate, int channels) {
        double[] wav = melAudio(samples, firstSample, sampleRate, channels);
        long first16k = sampleRate == MelSpectrogram.SAMPLE_RATE ? firstSample
                : toMelRate(sampleRate).firstOutput(firstSample);
        return MelSpectrogram.of(wav, first16k);
    }

    /** s16 to librosa's float scale, channels averaged. */
    static double[] mono(short[] samples, int channels) {
        Objects.requireNonNull(samples, "samples");
        if (channels <= 0 || samples.length == 0) {
            throw new IllegalArgumentException("lip-sync needs the clip's audio, and this chunk has none");
        }
        if (samples.length % channels != 0) {
            throw new IllegalArgumentException(samples.length + " sample values are no whole number of " + channels
                    + "-channel samples");
        }
        double[] mono = new double[samples.length / channels];
        for (int i = 0; i < mono.length; i++) {
            double sum = 0;
            for (int c = 0; c < channels; c++) {
                sum += samples[i * channels + c] / 32768.0;
            }
            mono[i] = sum / channels;
        }
        return mono;
    }

    private static byte[] decode(byte[] jpeg, int width, int height, long frame) {
        try {
            return JpegCodec.decodeBgr(jpeg, width, height);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("frame " + frame + ": " + e.getMessage(), e);
        }
    }

    /** A chunk's model inputs. Immutable; the arrays it hands out are copies. */
    public static final class Prepared {

        private final byte[][] jpegs;
        private final int width;
        private final int height;
        private final Rotation upright;
        private final long firstFrame;
        /** The core frames, {@code [coreFrom, coreTo)}: the others pass through as they came. */
        private final int coreFrom;
        private final int coreTo;
        private final FaceTrack track;
        private final byte[][] crops;
        private final MelSpectrogram mel;
        private final int[] melStarts;

        Prepared(byte[][] jpegs, int width, int height, Rotation upright, long firstFrame, int coreFrom, int coreTo,
                FaceTrack track, byte[][] crops, MelSpectrogram mel, int[] melStarts) {
            this.jpegs = jpegs;
            this.width = width;
            this.height = height;
            this.upright = upright;
            this.firstFrame = firstFrame;
            this.coreFrom = coreFrom;
            this.coreTo = coreTo;
            this.track = track;
            this.crops = crops;
            this.mel = mel;
            this.melStarts = melStarts;
        }

        /** Frames in the chunk. */
        public int frames() {
            return jpegs.length;
        }

        /** Frame {@code i} as it came, JPEG-encoded. */
        public byte[] jpeg(int i) {
            return jpegs[i];
        }

        /** Whether frame {@code i} is one of the chunk's core frames, the only ones the model sees. */
        public boolean isCore(int i) {
            return i >= coreFrom && i < coreTo;
        }

        /**
         * The smoothed, padded face box of frame {@code i} (from the chunk's first) in the frame as stored,
         * where the model's face is pasted; none without a face, and none for a frame outside the core.
         */
        public Optional<FaceBox> box(int i) {
            return uprightBox(i).map(b -> upright.undo(b, width, height));
        }

        /** The box of {@link #box(int)} in the frame turned upright, which the crop is cut from. */
        public Optional<FaceBox> uprightBox(int i) {
            return isCore(i) ? track.box(i) : Optional.empty();
        }

        public boolean hasFace(int i) {
            return uprightBox(i).isPresent();
        }

        /** Core frames without a face: they pass through unchanged. */
        public int framesWithoutFace() {
            return coreFrames() - faceFrames().length;
        }

        /** The chunk's core frames. */
        public int coreFrames() {
            return coreTo - coreFrom;
        }

        /** The indices (from the chunk's first frame) of the core frames with a face, ascending. */
        public int[] faceFrames() {
            int[] out = new int[coreFrames()];
            int n = 0;
            for (int i = coreFrom; i < coreTo; i++) {
                if (hasFace(i)) {
                    out[n++] = i;
                }
            }
            return java.util.Arrays.copyOf(out, n);
        }

        /** The face boxes in the frames turned upright. */
        public FaceTrack track() {
            return track;
        }

        /** The upright 96x96 BGR face crop of frame {@code i}, a copy. */
        public byte[] faceCrop(int i) {
            return requireFace(i).clone();
        }

        /** The face input of frame {@code i}: a new {@code float[6 * 96 * 96]}, see {@link FaceCrops}. */
        public float[] faceInput(int i) {
            return FaceCrops.modelInput(requireFace(i));
        }

        /** Writes the face input of frame {@code i} into {@code dest} at {@code offset} (for batches). */
        public void faceInput(int i, float[] dest, int offset) {
            FaceCrops.modelInput(requireFace(i), dest, offset);
        }

        /** The audio input of frame {@code i}: a new {@code float[80 * 16]}, row-major {@code [mel][time]}. */
        public float[] melWindow(int i) {
            float[] out = new float[MelWindows.SIZE];
            melWindow(i, out, 0);
            return out;
        }

        /** Writes the audio input of frame {@code i} into {@code dest} at {@code offset} (for batches). */
        public void melWindow(int i, float[] dest, int offset) {
            MelWindows.copyWindow(mel, melStarts[i], dest, offset);
        }

        /** The first mel frame of frame {@code i}'s window, in the chunk's spectrogram. */
        public int melStart(int i) {
            return melStarts[i];
        }

        /** The mel spectrogram of the chunk's audio. */
        public MelSpectrogram mel() {
            return mel;
        }

        private byte[] requireFace(int i) {
            Objects.checkIndex(i, frames());
            if (crops[i] == null) {
                throw new IllegalStateException("frame " + (firstFrame + i) + " has no face: it passes through "
                        + "unchanged and needs no model input");
            }
            return crops[i];
        }
    }
}
