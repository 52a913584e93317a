package io.dubstream.connectors.media;

import java.nio.ShortBuffer;
import java.util.Arrays;

/**
 * Turns the decoder's audio (signed 16-bit, already mixed to the transport channel count by FFmpeg,
 * still at the source rate) into transport audio: resampled to the transport rate with a resampler
 * that is flushed at the end, cut to the length the container declares for the audio stream, and
 * without what plays before the first video frame.
 *
 * <p>The cut matters for AAC: the encoder pads the last frame to 1024 samples and the decoder
 * returns the padding (820 samples, 18.6 ms, for a 3 s clip at 44.1 kHz), while an mp4 states the
 * exact duration of the track.
 *
 * <p>Audio that starts before the first video frame loses its samples before it, so that transport
 * sample 0 plays with that frame ({@link MediaReader} adds the silence before audio that starts
 * later). At the source rate the samples are passed through untouched. Not thread-safe.
 */
final class TransportAudio implements AutoCloseable {

    private final int transportRate;
    private final int channels;
    private final long sampleLimit;
    private AudioResampler resampler;
    private long taken;
    private long delivered;
    /** Samples per channel still to drop from the start. */
    private long samplesToDrop;

    /**
     * @param sampleLimit the most samples per channel to take from the stream, {@link Long#MAX_VALUE}
     *     for no limit
     */
    TransportAudio(int transportRate, int channels, long sampleLimit) {
        this(transportRate, channels, sampleLimit, 0);
    }

    /**
     * @param sampleLimit the most samples per channel to take from the stream, {@link Long#MAX_VALUE}
     *     for no limit
     * @param dropFirst how many samples per channel (at the transport rate) play before the first
     *     video frame, and are dropped
     */
    TransportAudio(int transportRate, int channels, long sampleLimit, long dropFirst) {
        this.transportRate = transportRate;
        this.channels = channels;
        this.sampleLimit = sampleLimit;
        this.samplesToDrop = dropFirst;
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

    /** Cuts {@code interleaved} to the declared length, then drops what plays before the first video frame. */
    private short[] limit(short[] interleaved) {
        long frames = interleaved.length / channels;
        long allowed = Math.max(0, Math.min(frames, sampleLimit - taken));
        taken += allowed;
        short[] kept = allowed == frames ? interleaved : Arrays.copyOf(interleaved, (int) allowed * channels);
        if (samplesToDrop > 0 && kept.length > 0) {
            int drop = (int) Math.min(samplesToDrop, allowed);
            samplesToDrop -= drop;
            kept = Arrays.copyOfRange(kept, drop * channels, kept.length);
        }
        delivered += kept.length / channels;
        return kept;
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
