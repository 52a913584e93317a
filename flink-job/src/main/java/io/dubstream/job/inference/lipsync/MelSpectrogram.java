package io.dubstream.job.inference.lipsync;

import java.nio.FloatBuffer;
import java.util.Objects;

/**
 * Wav2Lip's audio features: {@code audio.melspectrogram(wav)} of Wav2Lip's {@code audio.py} with its
 * default {@code hparams}, in plain Java (double precision inside, float out).
 *
 * <ol>
 *   <li>16-bit PCM to float as {@code librosa.load} does: {@code s / 32768};
 *   <li>pre-emphasis {@code y[n] = x[n] - 0.97 x[n-1]} ({@code scipy.signal.lfilter([1, -0.97], [1], x)},
 *       {@code x[-1] = 0});
 *   <li>librosa 0.7's {@code stft}: {@code n_fft} 800, hop 200, window 800, periodic Hann
 *       ({@code get_window('hann', 800, fftbins=True)}), {@code center=True}: the signal is padded with
 *       400 samples on each side by reflection without repeating the edge ({@code np.pad(mode='reflect')},
 *       repeated for signals shorter than the padding), so frame {@code t} is centred on sample
 *       {@code 200 t}; magnitudes {@code |S|};
 *   <li>librosa 0.7's {@code filters.mel(sr=16000, n_fft=800, n_mels=80, fmin=55, fmax=7600)}: Slaney's
 *       mel scale (linear below 1 kHz, logarithmic above; {@code htk=False}), triangles scaled to unit
 *       area ({@code norm=1});
 *   <li>{@code 20 log10(max(1e-5, mel)) - 20} (ref_level_db), then the symmetric, clipped normalisation
 *       {@code clip(8 (S + 100) / 100 - 4, -4, 4)} (min_level_db -100, max_abs_value 4).
 * </ol>
 *
 * <p>The result has 80 rows and {@code 1 + n / 200} columns for {@code n} samples: 80 mel frames per
 * second. Wav2Lip computes in float32 (librosa's default dtypes); this class in double: against a
 * fixture that reproduces librosa's float32 arithmetic the difference is far below what the model
 * could notice (see {@code MelSpectrogramTest}).
 *
 * <p>It takes 16 kHz mono, as Wav2Lip does: {@link LipSyncFrames} mixes a chunk's audio at the
 * transport rate and channel count down to mono and resamples it to 16 kHz first.
 *
 * <p>Immutable and thread-safe; the filter bank and FFT tables are built once per class.
 */
public final class MelSpectrogram {

    public static final int SAMPLE_RATE = 16000;
    public static final int N_FFT = 800;
    public static final int HOP = 200;
    public static final int WINDOW = 800;
    public static final int MELS = 80;
    public static final double FMIN = 55;
    public static final double FMAX = 7600;
    public static final double PREEMPHASIS = 0.97;
    public static final double MIN_LEVEL_DB = -100;
    public static final double REF_LEVEL_DB = 20;
    public static final double MAX_ABS_VALUE = 4;

    /** Mel frames per second: {@code SAMPLE_RATE / HOP}. */
    public static final int FRAMES_PER_SECOND = SAMPLE_RATE / HOP;

    private static final int BINS = N_FFT / 2 + 1;
    private static final double[] HANN = periodicHann(WINDOW);
    private static final MelFilterBank FILTERS = MelFilterBank.slaney(SAMPLE_RATE, N_FFT, MELS, FMIN, FMAX);
    private static final Fft FFT = new Fft(N_FFT);

    private final long firstFrame;
    private final int frames;
    private final float[] values;

    private MelSpectrogram(long firstFrame, int frames, float[] values) {
        this.firstFrame = firstFrame;
        this.frames = frames;
        this.values = values;
    }

    /** The features of 16 kHz mono 16-bit PCM; at least one sample. */
    public static MelSpectrogram of(short[] samples) {
        Objects.requireNonNull(samples, "samples");
        double[] x = new double[samples.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = samples[i] / 32768.0;
        }
        return of(x);
    }

    /** The features of 16 kHz mono audio as floats in [-1, 1] (librosa's scale); at least one sample. */
    public static MelSpectrogram of(double[] wav) {
        return of(wav, 0);
    }

    /**
     * The features of a part of a longer 16 kHz mono signal, {@code wav} being its samples from
     * {@code firstSample} on, on that signal's frame grid: column {@code t} is the signal's mel frame
     * {@link #firstFrame()} {@code + t}, centred on its sample {@code 200 (firstFrame + t)}, for every
     * centre from the part's first sample on up to its end ({@code firstSample + wav.length}, included,
     * as the whole signal's last frame may be centred there). A frame whose 800 samples and the one
     * before them (pre-emphasis) lie in the part equals the whole signal's frame exactly; frames nearer
     * the part's edges see them as the signal's edges (pre-emphasis from 0, reflection padding), which
     * is exact where the part's edge is the signal's. {@code firstSample} 0 is {@link #of(double[])}.
     */
    public static MelSpectrogram of(double[] wav, long firstSample) {
        Objects.requireNonNull(wav, "wav");
        int n = wav.length;
        if (n == 0) {
            throw new IllegalArgumentException("a mel spectrogram needs at least one sample, got none");
        }
        if (firstSample < 0) {
            throw new IllegalArgumentException("negative first sample " + firstSample);
        }
        long firstFrame = Math.floorDiv(firstSample + HOP - 1, HOP);
        // the first centre, in samples of the part
        int offset = (int) (firstFrame * HOP - firstSample);
        double[] y = new double[n];
        y[0] = wav[0];
        for (int i = 1; i < n; i++) {
            y[i] = wav[i] - PREEMPHASIS * wav[i - 1];
        }

        int frames = n >= offset ? 1 + (n - offset) / HOP : 1;
        int pad = N_FFT / 2;
        float[] out = new float[MELS * frames];
        double[] re = new double[N_FFT];
        double[] im = new double[N_FFT];
        double[] magnitude = new double[BINS];
        for (int t = 0; t < frames; t++) {
            int start = offset + t * HOP - pad;
            for (int k = 0; k < N_FFT; k++) {
                re[k] = HANN[k] * y[reflect(start + k, n)];
                im[k] = 0;
            }
            FFT.transform(re, im);
            for (int b = 0; b < BINS; b++) {
                magnitude[b] = Math.hypot(re[b], im[b]);
            }
            for (int m = 0; m < MELS; m++) {
                out[m * frames + t] = (float) normalize(FILTERS.apply(m, magnitude));
            }
        }
        return new MelSpectrogram(firstFrame, frames, out);
    }

    /** {@code _normalize(_amp_to_db(mel) - ref_level_db)} of Wav2Lip's audio.py. */
    static double normalize(double mel) {
        double db = 20 * Math.log10(Math.max(1e-5, mel)) - REF_LEVEL_DB;
        double s = 2 * MAX_ABS_VALUE * ((db - MIN_LEVEL_DB) / -MIN_LEVEL_DB) - MAX_ABS_VALUE;
        return Math.max(-MAX_ABS_VALUE, Math.min(MAX_ABS_VALUE, s));
    }

    /**
     * Index {@code i} of a signal of length {@code n} extended on both sides by reflection about its
     * first and last sample, edges not repeated (numpy's {@code reflect}), as often as needed.
     */
    static int reflect(int i, int n) {
        if (n == 1) {
            return 0;
        }
        int period = 2 * (n - 1);
        int j = Math.floorMod(i, period);
        return j < n ? j : period - j;
    }

    private static double[] periodicHann(int length) {
        double[] w = new double[length];
        for (int i = 0; i < length; i++) {
            w[i] = 0.5 - 0.5 * Math.cos(2 * Math.PI * i / length);
        }
        return w;
    }

    /** The mel frame of the whole signal that column 0 is (0 for a spectrogram of a whole signal). */
    public long firstFrame() {
        return firstFrame;
    }

    /** Mel frames (columns). */
    public int frames() {
        return frames;
    }

    /** Mel bins (rows): 80. */
    public int mels() {
        return MELS;
    }

    /** The value of mel bin {@code mel} in frame {@code frame}. */
    public float get(int mel, int frame) {
        Objects.checkIndex(mel, MELS);
        Objects.checkIndex(frame, frames);
        return values[mel * frames + frame];
    }

    /** A copy of all values, row-major {@code [80][frames]}. */
    public float[] toArray() {
        return values.clone();
    }

    /**
     * Copies frames {@code [start, start + width)} of every mel bin into {@code dest} at {@code offset},
     * row-major {@code [80][width]} (the layout of one Wav2Lip audio input, {@code [1, 80, 16]}).
     */
    public void copyColumns(int start, int width, float[] dest, int offset) {
        Objects.checkFromIndexSize(start, width, frames);
        Objects.checkFromIndexSize(offset, MELS * width, dest.length);
        for (int m = 0; m < MELS; m++) {
            System.arraycopy(values, m * frames + start, dest, offset + m * width, width);
        }
    }

    /** {@link #copyColumns(int, int, float[], int)} into a batch's buffer, in place. */
    public void copyColumns(int start, int width, FloatBuffer dest, int offset) {
        Objects.checkFromIndexSize(start, width, frames);
        Objects.checkFromIndexSize(offset, MELS * width, dest.capacity());
        for (int m = 0; m < MELS; m++) {
            dest.put(offset + m * width, values, m * frames + start, width);
        }
    }
}
