package io.dubstream.connectors.media;

import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_DATA_DISPLAYMATRIX;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_BGR24;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUVJ420P;

import java.util.Map;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacketSideData;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVDictionaryEntry;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avformat;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.ffmpeg.global.swscale;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * The video track of an {@link Mp4Writer}: converts BGR frames, or decoded JPEGs, to yuv420p and
 * encodes them, each at its own presentation time. The encoder runs on a thread of its own
 * ({@link EncoderThread}): converting the next frame, and whatever the caller does meanwhile, goes on
 * while it encodes this one.
 *
 * <p>The conversion averages each 2x2 block's chroma ({@code SWS_AREA}) with accurate rounding: frames
 * decoded from yuv420p to BGR (chroma repeated per pixel) come back to within 50 dB PSNR of the
 * source's YUV, against 46 dB with bilinear filtering, which also costs every encoder up to 1 dB.
 *
 * <p>The time base is a multiple of the frame rate's numerator of at least 90,000 ticks a second
 * (90000 for 25 or 30000/1001 fps, 96000 for 24000/1001): a constant-rate frame lasts a whole
 * number of ticks, so the rate stays the exact rational, and any other time is kept to within half
 * a tick (under 6 microseconds). MPEG-4 part 2 allows at most 65535 ticks a second; its time base
 * is the largest multiple of the numerator below that. Not thread-safe.
 */
final class VideoTrack implements AutoCloseable {

    /**
     * swscale's flags to yuv420p, from BGR or a decoded JPEG's YUV: each 2x2 block's chroma averaged,
     * accurately rounded.
     */
    static final int TO_YUV420_SCALING = swscale.SWS_AREA | swscale.SWS_ACCURATE_RND;
    /**
     * swscale's flags from a 4:2:0 picture to yuv420p (a JPEG's full range to limited): the same bytes
     * as {@link #TO_YUV420_SCALING}, in half the time.
     */
    static final int SAME_CHROMA_SCALING = swscale.SWS_AREA;

    /** The least ticks a second of the time base, as MPEG transport streams use. */
    static final int MIN_TICKS_PER_SECOND = 90_000;
    private static final int MPEG4_MAX_TICKS_PER_SECOND = 65_535;

    private final int width;
    private final int height;
    private final String codecName;
    final AVCodecContext context;
    final AVStream stream;
    private final int ticksPerSecond;
    private final long ticksPerFrame;
    /** Frames in the encoder's queue or being prepared at most: one encoded, one queued, one prepared. */
    static final int ENCODER_BUFFERS = 3;

    private EncoderThread encoderThread;
    private final SwsContext converter;
    /** From a decoded JPEG's pixel format to yuv420p, made for the first JPEG. */
    private SwsContext yuvConverter;
    private final BytePointer bgr;
    private final PointerPointer<BytePointer> bgrPlanes;
    private final IntPointer bgrStrides;
    private long lastPts = Long.MIN_VALUE;

    /**
     * Adds the track to {@code container}; the header is not written yet.
     *
     * @param encoder a concrete encoder this FFmpeg build has
     * @param options FFmpeg options of the codec context and the encoder ({@link VideoEncoders#options})
     * @param fpsNum the frame rate's numerator, reduced
     * @param fpsDen the frame rate's denominator, reduced
     * @param rotationDegrees the clockwise display rotation to store, 0, 90, 180 or 270
     * @param sink where the encoded packets go, called on the encoder's own thread
     */
    VideoTrack(AVFormatContext container, VideoEncoder encoder, Map<String, String> options, int width, int height,
            int fpsNum, int fpsDen, int rotationDegrees, PacketSink sink) throws MediaException {
        this.width = width;
        this.height = height;
        this.codecName = encoder.ffmpegName();
        AVCodec codec = avcodec.avcodec_find_encoder_by_name(codecName);
        if (codec == null) {
            throw new MediaException("this FFmpeg build has no " + codecName + " encoder");
        }
        this.ticksPerSecond = ticksPerSecond(encoder, fpsNum);
        this.ticksPerFrame = (long) fpsDen * (ticksPerSecond / fpsNum);
        this.stream = avformat.avformat_new_stream(container, null);
        this.context = avcodec.avcodec_alloc_context3(codec);
        this.bgr = new BytePointer((long) width * height * 3);
        this.bgrPlanes = new PointerPointer<>(bgr, null, null, null);
        this.bgrStrides = new IntPointer(width * 3, 0, 0, 0);
        this.converter = swscale.sws_getContext(width, height, AV_PIX_FMT_BGR24, width, height, AV_PIX_FMT_YUV420P,
                TO_YUV420_SCALING, null, null, (DoublePointer) null);
        if (stream == null || context == null || converter == null) {
            close();
            throw new MediaException("FFmpeg is out of memory for a " + width + "x" + height + " video track");
        }
        context.width(width).height(height).pix_fmt(AV_PIX_FMT_YUV420P);
        context.time_base(avutil.av_make_q(1, ticksPerSecond));
        context.framerate(avutil.av_make_q(fpsNum, fpsDen));
        if ((container.oformat().flags() & avformat.AVFMT_GLOBALHEADER) != 0) {
            context.flags(context.flags() | avcodec.AV_CODEC_FLAG_GLOBAL_HEADER);
        }
        AVDictionary dictionary = new AVDictionary(null);
        int ret = 0;
        String unknown = null;
        try {
            for (Map.Entry<String, String> option : options.entrySet()) {
                avutil.av_dict_set(dictionary, option.getKey(), option.getValue(), 0);
            }
            ret = avcodec.avcodec_open2(context, codec, dictionary);
            // what the encoder did not take is left in the dictionary: a misspelt or unsupported option
            AVDictionaryEntry left = avutil.av_dict_get(dictionary, "", null, avutil.AV_DICT_IGNORE_SUFFIX);
            if (ret >= 0 && left != null) {
                unknown = left.key().getString() + "=" + left.value().getString();
            }
        } finally {
            avutil.av_dict_free(dictionary);
        }
        if (unknown != null) {
            close();
            throw new MediaException("the " + codecName + " encoder does not take the option " + unknown);
        }
        if (ret >= 0) {
            ret = avcodec.avcodec_parameters_from_context(stream.codecpar(), context);
        }
        if (ret >= 0 && rotationDegrees != 0) {
            ret = addDisplayMatrix(stream.codecpar(), rotationDegrees);
        }
        if (ret < 0) {
            close();
            throw new MediaException("cannot open the " + codecName + " encoder for " + width + "x" + height + " at "
                    + fpsNum + "/" + fpsDen + " fps (" + FFmpegRuntime.describe(ret) + ")");
        }
        stream.time_base(context.time_base());
        stream.avg_frame_rate(avutil.av_make_q(fpsNum, fpsDen));
        try {
            this.encoderThread = new EncoderThread(codecName + " encoder", context, stream, sink, width, height,
                    AV_PIX_FMT_YUV420P, ENCODER_BUFFERS, ticksPerFrame);
        } catch (MediaException e) {
            close();
            throw e;
        }
    }

    /** Ticks a second of the time base for a frame rate whose reduced numerator is {@code fpsNum}. */
    static int ticksPerSecond(VideoEncoder encoder, int fpsNum) {
        if (encoder == VideoEncoder.MPEG4) {
            if (fpsNum > MPEG4_MAX_TICKS_PER_SECOND) {
                throw new IllegalArgumentException("MPEG-4 part 2 cannot store a frame rate with numerator " + fpsNum
                        + " (at most " + MPEG4_MAX_TICKS_PER_SECOND + ")");
            }
            return fpsNum * (MPEG4_MAX_TICKS_PER_SECOND / fpsNum);
        }
        long ticks = (long) fpsNum * Math.max(1, (MIN_TICKS_PER_SECOND + fpsNum - 1) / fpsNum);
        if (ticks > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("frame rate numerator " + fpsNum + " is too large");
        }
        return (int) ticks;
    }

    /** Stores a display matrix that turns the frames {@code clockwise} degrees when they are shown. */
    private static int addDisplayMatrix(AVCodecParameters parameters, int clockwise) {
        PointerPointer<AVPacketSideData> list = new PointerPointer<>(1);
        IntPointer count = new IntPointer(1);
        try {
            list.put(0, parameters.coded_side_data());
            count.put(parameters.nb_coded_side_data());
            AVPacketSideData matrix = avcodec.av_packet_side_data_new(list, count, AV_PKT_DATA_DISPLAYMATRIX,
                    9 * Integer.BYTES, 0);
            if (matrix == null || matrix.isNull()) {
                return avutil.AVERROR_ENOMEM();
            }
            parameters.coded_side_data(new AVPacketSideData(list.get(0)));
            parameters.nb_coded_side_data(count.get());
            // av_display_rotation_set takes the clockwise angle (av_display_rotation_get returns the
            // counter-clockwise one)
            avutil.av_display_rotation_set(new IntPointer(matrix.data()), clockwise);
            return 0;
        } finally {
            list.close();
            count.close();
        }
    }

    /** The time base's ticks of a frame at the nominal rate. */
    long ticksPerFrame() {
        return ticksPerFrame;
    }

    /** {@code micros} in ticks of the time base, rounded to the nearest. */
    long ticks(long micros) {
        return Math.floorDiv(micros * ticksPerSecond + 500_000, 1_000_000);
    }

    /** {@code ticks} of the time base in microseconds, rounded to the nearest. */
    long micros(long ticks) {
        return Math.floorDiv(ticks * 1_000_000 + ticksPerSecond / 2, ticksPerSecond);
    }

    /** The presentation time of the last frame sent, in ticks, or {@link Long#MIN_VALUE} before the first. */
    long lastPts() {
        return lastPts;
    }

    /**
     * Converts and encodes one frame at {@code pts} ticks, which must be after the previous frame's.
     *
     * @param pixels tightly packed BGR24, {@code width * height * 3} bytes
     */
    void encode(byte[] pixels, long pts) throws MediaException {
        bgr.position(0).put(pixels, 0, pixels.length).position(0);
        AVFrame frame = encoderThread.acquire();
        swscale.sws_scale(converter, bgrPlanes, bgrStrides, 0, height, frame.data(), frame.linesize());
        send(frame, pts);
    }

    /**
     * Decodes a JPEG of the track's size and encodes it at {@code pts} ticks, which must be after the
     * previous frame's: its YUV goes straight to the encoder's yuv420p (chroma averaged per 2x2 block,
     * full range to limited), without the round trip through BGR.
     *
     * @throws IllegalArgumentException when the JPEG is not one, is damaged or has another size
     *     ({@link JpegCodec#decodeBgr}'s checks)
     */
    void encodeJpeg(byte[] jpeg, long pts) throws MediaException {
        AVFrame frame = encoderThread.acquire();
        try {
            JpegCodec.decodeFrame(jpeg, width, height, decoded -> {
                // 4:2:0 already: only the range changes, and accurate rounding gives the same bytes slower
                int flags = decoded.format() == AV_PIX_FMT_YUVJ420P || decoded.format() == AV_PIX_FMT_YUV420P
                        ? SAME_CHROMA_SCALING : TO_YUV420_SCALING;
                yuvConverter = swscale.sws_getCachedContext(yuvConverter, width, height, decoded.format(), width,
                        height, AV_PIX_FMT_YUV420P, flags, null, null, (DoublePointer) null);
                if (yuvConverter == null) {
                    throw new IllegalArgumentException("FFmpeg cannot convert pixel format " + decoded.format()
                            + " to yuv420p");
                }
                swscale.sws_scale(yuvConverter, decoded.data(), decoded.linesize(), 0, height, frame.data(),
                        frame.linesize());
                return null;
            });
        } catch (RuntimeException e) {
            encoderThread.giveBack(frame);
            throw e;
        }
        send(frame, pts);
    }

    /** Queues the converted frame for the encoder at {@code pts}. */
    private void send(AVFrame frame, long pts) throws MediaException {
        frame.pts(pts);
        // A frame lasts until the next one, unknown yet: the gap before it is the best guess, and
        // the muxer needs it only for the last frame. Encoders with a delay (x264's lookahead and
        // B-frames, NVENC) give back earlier frames' packets with those frames' own durations.
        long duration = lastPts == Long.MIN_VALUE ? ticksPerFrame : pts - lastPts;
        frame.duration(duration);
        lastPts = pts;
        encoderThread.submit(frame, duration);
    }

    /** Drains the encoder at the end of the stream: every packet is written when this returns. */
    void finish() throws MediaException {
        encoderThread.finish();
    }

    String codecName() {
        return codecName;
    }

    @Override
    public void close() {
        if (encoderThread != null) {
            encoderThread.close(); // before the context it encodes with is freed
        }
        if (context != null) {
            avcodec.avcodec_free_context(context);
        }
        if (converter != null) {
            swscale.sws_freeContext(converter);
        }
        swscale.sws_freeContext(yuvConverter);
        bgrPlanes.close();
        bgrStrides.close();
        bgr.close();
    }

    /** Width and height, for messages. */
    @Override
    public String toString() {
        return codecName + " " + width + "x" + height;
    }
}
