package io.dubstream.connectors.kafka;

import io.dubstream.connectors.format.RecordLimits;
import io.dubstream.connectors.media.AudioLayout;

/**
 * The audio layout on the wire: every audio block of a clip has this rate and channel count and
 * {@code blockSamples} samples per channel (the last block of a clip may be shorter).
 *
 * <p>An upload keeps the source's rate and channel count by default ({@link AudioLayout#SOURCE}:
 * 44.1 or 48 kHz stereo stays 44.1 or 48 kHz stereo); see {@link AudioLayout#resolve} for sources
 * outside the record format's bounds. Blocks last 250 ms ({@code sampleRate / 4} samples) unless
 * that is more than the 192,000 values ({@link #MAX_BLOCK_VALUES}) a block record may hold: then they are
 * cut to {@code MAX_BLOCK_VALUES / channels} samples (above 96 kHz with 8 channels: 125 ms at
 * 192 kHz x8, 24,000 samples). A 250 ms block of 48 kHz stereo is 24,000 values, 48 KB.
 */
public record AudioTransport(int sampleRate, int channels, int blockSamples) {

    /** The most values (samples times channels) one audio block record may hold: 192,000. */
    public static final int MAX_BLOCK_VALUES = RecordLimits.DEFAULTS.maxAudioBlockSamples();

    /** {@code sampleRate} x {@code channels} in blocks of 250 ms, or shorter where 250 ms would not fit a record. */
    public static AudioTransport of(int sampleRate, int channels) {
        if (channels < 1) {
            throw new IllegalArgumentException("transport channels " + channels + " outside 1.." + AudioLayout.MAX_CHANNELS);
        }
        return new AudioTransport(sampleRate, channels, Math.max(1, Math.min(sampleRate / 4, MAX_BLOCK_VALUES / channels)));
    }

    /** The transport for a resolved layout (a rate and channel count both given). */
    public static AudioTransport of(AudioLayout layout) {
        if (!layout.isFixed()) {
            throw new IllegalArgumentException("the audio layout " + layout + " is not resolved against its source");
        }
        return of(layout.sampleRate(), layout.channels());
    }

    public AudioTransport {
        if (sampleRate < AudioLayout.MIN_RATE || sampleRate > AudioLayout.MAX_RATE) {
            throw new IllegalArgumentException("transport sample rate " + sampleRate + " Hz is outside "
                    + AudioLayout.MIN_RATE + ".." + AudioLayout.MAX_RATE);
        }
        if (channels < 1 || channels > AudioLayout.MAX_CHANNELS) {
            throw new IllegalArgumentException("transport channels " + channels + " outside 1.." + AudioLayout.MAX_CHANNELS);
        }
        if (blockSamples < 1 || (long) blockSamples * channels > MAX_BLOCK_VALUES) {
            throw new IllegalArgumentException("audio block of " + blockSamples + " samples x" + channels
                    + " channels is outside 1.." + MAX_BLOCK_VALUES + " values");
        }
    }

    /** How long a full block lasts, in milliseconds. */
    public double blockMillis() {
        return blockSamples * 1000.0 / sampleRate;
    }
}
