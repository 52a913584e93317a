package io.dubstream.connectors.media;

import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_BGR24;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.ffmpeg.global.swscale;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * JPEG through FFmpeg's own {@code mjpeg} encoder and decoder, with swscale's colour conversion.
 *
 * <p>Thread-safe: a call borrows an encoder or decoder (its FFmpeg contexts, frame and buffers) from a
 * small pool of idle ones, or opens one, and gives it back when done; opening them for every frame
 * cost about a third of the time. At most {@link #MAX_IDLE} of each stay idle (a few MB of native
 * memory at 1280x720); one of another size or quality is closed when it comes out of the pool, and
 * one whose call failed is closed instead of given back.
 *
 * <p>The encoder's quality is FFmpeg's quantizer scale ({@code -q:v}, 1 best .. 31): its tables are
 * MPEG-1's intra matrix times {@code qscale / 8}. Decoding stops at the first damaged block
 * ({@code err_detect explode}) and never allocates much more than the expected frame ({@code max_pixels}).
 */
final class FFmpegJpeg {

    /** Chroma layouts of an encoded frame. */
    enum Chroma {
        /** Chroma of each 2x2 block averaged, as most JPEG encoders do. */
        SUBSAMPLED_420(avutil.AV_PIX_FMT_YUVJ420P),
        /** Chroma of every pixel kept. */
        FULL_444(avutil.AV_PIX_FMT_YUVJ444P);

        final int pixelFormat;

        Chroma(int pixelFormat) {
            this.pixelFormat = pixelFormat;
        }
    }

    /** The best and the worst quantizer scale. */
    static final int BEST_QSCALE = 1;
    static final int WORST_QSCALE = 31;
    /** Idle encoders, and idle decoders, kept for the next call. */
    static final int MAX_IDLE = Math.max(2, 2 * Runtime.getRuntime().availableProcessors());

    /**
     * swscale's flags from the decoded YUV to BGR. The transport's JPEGs are 4:4:4 (nothing to
     * interpolate); for 4:2:0 ones accurate rounding matters more than speed: swscale's fast path
     * (no flags) is about 10 times faster but cost 2.4 dB through the whole transport.
     */
    private static final int DECODE_SCALING =
            swscale.SWS_BILINEAR | swscale.SWS_ACCURATE_RND | swscale.SWS_FULL_CHR_H_INT;

    /** FFmpeg's frame flag for a frame decoded with errors (a macro JavaCPP does not map). */
    private static final int AV_FRAME_FLAG_CORRUPT = 1;

    private static final Pool<Encoder> ENCODERS = new Pool<>();
    private static final Pool<Decoder> DECODERS = new Pool<>();

    private FFmpegJpeg() {}

    /**
     * Encodes tightly packed BGR24 pixels (sizes checked by the caller).
     *
     * @throws IllegalStateException when FFmpeg fails, saying where
     */
    static byte[] encode(byte[] bgr, int width, int height, int qscale, Chroma chroma) {
        ensureLoaded();
        return ENCODERS.using(e -> e.fits(width, height, qscale, chroma), () -> new Encoder(width, height, qscale,
                chroma), e -> e.encode(bgr));
    }

    /**
     * Encodes full-range 4:2:0 planes ({@link PixelLayout#YUV420_FULL_RANGE}, sizes checked by the
     * caller) as a 4:2:0 JPEG: the planes are the JPEG's own, so nothing is converted.
     *
     * @throws IllegalStateException when FFmpeg fails, saying where
     */
    static byte[] encodeYuv420(byte[] planes, int width, int height, int qscale) {
        ensureLoaded();
        return ENCODERS.using(e -> e.fits(width, height, qscale, Chroma.SUBSAMPLED_420), () -> new Encoder(width,
                height, qscale, Chroma.SUBSAMPLED_420), e -> e.encodePlanes(planes));
    }

    /**
     * Decodes a JPEG whose header says it is {@code width x height} (checked by the caller) to tightly
     * packed BGR24 pixels.
     *
     * @throws IllegalArgumentException when FFmpeg cannot decode it, or only partly
     */
    static byte[] decodeBgr(byte[] jpeg, int width, int height) {
        ensureLoaded();
        return DECODERS.using(d -> d.fits(width, height), () -> new Decoder(width, height),
                d -> d.decode(jpeg, d::toBgr));
    }

    /**
     * Decodes a JPEG whose header says it is {@code width x height} (checked by the caller) and hands
     * FFmpeg's decoded frame (its own pixel format and colour range, e.g. {@code yuvj444p}) to
     * {@code use}, which must not keep it: the frame is reused once {@code use} returns.
     *
     * @throws IllegalArgumentException when FFmpeg cannot decode it, or only partly
     */
    static <R> R decode(byte[] jpeg, int width, int height, Function<AVFrame, R> use) {
        ensureLoaded();
        return DECODERS.using(d -> d.fits(width, height), () -> new Decoder(width, height), d -> d.decode(jpeg, use));
    }

    /** One frame size, quality and chroma layout: an open mjpeg encoder, its frame and converter. */
    private static final class Encoder extends NativeCodec {
        final int qscale;
        final Chroma chroma;
        long framesEncoded;

        Encoder(int width, int height, int qscale, Chroma chroma) {
            super(avcodec.avcodec_find_encoder(avcodec.AV_CODEC_ID_MJPEG), width, height);
            this.qscale = qscale;
            this.chroma = chroma;
            converter = swscale.sws_getContext(width, height, AV_PIX_FMT_BGR24, width, height, chroma.pixelFormat,
                    swscale.SWS_AREA | swscale.SWS_ACCURATE_RND, null, null, (DoublePointer) null);
            try {
                requireAllocated(converter);
                AVCodec codec = context.codec();
                context.width(width).height(height).pix_fmt(chroma.pixelFormat);
                context.color_range(avutil.AVCOL_RANGE_JPEG);
                context.time_base(avutil.av_make_q(1, 25));
                context.flags(context.flags() | avcodec.AV_CODEC_FLAG_QSCALE);
                context.global_quality(qscale * avutil.FF_QP2LAMBDA);
                context.qmin(BEST_QSCALE).qmax(WORST_QSCALE);
                context.thread_count(1);
                check(avcodec.avcodec_open2(context, codec, (PointerPointer<?>) null), "open the mjpeg encoder");
                frame.format(chroma.pixelFormat).width(width).height(height);
                check(avutil.av_frame_get_buffer(frame, 0), "allocate a frame");
            } catch (RuntimeException e) {
                close();
                throw e;
            }
        }

        boolean fits(int w, int h, int q, Chroma c) {
            return w == width && h == height && q == qscale && c == chroma;
        }

        byte[] encode(byte[] bgr) {
            pixels.position(0).put(bgr, 0, bgr.length).position(0);
            check(avutil.av_frame_make_writable(frame), "reuse the frame");
            swscale.sws_scale(converter, planes, strides, 0, height, frame.data(), frame.linesize());
            return encodeFrame();
        }

        /** Encodes the packed full-range planes of a 4:2:0 encoder ({@link PixelLayout#YUV420_FULL_RANGE}). */
        byte[] encodePlanes(byte[] yuv) {
            check(avutil.av_frame_make_writable(frame), "reuse the frame");
            PixelLayout.unpackYuv420(yuv, frame, width, height);
            return encodeFrame();
        }

        private byte[] encodeFrame() {
            frame.quality(qscale * avutil.FF_QP2LAMBDA);
            frame.pts(framesEncoded++);
            check(avcodec.avcodec_send_frame(context, frame), "encode");
            check(avcodec.avcodec_receive_packet(context, packet), "encode");
            try {
                byte[] jpeg = new byte[packet.size()];
                packet.data().get(jpeg);
                return jpeg;
            } finally {
                avcodec.av_packet_unref(packet);
            }
        }

        private void check(int ret, String what) {
            if (ret < 0) {
                throw new IllegalStateException("FFmpeg cannot " + what + " for a " + width + "x" + height + " JPEG ("
                        + FFmpegRuntime.describe(ret) + ")");
            }
        }

    }

    /** One frame size: an open mjpeg decoder, its frame, and a converter for the last pixel format seen. */
    private static final class Decoder extends NativeCodec {

        Decoder(int width, int height) {
            super(avcodec.avcodec_find_decoder(avcodec.AV_CODEC_ID_MJPEG), width, height);
            try {
                AVCodec codec = context.codec();
                context.err_recognition(avcodec.AV_EF_EXPLODE | avcodec.AV_EF_BITSTREAM | avcodec.AV_EF_BUFFER
                        | avcodec.AV_EF_CRCCHECK);
                // FFmpeg checks its buffer, rounded up to whole 16x16 blocks and aligned rows
                context.max_pixels((long) (width + 64) * (height + 16));
                context.thread_count(1);
                int ret = avcodec.avcodec_open2(context, codec, (PointerPointer<?>) null);
                if (ret < 0) {
                    throw new IllegalStateException("FFmpeg cannot open the mjpeg decoder ("
                            + FFmpegRuntime.describe(ret) + ")");
                }
            } catch (RuntimeException e) {
                close();
                throw e;
            }
        }

        boolean fits(int w, int h) {
            return w == width && h == height;
        }

        /** Decodes {@code jpeg} and returns what {@code use} makes of the decoded frame. */
        <R> R decode(byte[] jpeg, Function<AVFrame, R> use) {
            int ret = avcodec.av_new_packet(packet, jpeg.length);
            if (ret < 0) {
                throw new IllegalStateException("FFmpeg is out of memory for a packet of " + jpeg.length + " bytes");
            }
            try {
                packet.data().put(jpeg);
                ret = avcodec.avcodec_send_packet(context, packet);
            } finally {
                avcodec.av_packet_unref(packet);
            }
            if (ret >= 0) {
                ret = avcodec.avcodec_receive_frame(context, frame);
            }
            if (ret < 0) {
                throw new IllegalArgumentException(FFmpegRuntime.describe(ret));
            }
            try {
                if (frame.decode_error_flags() != 0 || (frame.flags() & AV_FRAME_FLAG_CORRUPT) != 0) {
                    throw new IllegalArgumentException("FFmpeg decoded it only partly (error flags "
                            + frame.decode_error_flags() + ")");
                }
                if (frame.width() != width || frame.height() != height) {
                    throw new IllegalArgumentException("FFmpeg decoded " + frame.width() + "x" + frame.height()
                            + " pixels, expected " + width + "x" + height);
                }
                return use.apply(frame);
            } finally {
                avutil.av_frame_unref(frame);
            }
        }

        /** The decoded frame {@code decoded} as tightly packed BGR24. */
        byte[] toBgr(AVFrame decoded) {
            converter = swscale.sws_getCachedContext(converter, width, height, decoded.format(), width, height,
                    AV_PIX_FMT_BGR24, DECODE_SCALING, null, null, (DoublePointer) null);
            if (converter == null) {
                throw new IllegalArgumentException("FFmpeg cannot convert its pixel format " + decoded.format()
                        + " to BGR");
            }
            swscale.sws_scale(converter, decoded.data(), decoded.linesize(), 0, height, planes, strides);
            byte[] bgr = new byte[width * height * 3];
            pixels.position(0).get(bgr);
            return bgr;
        }
    }

    /**
     * An encoder's or decoder's native memory: codec context, frame, packet, BGR buffer and swscale
     * converter, freed by {@link #close}.
     */
    private abstract static class NativeCodec {
        final int width;
        final int height;
        final AVCodecContext context;
        final AVFrame frame;
        final AVPacket packet;
        final BytePointer pixels;
        final PointerPointer<BytePointer> planes;
        final IntPointer strides;
        SwsContext converter;
        private boolean closed;

        NativeCodec(AVCodec codec, int width, int height) {
            this.width = width;
            this.height = height;
            context = avcodec.avcodec_alloc_context3(codec);
            frame = avutil.av_frame_alloc();
            packet = avcodec.av_packet_alloc();
            pixels = new BytePointer((long) width * height * 3);
            planes = new PointerPointer<>(pixels, null, null, null);
            strides = new IntPointer(width * 3, 0, 0, 0);
            requireAllocated(context);
        }

        /** Throws, after closing, when FFmpeg could not allocate {@code part} or the context, frame or packet. */
        final void requireAllocated(Object part) {
            if (part == null || context == null || frame == null || packet == null) {
                close();
                throw new IllegalStateException("FFmpeg is out of memory for a " + width + "x" + height + " JPEG");
            }
        }

        /** Frees it all; safe to call more than once. */
        final void close() {
            if (closed) {
                return;
            }
            closed = true;
            swscale.sws_freeContext(converter);
            avcodec.av_packet_free(packet);
            avutil.av_frame_free(frame);
            avcodec.avcodec_free_context(context);
            planes.close();
            strides.close();
            pixels.close();
        }
    }

    /** Idle codecs, at most {@link #MAX_IDLE}. */
    private static final class Pool<T extends NativeCodec> {
        private final ConcurrentLinkedQueue<T> idle = new ConcurrentLinkedQueue<>();
        private final AtomicInteger size = new AtomicInteger();

        /**
         * Runs {@code work} with an idle codec that {@code fits}, or a new one from {@code open}; gives
         * it back when the work succeeded, closes it when it threw.
         */
        <R> R using(Predicate<T> fits, Supplier<T> open, Function<T, R> work) {
            T codec = borrow(fits);
            if (codec == null) {
                codec = open.get();
            }
            boolean done = false;
            try {
                R result = work.apply(codec);
                done = true;
                return result;
            } finally {
                if (done) {
                    giveBack(codec);
                } else {
                    codec.close();
                }
            }
        }

        /** An idle one that {@code fits}, or {@code null}; those that do not fit are closed on the way. */
        T borrow(Predicate<T> fits) {
            for (T t = idle.poll(); t != null; t = idle.poll()) {
                size.decrementAndGet();
                if (fits.test(t)) {
                    return t;
                }
                t.close();
            }
            return null;
        }

        void giveBack(T t) {
            if (size.incrementAndGet() > MAX_IDLE) {
                size.decrementAndGet();
                t.close();
                return;
            }
            idle.add(t);
        }
    }

    private static void ensureLoaded() {
        try {
            FFmpegRuntime.ensureLoaded();
        } catch (MediaException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }
}
