package io.dubstream.job.inference.dub;

/**
 * How dubbed lines are fitted into their slots and mixed over the original audio.
 *
 * <p><b>Speed range.</b> Speeds are playback speeds: 1.25 plays a line in 1 / 1.25 = 80% of its
 * time, 0.8 in 125%. {@code maxSpeedUp} (default 1.25) is the fastest a too-long line is played
 * before it is cut. {@code maxSlowDown} (default 0.8) is the slowest speed the dub path may use:
 * the {@link SlotFitter} never slows a line down (a line shorter than its slot is placed at the
 * slot's start as is, since drawn-out speech sounds worse than a pause after it), so its speeds lie
 * in {@code [1, maxSpeedUp]}; the lower bound is validated here with the upper one so that the
 * configured range ({@code dubstream.dub.max-stretch}) stays one consistent pair.
 *
 * @param duckDb the original audio's gain under a dubbed line, in dB (at most 0; -20 is a ratio of 0.1)
 * @param duckRampMicros the length of the ramps into and out of the ducked range, before the line's
 *     start and after its end
 * @param nextLineMarginMicros the silence kept before the next line's start when a line grows past its slot
 * @param maxSpeedUp the fastest playback speed for a line too long for its room, in [1, 2]
 * @param maxSlowDown the slowest playback speed the dub path may use, in [0.5, 1]
 */
public record DubSettings(double duckDb, long duckRampMicros, long nextLineMarginMicros, double maxSpeedUp,
        double maxSlowDown) implements java.io.Serializable {

    /** -20 dB ducking with 50 ms ramps, 100 ms before the next line, speeds 0.8 to 1.25. */
    public static final DubSettings DEFAULTS = new DubSettings(-20, 50_000, 100_000, 1.25, 0.8);

    public DubSettings {
        if (!(duckDb <= 0) || Double.isInfinite(duckDb)) {
            throw new IllegalArgumentException("the ducking gain must be a finite level at most 0 dB, got " + duckDb);
        }
        if (duckRampMicros < 0) {
            throw new IllegalArgumentException("the ducking ramp must not be negative, got " + duckRampMicros + " us");
        }
        if (nextLineMarginMicros < 0) {
            throw new IllegalArgumentException(
                    "the margin before the next line must not be negative, got " + nextLineMarginMicros + " us");
        }
        if (!(maxSpeedUp >= 1 && maxSpeedUp <= 2)) {
            throw new IllegalArgumentException("the maximum speed-up must be in [1, 2] (1.25 plays a line in 80% of"
                    + " its time), got " + maxSpeedUp);
        }
        if (!(maxSlowDown >= 0.5 && maxSlowDown <= 1)) {
            throw new IllegalArgumentException("the maximum slow-down must be a speed in [0.5, 1] (0.8 plays a line in"
                    + " 125% of its time), got " + maxSlowDown);
        }
    }

    /** The ducking gain as an amplitude ratio: {@code 10^(duckDb / 20)}. */
    public double duckGain() {
        return Math.pow(10, duckDb / 20);
    }

    /** {@code micros} as a whole number of samples at {@code sampleRate}, rounded. */
    static int samples(long micros, int sampleRate) {
        return (int) Math.round(micros * (double) sampleRate / 1_000_000);
    }
}
