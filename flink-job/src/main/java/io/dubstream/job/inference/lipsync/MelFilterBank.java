package io.dubstream.job.inference.lipsync;

/**
 * A mel filter bank as librosa 0.7's {@code filters.mel(sr, n_fft, n_mels, fmin, fmax, htk=False, norm=1)}
 * builds it: {@code n_mels} triangles whose corners are {@code n_mels + 2} points evenly spaced on
 * Slaney's mel scale between {@code fmin} and {@code fmax}, evaluated at the FFT bin frequencies
 * {@code k * sr / n_fft}, each scaled by {@code 2 / (right - left)} so that its area is one
 * ("slaney" normalisation). Stored sparsely: only the bins where a triangle is non-zero.
 */
final class MelFilterBank {

    private final int[] first;
    private final double[][] weights;

    private MelFilterBank(int[] first, double[][] weights) {
        this.first = first;
        this.weights = weights;
    }

    static MelFilterBank slaney(int sampleRate, int nFft, int mels, double fmin, double fmax) {
        if (fmax > sampleRate / 2.0 || fmin < 0 || fmin >= fmax) {
            throw new IllegalArgumentException("mel range " + fmin + ".." + fmax + " Hz does not fit " + sampleRate
                    + " Hz audio");
        }
        int bins = nFft / 2 + 1;
        double[] fftFreqs = new double[bins];
        double binStep = (sampleRate / 2.0) / (bins - 1);
        for (int k = 0; k < bins; k++) {
            fftFreqs[k] = k * binStep;
        }
        // np.linspace(hz_to_mel(fmin), hz_to_mel(fmax), mels + 2), back to Hz
        double minMel = hzToMel(fmin);
        double maxMel = hzToMel(fmax);
        int points = mels + 2;
        double melStep = (maxMel - minMel) / (points - 1);
        double[] melF = new double[points];
        for (int i = 0; i < points; i++) {
            melF[i] = melToHz(i == points - 1 ? maxMel : minMel + i * melStep);
        }

        int[] first = new int[mels];
        double[][] weights = new double[mels][];
        double[] row = new double[bins];
        for (int m = 0; m < mels; m++) {
            double lowerWidth = melF[m + 1] - melF[m];
            double upperWidth = melF[m + 2] - melF[m + 1];
            double enorm = 2.0 / (melF[m + 2] - melF[m]);
            int lo = -1;
            int hi = -1;
            for (int k = 0; k < bins; k++) {
                double lower = (fftFreqs[k] - melF[m]) / lowerWidth;
                double upper = (melF[m + 2] - fftFreqs[k]) / upperWidth;
                row[k] = Math.max(0, Math.min(lower, upper)) * enorm;
                if (row[k] > 0) {
                    lo = lo < 0 ? k : lo;
                    hi = k;
                }
            }
            if (lo < 0) {
                throw new IllegalArgumentException("mel filter " + m + " covers no FFT bin: too many mels (" + mels
                        + ") for n_fft " + nFft);
            }
            first[m] = lo;
            weights[m] = java.util.Arrays.copyOfRange(row, lo, hi + 1);
        }
        return new MelFilterBank(first, weights);
    }

    /** The energy of filter {@code m} over a magnitude spectrum of {@code n_fft / 2 + 1} bins. */
    double apply(int m, double[] spectrum) {
        double[] w = weights[m];
        int base = first[m];
        double sum = 0;
        for (int k = 0; k < w.length; k++) {
            sum += w[k] * spectrum[base + k];
        }
        return sum;
    }

    /** Weight of filter {@code m} at FFT bin {@code k} (0 outside the triangle). */
    double weight(int m, int k) {
        int i = k - first[m];
        return i >= 0 && i < weights[m].length ? weights[m][i] : 0;
    }

    private static final double F_SP = 200.0 / 3;
    private static final double MIN_LOG_HZ = 1000.0;
    private static final double MIN_LOG_MEL = MIN_LOG_HZ / F_SP;
    private static final double LOG_STEP = Math.log(6.4) / 27.0;

    /** librosa's {@code hz_to_mel(htk=False)}: Slaney's Auditory Toolbox scale. */
    static double hzToMel(double hz) {
        return hz >= MIN_LOG_HZ ? MIN_LOG_MEL + Math.log(hz / MIN_LOG_HZ) / LOG_STEP : hz / F_SP;
    }

    /** librosa's {@code mel_to_hz(htk=False)}. */
    static double melToHz(double mel) {
        return mel >= MIN_LOG_MEL ? MIN_LOG_HZ * Math.exp(LOG_STEP * (mel - MIN_LOG_MEL)) : F_SP * mel;
    }
}
