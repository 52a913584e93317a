package io.dubstream.job.inference.lipsync;

/**
 * An in-place complex FFT ({@code X[k] = sum x[j] e^{-2 pi i jk/n}}) for sizes whose prime factors are
 * small, such as Wav2Lip's 800 = 2^5 * 5^2: recursive mixed-radix decimation in time with an exact
 * table of twiddle factors. Immutable after construction; {@link #transform} needs a scratch copy
 * per call, so it is thread-safe.
 */
final class Fft {

    private static final int MAX_RADIX = 61;

    private final int n;
    private final int[] factors;
    private final double[] cos;
    private final double[] sin;

    Fft(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("FFT size must be positive, got " + n);
        }
        this.n = n;
        int[] f = new int[32];
        int count = 0;
        int rest = n;
        for (int p : new int[] {4, 2, 3, 5}) {
            while (rest % p == 0) {
                f[count++] = p;
                rest /= p;
            }
        }
        for (int p = 7; rest > 1 && p <= MAX_RADIX; p += 2) {
            while (rest % p == 0) {
                f[count++] = p;
                rest /= p;
            }
        }
        this.factors = java.util.Arrays.copyOf(f, count);
        if (rest > 1) {
            throw new IllegalArgumentException("FFT size " + n + " has a prime factor above " + MAX_RADIX);
        }
        this.cos = new double[n];
        this.sin = new double[n];
        for (int j = 0; j < n; j++) {
            double angle = -2 * Math.PI * j / n;
            cos[j] = Math.cos(angle);
            sin[j] = Math.sin(angle);
        }
    }

    /** Transforms {@code re + i im} (each of length n) in place. */
    void transform(double[] re, double[] im) {
        if (re.length != n || im.length != n) {
            throw new IllegalArgumentException("FFT of size " + n + " got arrays of " + re.length + " and " + im.length);
        }
        double[] inRe = re.clone();
        double[] inIm = im.clone();
        double[] tRe = new double[MAX_RADIX];
        double[] tIm = new double[MAX_RADIX];
        step(inRe, inIm, 0, 1, n, re, im, 0, 0, tRe, tIm);
    }

    /**
     * Writes the DFT of the {@code size} inputs {@code in[inOff + j * stride]} to {@code out[outOff ..]}:
     * the DFTs of the {@code p} decimated subsequences go to consecutive blocks of {@code size / p},
     * then butterflies of radix {@code p} combine them in place.
     */
    private void step(double[] inRe, double[] inIm, int inOff, int stride, int size, double[] outRe,
            double[] outIm, int outOff, int level, double[] tRe, double[] tIm) {
        if (size == 1) {
            outRe[outOff] = inRe[inOff];
            outIm[outOff] = inIm[inOff];
            return;
        }
        int p = factors[level];
        int m = size / p;
        for (int r = 0; r < p; r++) {
            step(inRe, inIm, inOff + r * stride, stride * p, m, outRe, outIm, outOff + r * m, level + 1, tRe, tIm);
        }
        int twiddleStep = n / size; // W_size^j = W_n^(j * n / size)
        int rootStep = n / p; // W_p^q = W_n^(q * n / p)
        for (int k = 0; k < m; k++) {
            for (int r = 0; r < p; r++) {
                int idx = outOff + r * m + k;
                int w = (r * k * twiddleStep) % n;
                double a = outRe[idx];
                double b = outIm[idx];
                tRe[r] = a * cos[w] - b * sin[w];
                tIm[r] = a * sin[w] + b * cos[w];
            }
            for (int q = 0; q < p; q++) {
                double sRe = 0;
                double sIm = 0;
                for (int r = 0; r < p; r++) {
                    int w = (r * q % p) * rootStep;
                    sRe += tRe[r] * cos[w] - tIm[r] * sin[w];
                    sIm += tRe[r] * sin[w] + tIm[r] * cos[w];
                }
                outRe[outOff + q * m + k] = sRe;
                outIm[outOff + q * m + k] = sIm;
            }
        }
    }
}
