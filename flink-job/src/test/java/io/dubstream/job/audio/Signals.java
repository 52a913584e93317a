package io.dubstream.job.audio;

/** Test signals and measurements for the audio tests (plain double arithmetic, no FFT library). */
public final class Signals {

    private Signals() {}

    /** {@code amplitude * sin(2 pi f t)} for {@code n} samples at {@code rate}. */
    public static float[] tone(double frequency, double amplitude, int n, int rate) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (amplitude * Math.sin(2 * Math.PI * frequency * i / rate));
        }
        return x;
    }

    /** A linear sine sweep from {@code f0} to {@code f1} over {@code n} samples at {@code rate}. */
    public static float[] linearSweep(double f0, double f1, double amplitude, int n, int rate) {
        float[] x = new float[n];
        double duration = (double) n / rate;
        for (int i = 0; i < n; i++) {
            double t = (double) i / rate;
            double phase = 2 * Math.PI * (f0 * t + (f1 - f0) * t * t / (2 * duration));
            x[i] = (float) (amplitude * Math.sin(phase));
        }
        return x;
    }

    /** Raised-cosine fade in and out over {@code fade} samples each, in place; returns {@code x}. */
    public static float[] fade(float[] x, int fade) {
        for (int i = 0; i < fade && i < x.length; i++) {
            double w = 0.5 - 0.5 * Math.cos(Math.PI * (i + 0.5) / fade);
            x[i] *= (float) w;
            x[x.length - 1 - i] *= (float) w;
        }
        return x;
    }

    /** Root mean square of {@code x[from, to)}. */
    public static double rms(float[] x, int from, int to) {
        double sum = 0;
        for (int i = from; i < to; i++) {
            sum += (double) x[i] * x[i];
        }
        return Math.sqrt(sum / (to - from));
    }

    /** RMS of {@code a - b} over {@code [from, to)}. */
    public static double rmsDifference(float[] a, float[] b, int from, int to) {
        double sum = 0;
        for (int i = from; i < to; i++) {
            double d = (double) a[i] - b[i];
            sum += d * d;
        }
        return Math.sqrt(sum / (to - from));
    }

    public static double db(double ratio) {
        return 20 * Math.log10(ratio);
    }

    /**
     * The amplitude of the component at {@code frequency} in {@code x[from, to)}: a single DFT bin,
     * exact for a sine with a whole number of periods in the range.
     */
    public static double amplitudeAt(float[] x, int from, int to, double frequency, int rate) {
        double re = 0;
        double im = 0;
        for (int i = from; i < to; i++) {
            double phase = 2 * Math.PI * frequency * i / rate;
            re += x[i] * Math.cos(phase);
            im += x[i] * Math.sin(phase);
        }
        return 2 * Math.hypot(re, im) / (to - from);
    }

    /**
     * The frequency with most energy in {@code x}, searched from {@code lo} to {@code hi} Hz in steps
     * of {@code step} Hz with a Hann window (a slow DFT; fine for test lengths).
     */
    public static double peakFrequency(float[] x, int rate, double lo, double hi, double step) {
        int n = x.length;
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
            w[i] = x[i] * (0.5 - 0.5 * Math.cos(2 * Math.PI * (i + 0.5) / n));
        }
        double best = lo;
        double bestPower = -1;
        for (double f = lo; f <= hi; f += step) {
            double re = 0;
            double im = 0;
            double c = Math.cos(2 * Math.PI * f / rate);
            double s = Math.sin(2 * Math.PI * f / rate);
            double cr = 1;
            double ci = 0;
            for (int i = 0; i < n; i++) {
                re += w[i] * cr;
                im += w[i] * ci;
                double t = cr * c - ci * s;
                ci = cr * s + ci * c;
                cr = t;
            }
            double power = re * re + im * im;
            if (power > bestPower) {
                bestPower = power;
                best = f;
            }
        }
        return best;
    }

    /**
     * The frequency of a steady tone from its rising zero crossings in {@code x[from, to)}, with the
     * first and last crossing placed by linear interpolation.
     */
    public static double zeroCrossingFrequency(float[] x, int from, int to, int rate) {
        double first = Double.NaN;
        double last = Double.NaN;
        int crossings = 0;
        for (int i = from + 1; i < to; i++) {
            if (x[i - 1] < 0 && x[i] >= 0) {
                double t = i - 1 + x[i - 1] / (double) (x[i - 1] - x[i]);
                if (crossings == 0) {
                    first = t;
                }
                last = t;
                crossings++;
            }
        }
        if (crossings < 2) {
            throw new AssertionError("fewer than two rising zero crossings");
        }
        return (crossings - 1) * rate / (last - first);
    }

    /**
     * The fundamental frequency of {@code x[from, to)} from its normalised autocorrelation: the lag
     * between {@code rate / hi} and {@code rate / lo} with the highest value, refined by a parabola
     * through it and its neighbours. The first peak above 90% of the best is taken, so a period's
     * multiples do not win.
     */
    public static double autocorrelationPitch(float[] x, int from, int to, int rate, double lo, double hi) {
        int minLag = (int) Math.floor(rate / hi);
        int maxLag = (int) Math.ceil(rate / lo);
        int n = to - from - maxLag - 1;
        if (n <= maxLag) {
            throw new AssertionError("too few samples for a period of up to " + maxLag);
        }
        double[] r = new double[maxLag + 2];
        for (int lag = minLag - 1; lag <= maxLag + 1; lag++) {
            double dot = 0;
            double e0 = 0;
            double e1 = 0;
            for (int i = from; i < from + n; i++) {
                dot += (double) x[i] * x[i + lag];
                e0 += (double) x[i] * x[i];
                e1 += (double) x[i + lag] * x[i + lag];
            }
            r[lag] = dot / Math.sqrt(e0 * e1);
        }
        double best = Double.NEGATIVE_INFINITY;
        for (int lag = minLag; lag <= maxLag; lag++) {
            best = Math.max(best, r[lag]);
        }
        for (int lag = minLag; lag <= maxLag; lag++) {
            if (r[lag] >= 0.9 * best && r[lag] >= r[lag - 1] && r[lag] >= r[lag + 1]) {
                double denominator = r[lag - 1] - 2 * r[lag] + r[lag + 1];
                double shift = denominator == 0 ? 0 : 0.5 * (r[lag - 1] - r[lag + 1]) / denominator;
                return rate / (lag + shift);
            }
        }
        throw new AssertionError("no autocorrelation peak");
    }
}
