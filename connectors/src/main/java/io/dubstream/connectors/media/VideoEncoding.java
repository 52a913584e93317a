package io.dubstream.connectors.media;

import java.util.Objects;

/**
 * How an {@link Mp4Writer} encodes video: which encoder, at what quality, on how many threads.
 *
 * <p>The quality is one number on the H.264 quantizer scale for every encoder, lower is better and
 * larger: x264's constant rate factor ({@code crf}), NVENC's constant quality ({@code cq}), openh264's
 * quantizer (a constant QP: its rate control aims at a bit rate, not a quality), MPEG-4 part 2's
 * quantizer scale converted to the same step size. About 6 steps double or halve the size.
 *
 * @param encoder the encoder, or {@link VideoEncoder#AUTO}
 * @param quality 0..51, or {@link #DEFAULT_QUALITY} for the encoder's own default
 *     ({@link VideoEncoder#defaultQuality()})
 * @param threads encoding threads, 0 for as many as the machine has cores
 */
public record VideoEncoding(VideoEncoder encoder, int quality, int threads) {

    /** The encoder's own default quality. */
    public static final int DEFAULT_QUALITY = -1;
    /** The most threads asked for. */
    public static final int MAX_THREADS = 64;

    public VideoEncoding {
        Objects.requireNonNull(encoder, "encoder");
        if (quality != DEFAULT_QUALITY && (quality < 0 || quality > 51)) {
            throw new IllegalArgumentException("video quality must be 0..51 (lower is better), got " + quality);
        }
        if (threads < 0 || threads > MAX_THREADS) {
            throw new IllegalArgumentException("encoding threads must be 0 (all cores).." + MAX_THREADS + ", got "
                    + threads);
        }
    }

    /** The best encoder this machine has, at its default quality, on all cores. */
    public static VideoEncoding defaults() {
        return new VideoEncoding(VideoEncoder.AUTO, DEFAULT_QUALITY, 0);
    }

    /** {@code encoder} at its default quality, on all cores. */
    public static VideoEncoding of(VideoEncoder encoder) {
        return new VideoEncoding(encoder, DEFAULT_QUALITY, 0);
    }

    public VideoEncoding withQuality(int q) {
        return new VideoEncoding(encoder, q, threads);
    }

    public VideoEncoding withThreads(int n) {
        return new VideoEncoding(encoder, quality, n);
    }

    /** The quality for {@code resolved}, a concrete encoder: the one given, else its default. */
    int qualityFor(VideoEncoder resolved) {
        return quality == DEFAULT_QUALITY ? resolved.defaultQuality() : quality;
    }
}
