package io.dubstream.job.inference.voice;

import java.time.Duration;
import java.util.Arrays;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import io.dubstream.job.audio.Resampler;

/**
 * {@code voice-pitch-shift}: a DSP effect, no AI. It raises (or lowers) the pitch by a number of
 * semitones (default +4, clearly audible) and keeps the length and timing, so that it can stand in
 * for a voice model in the pipeline and be heard.
 *
 * <p>How: a phase vocoder stretches the signal in time by the pitch ratio {@code r}, then the
 * {@link Resampler} plays it back {@code r} times faster, which restores the length and multiplies
 * every frequency by {@code r}. At 24 kHz:
 * <ol>
 *   <li>STFT with DJL's {@code NDArray.stft}: periodic Hann window of {@value #FFT_SIZE} samples
 *       (43 ms), analysis hop {@value #HOP} samples, centred frames (reflection-padded by DJL); the
 *       signal is first padded with {@value #FFT_SIZE} zeros at its end so that frames cover all of it;</li>
 *   <li>phase advance, in NDArray ops (float64): each bin's phase difference to the previous frame,
 *       less the bin's expected advance over one hop, wrapped to [-π, π], is its deviation from the bin
 *       frequency; the true advance, scaled by {@code Hs / Ha}, is summed over frames
 *       ({@code cumSum}) for the synthesis phases; magnitudes are kept;</li>
 *   <li>inverse: {@code NDArray.irfft} of every frame, Hann window again, then overlap-add at the
 *       synthesis hop {@code Hs} and division by the summed squared windows. DJL 0.33 has no
 *       {@code istft} and no overlap-add ({@code fold}/{@code scatter_add}) op, so that last sum is
 *       plain Java on the irfft's output;</li>
 *   <li>the stretched signal, {@code ceil(N * Hs / Ha)} samples, is resampled from rate {@code Hs} to
 *       rate {@code Ha} (band-limited, polyphase) and its tail beyond {@code N} samples is dropped.</li>
 * </ol>
 * The synthesis hop is {@code Hs = round(Ha * 2^(semitones / 12))}, so the ratio actually applied is
 * {@code Hs / Ha}: at +4 semitones 323/256 = 1.2617 instead of 1.2599 (0.025 semitone sharp).
 *
 * <p>Silence stays silence; the first and last frame (43 ms) see the edges of the chunk, where the
 * merger's crossfade gives them little weight.
 */
public final class PitchShiftVoiceModel implements VoiceModel {

    public static final String NAME = "voice-pitch-shift";
    public static final int SAMPLE_RATE = 24_000;
    public static final double DEFAULT_SEMITONES = 4;
    /** The STFT's frame and window length. */
    public static final int FFT_SIZE = 1024;
    /** The analysis hop. */
    public static final int HOP = FFT_SIZE / 4;
    /**
     * One STFT frame (43 ms): the first and last frame see the chunk's edges. Its phases also run from the
     * chunk's start, so no context makes a seam exact; the merger crossfades the audio there.
     */
    public static final Duration CONTEXT_NEEDED = Duration.ofNanos(FFT_SIZE * 1_000_000_000L / SAMPLE_RATE);

    private final double semitones;
    private final int synthesisHop;
    private final Resampler playback;
    private final float[] window;
    private final float[] windowSquared;
    private final NDManager manager;

    public PitchShiftVoiceModel() {
        this(DEFAULT_SEMITONES);
    }

    /** @param semitones the shift, from -12 to +12 (one octave either way) */
    public PitchShiftVoiceModel(double semitones) {
        if (!(semitones >= -12 && semitones <= 12)) {
            throw new IllegalArgumentException("pitch shift must be between -12 and +12 semitones, got " + semitones);
        }
        this.semitones = semitones;
        this.synthesisHop = (int) Math.round(HOP * Math.pow(2, semitones / 12));
        this.playback = new Resampler(synthesisHop, HOP);
        this.window = new float[FFT_SIZE];
        for (int j = 0; j < FFT_SIZE; j++) {
            window[j] = (float) (0.5 - 0.5 * Math.cos(2 * Math.PI * j / FFT_SIZE)); // periodic, as DJL's
        }
        this.windowSquared = new float[FFT_SIZE];
        for (int j = 0; j < FFT_SIZE; j++) {
            windowSquared[j] = window[j] * window[j];
        }
        Engine.getEngine("PyTorch");
        this.manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
    }

    @Override
    public int sampleRate() {
        return SAMPLE_RATE;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Duration contextNeeded() {
        return CONTEXT_NEEDED;
    }

    /** The shift asked for, in semitones. */
    public double semitones() {
        return semitones;
    }

    /** The frequency ratio applied: {@code Hs / Ha}, the nearest to {@code 2^(semitones / 12)} the hops allow. */
    public double ratio() {
        return (double) synthesisHop / HOP;
    }

    @Override
    public float[][] process(float[][] batch) {
        int b = batch.length;
        int n = b == 0 ? 0 : batch[0].length;
        if (n == 0) {
            return new float[b][0];
        }
        float[] stretched = stretch(batch, b, n);
        int stretchedLength = stretchedLength(n);
        float[][] out = new float[b][];
        for (int i = 0; i < b; i++) {
            float[] one = new float[stretchedLength];
            System.arraycopy(stretched, i * stretchedLength, one, 0, stretchedLength);
            float[] played = playback.resample(one); // at least n samples: ceil(ceil(n Hs/Ha) Ha/Hs) >= n
            float[] exact = new float[n];
            System.arraycopy(played, 0, exact, 0, n);
            out[i] = exact;
        }
        VoiceModelException.checkOutput(NAME, batch, out);
        return out;
    }

    private int stretchedLength(int n) {
        return (int) (((long) n * synthesisHop + HOP - 1) / HOP);
    }

    /** The phase vocoder: {@code b} signals of {@code n} samples stretched by {@code Hs / Ha}, flat. */
    private float[] stretch(float[][] batch, int b, int n) {
        int padded = n + FFT_SIZE;
        float[] flat = new float[b * padded];
        for (int i = 0; i < b; i++) {
            if (batch[i].length != n) {
                throw new IllegalArgumentException("a batch must hold signals of one length, got " + n + " and "
                        + batch[i].length);
            }
            System.arraycopy(batch[i], 0, flat, i * padded, n);
        }
        int bins = FFT_SIZE / 2 + 1;
        float[] frames;
        int frameCount;
        try (NDManager m = manager.newSubManager()) {
            NDArray x = m.create(flat, new Shape(b, padded));
            NDArray spectrum = x.stft(FFT_SIZE, HOP, true, m.hanningWindow(FFT_SIZE), false, true); // [b, bins, T]
            frameCount = (int) spectrum.getShape().get(2);
            NDArray reIm = spectrum.real().toType(DataType.FLOAT64, false); // [b, bins, T, 2]
            NDArray re = reIm.get("..., 0");
            NDArray im = reIm.get("..., 1");
            NDArray magnitude = re.square().add(im.square()).sqrt();
            NDArray phase = im.atan2(re);
            // expected phase advance of bin k over one analysis hop: 2 pi k Ha / FFT_SIZE
            NDArray expected = m.arange(0, bins, 1, DataType.FLOAT64).mul(2 * Math.PI * HOP / FFT_SIZE)
                    .reshape(1, bins, 1);
            NDArray synthesisPhase = phase.get(":, :, 0:1");
            if (frameCount > 1) {
                NDArray deviation = phase.get(":, :, 1:").sub(phase.get(":, :, :-1")).sub(expected);
                NDArray wrapped = deviation.sub(deviation.div(2 * Math.PI).round().mul(2 * Math.PI));
                NDArray advance = wrapped.add(expected).mul((double) synthesisHop / HOP);
                synthesisPhase = synthesisPhase.concat(synthesisPhase.add(advance.cumSum(2)), 2);
            }
            NDArray shifted = NDArrays.stack(new NDList(magnitude.mul(synthesisPhase.cos()),
                    magnitude.mul(synthesisPhase.sin())), -1).toType(DataType.FLOAT32, false).complex(); // [b, bins, T]
            NDArray time = shifted.transpose(0, 2, 1).irfft(FFT_SIZE, -1); // [b, T, FFT_SIZE]
            frames = time.mul(m.create(window)).toFloatArray();
        }
        return overlapAdd(frames, b, frameCount, n);
    }

    /**
     * Overlap-adds {@code b x frameCount} windowed frames, frame {@code t} centred on {@code t * Hs},
     * and divides by the summed squared windows; returns {@code b} stretched signals, flat.
     */
    private float[] overlapAdd(float[] frames, int b, int frameCount, int n) {
        int length = stretchedLength(n);
        int half = FFT_SIZE / 2;
        double[] norm = new double[length];
        for (int t = 0; t < frameCount; t++) {
            int start = t * synthesisHop - half;
            for (int j = Math.max(0, -start); j < FFT_SIZE && start + j < length; j++) {
                norm[start + j] += windowSquared[j];
            }
        }
        float[] out = new float[b * length];
        double[] acc = new double[length];
        for (int i = 0; i < b; i++) {
            Arrays.fill(acc, 0);
            for (int t = 0; t < frameCount; t++) {
                int start = t * synthesisHop - half;
                int base = (i * frameCount + t) * FFT_SIZE;
                for (int j = Math.max(0, -start); j < FFT_SIZE && start + j < length; j++) {
                    acc[start + j] += frames[base + j];
                }
            }
            for (int k = 0; k < length; k++) {
                out[i * length + k] = norm[k] > 1e-6 ? (float) (acc[k] / norm[k]) : 0f;
            }
        }
        return out;
    }

    @Override
    public void close() {
        manager.close();
    }

    @Override
    public String toString() {
        return NAME + "{" + semitones + " semitones, ratio " + synthesisHop + "/" + HOP + "}";
    }
}
