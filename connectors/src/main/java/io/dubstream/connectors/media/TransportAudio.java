package io.dubstream.connectors.media;

import java.nio.ShortBuffer;
import java.util.Arrays;

/**
 * Turns the decoder's audio (signed 16-bit, already mixed to the transport channel count by FFmpeg,
 * still at the source rate) into transport audio: resampled to the transport rate with a resampler
 * that is flushed at the end, and cut to the length the container declares for the audio stream.
 *
 * <p>The cut matters for AAC: the encoder pads the last frame to 1024 samples and the decoder
 * returns the padding (820 samples, 18.6 ms, for a 3 s clip at 44.1 kHz), while an mp4 states the
 * exact duration of the track. Not thread-safe.
 */
final class TransportAudio implements AutoCloseable {

    private final int transportRate;
    private final int channels;
    private final long sampleLimit;
    private AudioResampler resampler;
    private long delivered;

    /**
     * @param sampleLimit the most samples per channel to deliver, {@link Long#MAX_VALUE} for no limit
     */
    TransportAudio(int transportRate, int channels, long sampleLimit) {
        this.transportRate = transportRate;
        this.channels = channels;
        this.sampleLimit = sampleLimit;
    }

    /** Samples per channel delivered so far. */
    long delivered() {
        return delivered;
    }

    /**
     * Converts one decoded audio frame.
     *
     * @param samples interleaved samples from position to limit, {@code channels} per frame
     * @param sourceRate the sample rate of {@code samples}
     * @return transport samples, possibly empty
     */
    short[] accept(ShortBuffer samples, int sourceRate) throws MediaException {
        short[] source = new short[samples.remaining() - samples.remaining() % channels];
        samples.get(samples.position(), source);
        if (sourceRate == transportRate && resampler == null) {
            return limit(source);
        }
        short[] head = new short[0];
        if (resampler != null && resampler.inputRate() != sourceRate) {
            head = resampler.flush(); // the stream changed its rate: finish the old resampler
            resampler.close();
            resampler = null;
        }
        if (sourceRate == transportRate) {
            return limit(concat(head, source));
        }
        if (resampler == null) {
            resampler = new AudioResampler(sourceRate, transportRate, channels);
        }
        return limit(concat(head, resampler.convert(source, source.length / channels)));
    }

    /** Drains the resampler at the end of the stream; the result may be empty. */
    short[] finish() throws MediaException {
        if (resampler == null) {
            return new short[0];
        }
        short[] tail = resampler.flush();
        resampler.close();
        resampler = null;
        return limit(tail);
    }

    private short[] limit(short[] interleaved) {
        long frames = interleaved.length / channels;
        long allowed = Math.max(0, Math.min(frames, sampleLimit - delivered));
        delivered += allowed;
        return allowed == frames ? interleaved : Arrays.copyOf(interleaved, (int) allowed * channels);
    }

    private static short[] concat(short[] a, short[] b) {
        if (a.length == 0) {
            return b;
        }
        short[] joined = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, joined, a.length, b.length);
        return joined;
    }

    @Override
    public void close() {
        if (resampler != null) {
            resampler.close();
            resampler = null;
        }
    }
}
