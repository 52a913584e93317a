package io.dubstream.job.inference.lipsync;

import java.nio.FloatBuffer;
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
 * <p>Each frame is decoded from JPEG at most once ({@link Pass}): a frame decoded to detect is kept
 * until its box is final (four frames later, the smoothing window) and then cropped from the same
 * pixels; the stage pastes the model's face into those pixels too. {@link #prepare(Chunk)} keeps
 * only the face crops, as 96x96 BGR bytes (27 KB per frame), and {@link #paste} decodes again: that
 * pair serves tests and tools, the stage streams a {@link Pass} instead.
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
     * of its audio at the frames' presentation times. Runs a whole {@link #start(Chunk) pass} and keeps
     * the crops; the stage itself streams the pass instead.
     *
     * @throws IllegalArgumentException when the chunk has no audio or a frame does not decode
     */
    public Prepared prepare(Chunk chunk) {
        Pass pass = start(chunk);
        byte[][] crops = new byte[pass.frames()][];
        for (FaceFrame f = pass.next(); f != null; f = pass.next()) {
            crops[f.index()] = f.crop();
        }
        return new Prepared(pass.jpegs, pass.width, pass.height, pass.upright, pass.firstFrame, pass.coreFrom,
                pass.coreTo, pass.track(), crops, pass.mel, pass.melStarts);
    }

    /**
     * Starts a chunk of media (not a failure marker) on its way through detection and cropping: its mel
     * spectrogram is computed now, its frames are decoded, searched and cropped as {@link Pass#next()}
     * asks for them.
     *
     * @throws IllegalArgumentException when the chunk has no audio
     */
    public Pass start(Chunk chunk) {
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
        return new Pass(jpegs, ptsMicros, m.getWidth(), m.getHeight(), Rotation.of(m.getRotationDegrees()),
                chunk.getFirstFrame(), coreFrom, coreTo, mel, melStarts);
    }

    /**
     * Whether the chunk says which part of it is its core, the frames it stands for alone (a chunk cut
     * before core times existed does not: all its frames count as its core).
     */
    public static boolean hasCore(Chunk chunk) {
        return chunk.getCoreEndMicros() > chunk.getCoreStartMicros();
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

    /**
     * A core frame with a face, on its way to the model: decoded once (the same pixels serve detection,
     * crop and paste), with its smoothed, padded box in the upright frame and its 96x96 upright crop.
     *
     * @param index the frame's index in the chunk
     * @param bgr the frame as stored, decoded; the caller may paste into it once the model is done
     */
    public record FaceFrame(int index, byte[] bgr, FaceBox uprightBox, byte[] crop) {}

    /**
     * One chunk's frames, detected and cropped as they are asked for ({@link #next()}): the core frames
     * with a face come out in order, each as soon as its box is final, so that the model can run on the
     * first while the rest are still decoded and searched.
     *
     * <p>A box is final once the detections of the four frames after it are known (smoothing reads the
     * next {@link FaceTrack#WINDOW} boxes, and a run that ends within them ends there, whatever follows),
     * or once the detections the chunk's core needs are all done; the track of what is known so far then
     * gives it the very box the whole chunk's track gives ({@link #track()} at the end is that track). Each
     * frame is decoded at most once: a core frame decoded to detect waits (at most the smoothing window
     * and the detection interval) to be cropped and handed out with its pixels.
     *
     * <p>Detections run on the clip's schedule ({@link FaceSearch}): from the tracking restart before the
     * first core frame's smoothing window to the detection after the last one's; only those frames are
     * decoded for detection. Not thread-safe; uses its {@link LipSyncFrames}' detector.
     */
    public final class Pass {

        private final byte[][] jpegs;
        private final long[] ptsMicros;
        private final int width;
        private final int height;
        private final Rotation upright;
        private final long firstFrame;
        private final int coreFrom;
        private final int coreTo;
        private final MelSpectrogram mel;
        private final int[] melStarts;
        private final int uprightWidth;
        private final int uprightHeight;
        /** The last frame whose detection the core's boxes need (smoothing reads this far). */
        private final int hi;
        private final FaceBox[] detections;
        /** Core frames decoded for detection and not handed out yet, by index. */
        private final Map<Integer, byte[]> decoded = new HashMap<>();
        /** The next frame the detection loop looks at; -1 when it has finished. */
        private int nextDetect;
        /** Detections {@code [0, known)} are final. */
        private int known;
        private int previous = -1;
        private FaceBox lastFace;
        private int nextCore;
        private FaceTrack track;
        private int trackKnown = -1;

        private Pass(byte[][] jpegs, long[] ptsMicros, int width, int height, Rotation upright, long firstFrame,
                int coreFrom, int coreTo, MelSpectrogram mel, int[] melStarts) {
            this.jpegs = jpegs;
            this.ptsMicros = ptsMicros;
            this.width = width;
            this.height = height;
            this.upright = upright;
            this.firstFrame = firstFrame;
            this.coreFrom = coreFrom;
            this.coreTo = coreTo;
            this.mel = mel;
            this.melStarts = melStarts;
            int n = jpegs.length;
            this.uprightWidth = upright.width(width, height);
            this.uprightHeight = upright.height(width, height);
            this.detections = new FaceBox[n];
            this.nextCore = coreFrom;
            if (coreFrom < coreTo) {
                // a box is smoothed over the next FaceTrack.WINDOW boxes, and the tail of a run reaches back as far
                int lo = Math.max(0, coreFrom - FaceTrack.WINDOW);
                this.hi = Math.min(n - 1, coreTo - 1 + FaceTrack.WINDOW);
                int from = -1;
                for (int i = 0; i <= lo; i++) {
                    if (scheduled(i, n, firstFrame) && (from < 0 || !search.track() || restartsTracking(i, ptsMicros,
                            n, firstFrame))) {
                        from = i;
                    }
                }
                this.nextDetect = from < 0 ? lo : from;
            } else {
                this.hi = -1;
                this.nextDetect = -1;
                this.known = n;
            }
        }

        /**
         * The next core frame with a face, in order, or null when there is none left (then {@link #track()}
         * is the chunk's). Core frames without a face are skipped: they pass through unchanged.
         *
         * @throws IllegalArgumentException when a frame does not decode
         */
        public FaceFrame next() {
            while (nextCore < coreTo) {
                while (nextDetect >= 0 && nextCore + FaceTrack.WINDOW > known) {
                    detectNext();
                }
                int i = nextCore++;
                byte[] bgr = decoded.remove(i);
                Optional<FaceBox> box = trackSoFar().box(i);
                if (box.isEmpty()) {
                    continue;
                }
                if (bgr == null) {
                    bgr = decode(jpegs[i], width, height, firstFrame + i);
                }
                return new FaceFrame(i, bgr, box.get(), FaceCrops.crop(bgr, width, height, upright, box.get()));
            }
            // the core's boxes are final; the detections they were scheduled with complete the chunk's track
            while (nextDetect >= 0) {
                detectNext();
            }
            return null;
        }

        /** Runs the detection loop up to and including its next scheduled frame. */
        private void detectNext() {
            int n = jpegs.length;
            for (int i = nextDetect; i < n; i++) {
                if (!scheduled(i, n, firstFrame)) {
                    continue;
                }
                if (restartsTracking(i, ptsMicros, n, firstFrame)) {
                    lastFace = null;
                }
                byte[] stored = decode(jpegs[i], width, height, firstFrame + i);
                if (i >= nextCore && i < coreTo) {
                    decoded.put(i, stored);
                }
                byte[] bgr = upright.apply(stored, width, height);
                detections[i] = (search.track() && lastFace != null
                        ? detector.detectNear(bgr, uprightWidth, uprightHeight, lastFace)
                        : detector.detect(bgr, uprightWidth, uprightHeight)).orElse(null);
                lastFace = detections[i] == null ? lastFace : detections[i];
                if (previous >= 0) {
                    interpolate(detections, previous, i);
                }
                previous = i;
                if (i >= hi || i == n - 1) {
                    finishDetection();
                } else {
                    nextDetect = i + 1;
                    known = i + 1;
                }
                return;
            }
            finishDetection();
        }

        private void finishDetection() {
            nextDetect = -1;
            known = jpegs.length;
        }

        /** The track of the detections known so far: final for every frame at least a window before the first unknown. */
        private FaceTrack trackSoFar() {
            if (trackKnown != known) {
                track = FaceTrack.of(detections, uprightWidth, uprightHeight, padding);
                trackKnown = known;
            }
            return track;
        }

        /** The chunk's face track, once {@link #next()} has returned null. */
        public FaceTrack track() {
            if (nextDetect >= 0 || nextCore < coreTo) {
                throw new IllegalStateException("the chunk's pass has not finished: the track is not final yet");
            }
            return trackSoFar();
        }

        /** Writes the audio input of frame {@code i} into a batch's buffer at {@code offset}. */
        public void melWindow(int i, FloatBuffer dest, int offset) {
            MelWindows.copyWindow(mel, melStarts[i], dest, offset);
        }

        /** The chunk's mel spectrogram. */
        public MelSpectrogram mel() {
            return mel;
        }

        /** The first mel frame of frame {@code i}'s window. */
        public int melStart(int i) {
            return melStarts[i];
        }

        public int frames() {
            return jpegs.length;
        }

        public int width() {
            return width;
        }

        public int height() {
            return height;
        }

        /** The turn that makes the stored frames upright. */
        public Rotation upright() {
            return upright;
        }

        /** The chunk's core frames. */
        public int coreFrames() {
            return coreTo - coreFrom;
        }

        /** Core frames without a face, once the pass has finished. */
        public int framesWithoutFace() {
            FaceTrack t = track();
            int without = 0;
            for (int i = coreFrom; i < coreTo; i++) {
                without += t.box(i).isPresent() ? 0 : 1;
            }
            return without;
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
