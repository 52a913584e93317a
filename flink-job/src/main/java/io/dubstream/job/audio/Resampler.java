package io.dubstream.job.audio;

/**
 * A band-limited rational resampler for whole buffers: polyphase windowed sinc with a Kaiser window.
 *
 * <p><b>Ratio.</b> {@code inRate -> outRate} is reduced by their gcd to {@code L / M} (16000 to 24000
 * is 3/2, 44100 to 24000 is 80/147). Output sample {@code k} lies at input position
 * {@code k * M / L}, exactly: the filter is symmetric about that position (zero phase), so its group
 * delay is compensated and a signal resampled there and back lines up with the original.
 *
 * <p><b>Length.</b> {@code n} input samples give {@link #outputLength(int) ceil(n * L / M)} output
 * samples: every output position {@code k * M / L} that falls inside the input, {@code [0, n)}.
 * A round trip can therefore be one sample longer than the input (odd {@code n} at 16 kHz
 * -> 24 kHz -> 16 kHz gives {@code n + 1}); callers that need the exact length trim.
 *
 * <p><b>Filter.</b> The cut-off (-6 dB) is the lower of the two Nyquist frequencies, with a
 * transition band of {@code transition} times that Nyquist centred on it (by default 3%: at 16 kHz
 * flat to 7.88 kHz, at least {@code stopbandDb} down from 8.12 kHz). Images and aliases are thus
 * confined to that narrow band round the lower Nyquist and everything beyond is attenuated by the
 * stopband. The Kaiser window's β and length follow Kaiser's formulas for {@code stopbandDb}
 * (default 80 dB) and the transition; each polyphase branch is normalised to unit DC gain.
 *
 * <p><b>Edges.</b> The buffer is taken as zero outside {@code [0, n)}, as when a chunk is processed
 * whole; the first and last {@link #halfWidth()} input samples' outputs see that edge.
 *
 * <p>Stateless per call and immutable after construction: one instance may serve many threads.
 */
public final class Resampler {

    /** Default transition band, as a fraction of the lower Nyquist frequency, centred on it. */
    public static final double DEFAULT_TRANSITION = 0.03;
    /** Default stopband attenuation in dB. */
    public static final double DEFAULT_STOPBAND_DB = 80;

    private final int inRate;
    private final int outRate;
    private final int up;
    private final int down;
    /** Input samples each side of an output position that the filter reaches. */
    private final int halfWidth;
    /** {@code phases[p][q]}: the weight of input {@code i - halfWidth + q} for an output at {@code i + p / up}. */
    private final float[][] phases;

    public Resampler(int inRate, int outRate) {
        this(inRate, outRate, DEFAULT_TRANSITION, DEFAULT_STOPBAND_DB);
    }

    /**
     * @param transition width of the transition band as a fraction of the lower Nyquist frequency,
     *     centred on it (0 < transition < 1)
     * @param stopbandDb attenuation beyond the transition band, in dB (at least 21)
     */
    public Resampler(int inRate, int outRate, double transition, double stopbandDb) {
        if (inRate <= 0 || outRate <= 0) {
            throw new IllegalArgumentException("sample rates must be positive, got " + inRate + " -> " + outRate);
        }
        if (!(transition > 0 && transition < 1)) {
            throw new IllegalArgumentException("transition must be in (0, 1), got " + transition);
        }
        if (!(stopbandDb >= 21)) {
            throw new IllegalArgumentException("stopband attenuation must be at least 21 dB, got " + stopbandDb);
        }
        this.inRate = inRate;
        this.outRate = outRate;
        int g = gcd(inRate, outRate);
        this.up = outRate / g;
        this.down = inRate / g;

        // Everything in input samples. The cut-off as a fraction of the input's Nyquist frequency:
        double cutoff = Math.min(1.0, (double) up / down);
        // Kaiser: taps = (A - 7.95) / (14.36 * df) + 1 with df the transition width in cycles per sample
        // at the lower rate (transition * 0.5), so the window's half-width in lower-rate samples is half
        // of that, and in input samples that divided by the cut-off.
        double taps = (stopbandDb - 7.95) / (14.36 * transition * 0.5) + 1;
        double halfWidthLow = (taps - 1) / 2;
        double windowHalf = halfWidthLow / cutoff;
        this.halfWidth = (int) Math.ceil(windowHalf);
        double beta = kaiserBeta(stopbandDb);
        double i0Beta = besselI0(beta);

        int width = 2 * halfWidth + 1;
        this.phases = new float[up][width];
        for (int p = 0; p < up; p++) {
            double frac = (double) p / up;
            double sum = 0;
            double[] h = new double[width];
            for (int q = 0; q < width; q++) {
                // distance from the output position (i + frac) to input (i - halfWidth + q)
                double t = halfWidth - q + frac;
                if (Math.abs(t) >= windowHalf) {
                    continue;
                }
                double r = t / windowHalf;
                double window = besselI0(beta * Math.sqrt(1 - r * r)) / i0Beta;
                h[q] = cutoff * sinc(cutoff * t) * window;
                sum += h[q];
            }
            for (int q = 0; q < width; q++) {
                phases[p][q] = (float) (h[q] / sum);
            }
        }
    }

    public int inRate() {
        return inRate;
    }

    public int outRate() {
        return outRate;
    }

    /** Input samples each side of an output position that contribute to it. */
    public int halfWidth() {
        return halfWidth;
    }

    /** {@code ceil(n * L / M)}: the number of output samples for {@code n} input samples. */
    public int outputLength(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("negative length " + n);
        }
        long len = ((long) n * up + down - 1) / down;
        if (len > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(n + " samples at " + inRate + " Hz are too many for " + outRate + " Hz");
        }
        return (int) len;
    }

    /** Resamples a whole buffer; see the class comment for the length and alignment. */
    public float[] resample(float[] in) {
        return resample(in, 0);
    }

    /**
     * The first output sample, in the output of a whole signal, that lies at or after its input sample
     * {@code firstIn}: {@code ceil(firstIn * L / M)}.
     */
    public long firstOutput(long firstIn) {
        if (firstIn < 0) {
            throw new IllegalArgumentException("negative sample index " + firstIn);
        }
        return Math.floorDiv(Math.addExact(Math.multiplyExact(firstIn, (long) up), down - 1), down);
    }

    /**
     * Resamples a part of a longer signal, {@code in} being its samples from {@code firstIn} on, on that
     * signal's output grid: output samples {@link #firstOutput(long) firstOutput(firstIn)} up to
     * {@code firstOutput(firstIn + in.length)} (exclusive) of the whole signal's output, which lie in the
     * part. Those whose filter stays inside the part (all but the first and last {@link #halfWidth()}
     * input samples' worth) equal the whole signal's, bit for bit; the buffer is taken as zero outside
     * the part. {@code firstIn} 0 is {@link #resample(float[])}.
     */
    public float[] resample(float[] in, long firstIn) {
        int n = in.length;
        long firstOut = firstOutput(firstIn);
        long endOut = firstOutput(firstIn + n);
        if (endOut - firstOut > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(n + " samples at " + inRate + " Hz are too many for " + outRate + " Hz");
        }
        float[] out = new float[(int) (endOut - firstOut)];
        if (up == down) {
            System.arraycopy(in, 0, out, 0, n);
            return out;
        }
        int width = 2 * halfWidth + 1;
        for (int k = 0; k < out.length; k++) {
            // the whole signal's output firstOut + k lies at its input (firstOut + k) * M / L
            long pos = Math.multiplyExact(firstOut + k, (long) down);
            int i = (int) (pos / up - firstIn);
            float[] h = phases[(int) (pos % up)];
            int first = i - halfWidth;
            int q0 = Math.max(0, -first);
            int q1 = Math.min(width, n - first);
            out[k] = dot(in, first, h, q0, q1);
        }
        return out;
    }

    /** {@code sum of x[first + q] * h[q]} for {@code q0 <= q < q1}, with four partial sums. */
    private static float dot(float[] x, int first, float[] h, int q0, int q1) {
        float s0 = 0;
        float s1 = 0;
        float s2 = 0;
        float s3 = 0;
        int q = q0;
        for (; q + 3 < q1; q += 4) {
            s0 += x[first + q] * h[q];
            s1 += x[first + q + 1] * h[q + 1];
            s2 += x[first + q + 2] * h[q + 2];
            s3 += x[first + q + 3] * h[q + 3];
        }
        for (; q < q1; q++) {
            s0 += x[first + q] * h[q];
        }
        return (s0 + s1) + (s2 + s3);
    }

    private static double sinc(double x) {
        if (x == 0) {
            return 1;
        }
        double px = Math.PI * x;
        return Math.sin(px) / px;
    }

    /** Kaiser's β for a stopband attenuation in dB. */
    static double kaiserBeta(double attenuationDb) {
        if (attenuationDb > 50) {
            return 0.1102 * (attenuationDb - 8.7);
        }
        if (attenuationDb >= 21) {
            return 0.5842 * Math.pow(attenuationDb - 21, 0.4) + 0.07886 * (attenuationDb - 21);
        }
        return 0;
    }

    /** The modified Bessel function of the first kind, order 0 (power series). */
    static double besselI0(double x) {
        double sum = 1;
        double term = 1;
        double half = x / 2;
        for (int k = 1; k < 500; k++) {
            term *= (half / k) * (half / k);
            sum += term;
            if (term < sum * 1e-17) {
                break;
            }
        }
        return sum;
    }

    private static int gcd(int a, int b) {
        while (b != 0) {
            int t = a % b;
            a = b;
            b = t;
        }
        return a;
    }

    @Override
    public String toString() {
        return "Resampler{" + inRate + " -> " + outRate + " Hz (" + up + "/" + down + "), " + (2 * halfWidth + 1)
                + " taps per output}";
    }
}
