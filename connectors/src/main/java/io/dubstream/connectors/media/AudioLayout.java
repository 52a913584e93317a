package io.dubstream.connectors.media;

/**
 * The sample rate and channel count a {@link MediaReader} delivers audio at, either of which may be
 * {@value #AS_SOURCE}: "as the source". {@link #resolve} turns it into a concrete layout for a
 * given source.
 *
 * <p>What "as the source" gives, by default for both: the source's own rate and channel count,
 * untouched, when they lie within {@value #MIN_RATE}..{@value #MAX_RATE} Hz and 1..{@value #MAX_CHANNELS}
 * channels (the record format's bounds); otherwise the nearest supported layout: a rate outside the
 * bounds is resampled to {@value #FALLBACK_RATE} Hz, and more than {@value #MAX_CHANNELS} channels
 * are mixed down to {@value #MAX_CHANNELS} (7.1). A rate or channel count that is given is used as
 * given.
 *
 * @param sampleRate samples per second per channel, {@value #MIN_RATE}..{@value #MAX_RATE}, or
 *     {@value #AS_SOURCE}
 * @param channels 1..{@value #MAX_CHANNELS}, or {@value #AS_SOURCE}
 */
public record AudioLayout(int sampleRate, int channels) {

    /** A rate or channel count of 0 means "the source's". */
    public static final int AS_SOURCE = 0;
    public static final int MIN_RATE = 8_000;
    public static final int MAX_RATE = 192_000;
    public static final int MAX_CHANNELS = 8;
    /** What a source rate outside {@value #MIN_RATE}..{@value #MAX_RATE} Hz is resampled to. */
    public static final int FALLBACK_RATE = 48_000;

    /** The source's rate and channels, or the nearest supported layout. */
    public static final AudioLayout SOURCE = new AudioLayout(AS_SOURCE, AS_SOURCE);

    public AudioLayout {
        if (sampleRate != AS_SOURCE && (sampleRate < MIN_RATE || sampleRate > MAX_RATE)) {
            throw new IllegalArgumentException("audio sample rate " + sampleRate + " Hz is outside " + MIN_RATE
                    + ".." + MAX_RATE + " Hz (0 keeps the source's)");
        }
        if (channels != AS_SOURCE && (channels < 1 || channels > MAX_CHANNELS)) {
            throw new IllegalArgumentException("audio channels " + channels + " outside 1.." + MAX_CHANNELS
                    + " (0 keeps the source's)");
        }
    }

    /** Whether both the rate and the channel count are given. */
    public boolean isFixed() {
        return sampleRate != AS_SOURCE && channels != AS_SOURCE;
    }

    /**
     * The layout for a source of {@code sourceRate} Hz x {@code sourceChannels}: what is given stays,
     * what is {@value #AS_SOURCE} becomes the source's value or the nearest supported one.
     */
    public AudioLayout resolve(int sourceRate, int sourceChannels) {
        int rate = sampleRate != AS_SOURCE ? sampleRate
                : sourceRate >= MIN_RATE && sourceRate <= MAX_RATE ? sourceRate : FALLBACK_RATE;
        int ch = channels != AS_SOURCE ? channels : Math.max(1, Math.min(MAX_CHANNELS, sourceChannels));
        return new AudioLayout(rate, ch);
    }

    @Override
    public String toString() {
        return (sampleRate == AS_SOURCE ? "source rate" : sampleRate + " Hz") + " x"
                + (channels == AS_SOURCE ? "source channels" : String.valueOf(channels));
    }
}
