package io.dubstream.connectors.kafka;

/**
 * The audio layout on the wire: every clip's audio is resampled at upload to this rate and channel
 * count, and cut into blocks of {@code blockSamples} samples per channel (the last block of a clip
 * may be shorter).
 *
 * <p>The default, 16 kHz mono in blocks of 4000 samples (250 ms), is what speech models and
 * Wav2Lip's mel features want; a block is then 8 KB, far below Kafka's record limit.
 */
public record AudioTransport(int sampleRate, int channels, int blockSamples) {

    public static final AudioTransport DEFAULT = new AudioTransport(16_000, 1, 4_000);

    /** {@code sampleRate} x {@code channels} in blocks of 250 ms. */
    public static AudioTransport of(int sampleRate, int channels) {
        return new AudioTransport(sampleRate, channels, Math.max(1, sampleRate / 4));
    }

    public AudioTransport {
        if (sampleRate < 8_000 || sampleRate > 192_000) {
            throw new IllegalArgumentException("transport sample rate " + sampleRate + " Hz is outside 8000..192000");
        }
        if (channels < 1 || channels > 8) {
            throw new IllegalArgumentException("transport channels " + channels + " outside 1..8");
        }
        if (blockSamples < 1 || (long) blockSamples * channels > 192_000) {
            throw new IllegalArgumentException("audio block of " + blockSamples + " samples x" + channels
                    + " channels is outside 1..192000 values");
        }
    }
}
