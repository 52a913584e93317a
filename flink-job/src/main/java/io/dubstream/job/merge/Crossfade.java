package io.dubstream.job.merge;

/**
 * The weights and the blending of an overlap-add crossfade, as pure functions.
 *
 * <p>Across an overlap of {@code n} frames or samples, position {@code j} gives the incoming (later)
 * chunk the raised-cosine weight {@code w = 0.5 - 0.5 cos(pi (j + 0.5) / n)} and the outgoing chunk
 * {@code 1 - w}: the two always sum to 1, the incoming weight rises monotonically from near 0 to near
 * 1, and it is symmetric ({@code w(j) + w(n-1-j) = 1}), so a seam sounds and looks the same in both
 * directions. Sampling at the middle of each position ({@code j + 0.5}) keeps both ends strictly
 * inside (0, 1), so neither chunk's overlap is thrown away entirely.
 *
 * <p>Blending rounds to nearest ({@link Math#round}, ties towards positive infinity) and clamps to
 * the value's range. Blending a value with itself gives the value back exactly, whatever the weight.
 */
public final class Crossfade {

    private Crossfade() {}

    /**
     * The incoming chunk's weight at position {@code j} of an overlap of {@code n}; the outgoing
     * chunk's is {@code 1 - weight(j, n)}.
     *
     * @throws IllegalArgumentException when {@code j} is not in {@code 0 .. n-1}
     */
    public static double weight(int j, int n) {
        if (n <= 0 || j < 0 || j >= n) {
            throw new IllegalArgumentException("position " + j + " is outside an overlap of " + n);
        }
        return 0.5 - 0.5 * Math.cos(Math.PI * (j + 0.5) / n);
    }

    /** {@code out * (1 - w) + in * w}, rounded to nearest and clamped to the 16-bit range. */
    public static short blend(short out, short in, double w) {
        long v = Math.round(out * (1.0 - w) + in * w);
        return (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, v));
    }

    /**
     * Blends two frames of packed pixels (BGR24, or any 8-bit channels) byte by byte, each byte
     * unsigned: {@code out * (1 - w) + in * w}, rounded and clamped to 0..255.
     *
     * @return a new array
     * @throws IllegalArgumentException when the frames differ in size
     */
    public static byte[] blendBgr(byte[] out, byte[] in, double w) {
        if (out.length != in.length) {
            throw new IllegalArgumentException("cannot blend frames of " + out.length + " and " + in.length + " bytes");
        }
        double keep = 1.0 - w;
        byte[] blended = new byte[out.length];
        for (int i = 0; i < blended.length; i++) {
            long v = Math.round((out[i] & 0xff) * keep + (in[i] & 0xff) * w);
            blended[i] = (byte) Math.max(0, Math.min(255, v));
        }
        return blended;
    }
}
