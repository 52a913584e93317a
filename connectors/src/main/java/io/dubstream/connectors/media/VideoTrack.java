package io.dubstream.connectors.media;

import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_DATA_DISPLAYMATRIX;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_BGR24;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUVJ420P;
import static org.bytedeco.ffmpeg.global.avutil.AV_PICTURE_TYPE_I;
import static org.bytedeco.ffmpeg.global.avutil.AV_PICTURE_TYPE_NONE;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
 * while it encodes this one. With several GOP lanes, as many encoders each take whole GOPs in turn,
 * every GOP starting with an IDR frame, and {@link GopOrder} writes their packets in GOP order; a lane's
 * queue holds a GOP, so the next lane's GOP is converted while the first one's encodes.
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
    final AVStream stream;
    private final int ticksPerSecond;
    private final long ticksPerFrame;
    /**
     * Frames in an encoder's queue or being prepared at most with one encoder: one encoded, one
     * queued, one prepared.
     */
    static final int ENCODER_BUFFERS = 3;

    /** One encoder per lane, each encoding whole GOPs in turn; one lane encodes every frame. */
    private final List<AVCodecContext> contexts = new ArrayList<>();
    private final List<EncoderThread> lanes = new ArrayList<>();
    /** Frames per GOP, the unit the lanes take in turn. */
    private final int gopFrames;
    /** Orders the lanes' packets by GOP; null with one lane. */
    private GopOrder gopOrder;
    /** Writes the one lane's packets; null with several. */
    private PacketWriter packets;
    private final SwsContext converter;
    /** From a decoded JPEG's pixel format to yuv420p, made for the first JPEG. */
    private SwsContext yuvConverter;
    private final BytePointer bgr;
    private final PointerPointer<BytePointer> bgrPlanes;
    private final IntPointer bgrStrides;
    private long lastPts = Long.MIN_VALUE;
    private long framesSent;

    /**
     * Adds the track to {@code container}; the header is not written yet.
     *
     * @param encoder a concrete encoder this FFmpeg build has
     * @param options FFmpeg options of the codec context and the encoder ({@link VideoEncoders#options})
     * @param fpsNum the frame rate's numerator, reduced
     * @param fpsDen the frame rate's denominator, reduced
     * @param rotationDegrees the clockwise display rotation to store, 0, 90, 180 or 270
     * @param gopLanes encoders that encode GOPs at once ({@link VideoEncoders#gopLanes}): 1, or more
     *     for an encoder without delay whose GOPs start with an IDR frame every {@code gopFrames}
     * @param gopFrames frames per GOP, the encoder's keyframe interval
     */
    VideoTrack(AVFormatContext container, VideoEncoder encoder, Map<String, String> options, int width, int height,
            int fpsNum, int fpsDen, int rotationDegrees, int gopLanes, int gopFrames) throws MediaException {
        this.width = width;
        this.height = height;
        this.codecName = encoder.ffmpegName();
        this.gopFrames = gopFrames;
        AVCodec codec = avcodec.avcodec_find_encoder_by_name(codecName);
        if (codec == null) {
            throw new MediaException("this FFmpeg build has no " + codecName + " encoder");
        }
        this.ticksPerSecond = ticksPerSecond(encoder, fpsNum);
        this.ticksPerFrame = (long) fpsDen * (ticksPerSecond / fpsNum);
        this.stream = avformat.avformat_new_stream(container, null);
        this.bgr = new BytePointer((long) width * height * 3);
        this.bgrPlanes = new PointerPointer<>(bgr, null, null, null);
        this.bgrStrides = new IntPointer(width * 3, 0, 0, 0);
        this.converter = swscale.sws_getContext(width, height, AV_PIX_FMT_BGR24, width, height, AV_PIX_FMT_YUV420P,
                TO_YUV420_SCALING, null, null, (DoublePointer) null);
        if (stream == null || converter == null) {
            close();
            throw new MediaException("FFmpeg is out of memory for a " + width + "x" + height + " video track");
        }
        boolean globalHeader = (container.oformat().flags() & avformat.AVFMT_GLOBALHEADER) != 0;
        try {
            for (int i = 0; i < Math.max(1, gopLanes); i++) {
                contexts.add(openEncoder(codec, options, globalHeader, fpsNum, fpsDen));
                if (i > 0 && !sameHeaders(contexts.get(0), contexts.get(i))) {
                    // the file has one set of parameter sets: GOPs from encoders that differ cannot share it
                    avcodec.avcodec_free_context(contexts.remove(i));
                    break;
                }
            }
            int ret = avcodec.avcodec_parameters_from_context(stream.codecpar(), contexts.get(0));
            if (ret >= 0 && rotationDegrees != 0) {
                ret = addDisplayMatrix(stream.codecpar(), rotationDegrees);
            }
            if (ret < 0) {
                throw new MediaException("cannot open the " + codecName + " encoder for " + width + "x" + height
                        + " at " + fpsNum + "/" + fpsDen + " fps (" + FFmpegRuntime.describe(ret) + ")");
            }
            stream.time_base(contexts.get(0).time_base());
            stream.avg_frame_rate(avutil.av_make_q(fpsNum, fpsDen));
            if (contexts.size() == 1) {
                packets = new PacketWriter(container);
                lanes.add(new EncoderThread(codecName + " encoder", contexts.get(0), stream, packets, width, height,
                        AV_PIX_FMT_YUV420P, ENCODER_BUFFERS, ticksPerFrame));
            } else {
                gopOrder = new GopOrder(container);
                for (int i = 0; i < contexts.size(); i++) {
                    // a whole GOP fits in a lane's queue: the next lane's GOP follows while this one encodes
                    lanes.add(new EncoderThread(codecName + " encoder " + i, contexts.get(i), stream,
                            gopOrder.newLane(), width, height, AV_PIX_FMT_YUV420P, gopFrames + 2, ticksPerFrame));
                }
            }
        } catch (MediaException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Opens one encoder with the track's settings; on failure, frees it and says why. */
    private AVCodecContext openEncoder(AVCodec codec, Map<String, String> options, boolean globalHeader, int fpsNum,
            int fpsDen) throws MediaException {
        AVCodecContext context = avcodec.avcodec_alloc_context3(codec);
        if (context == null) {
            throw new MediaException("FFmpeg is out of memory for a " + width + "x" + height + " video encoder");
        }
        context.width(width).height(height).pix_fmt(AV_PIX_FMT_YUV420P);
        context.time_base(avutil.av_make_q(1, ticksPerSecond));
        context.framerate(avutil.av_make_q(fpsNum, fpsDen));
        if (globalHeader) {
            context.flags(context.flags() | avcodec.AV_CODEC_FLAG_GLOBAL_HEADER);
        }
        AVDictionary dictionary = new AVDictionary(null);
        int ret;
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
        if (unknown != null || ret < 0) {
            avcodec.avcodec_free_context(context);
            throw new MediaException(unknown != null ? "the " + codecName + " encoder does not take the option " + unknown
                    : "cannot open the " + codecName + " encoder for " + width + "x" + height + " at " + fpsNum + "/"
                            + fpsDen + " fps (" + FFmpegRuntime.describe(ret) + ")");
        }
        return context;
    }

    /** Whether two encoders' global headers (H.264's parameter sets) are the same bytes. */
    private static boolean sameHeaders(AVCodecContext a, AVCodecContext b) {
        int size = a.extradata_size();
        if (size != b.extradata_size()) {
            return false;
        }
        if (size == 0) {
            return true;
        }
        byte[] x = new byte[size];
        byte[] y = new byte[size];
        a.extradata().get(x);
        b.extradata().get(y);
        return Arrays.equals(x, y);
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
        AVFrame frame = nextLane().acquire();
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
        EncoderThread lane = nextLane();
        AVFrame frame = lane.acquire();
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
            lane.giveBack(frame);
            throw e;
        }
        send(frame, pts);
    }

    /** The lane that encodes the next frame: the one whose turn its GOP is. */
    private EncoderThread nextLane() {
        return lanes.get((int) (framesSent / gopFrames % lanes.size()));
    }

    /** Queues the converted frame for its lane's encoder at {@code pts}. */
    private void send(AVFrame frame, long pts) throws MediaException {
        EncoderThread lane = nextLane();
        frame.pts(pts);
        if (gopOrder != null) {
            // every GOP starts with an IDR frame: it depends on no frame another encoder made
            boolean gopStart = framesSent % gopFrames == 0;
            frame.pict_type(gopStart ? AV_PICTURE_TYPE_I : AV_PICTURE_TYPE_NONE);
            if (gopStart) {
                gopOrder.gopStarts((int) (framesSent / gopFrames), pts);
            }
        }
        // A frame lasts until the next one, unknown yet: the gap before it is the best guess, and
        // the muxer needs it only for the last frame. Encoders with a delay (x264's lookahead and
        // B-frames, NVENC) give back earlier frames' packets with those frames' own durations.
        long duration = lastPts == Long.MIN_VALUE ? ticksPerFrame : pts - lastPts;
        frame.duration(duration);
        lastPts = pts;
        lane.submit(frame, duration);
        framesSent++;
    }

    /** Drains the encoders at the end of the stream: every packet is written when this returns. */
    void finish() throws MediaException {
        for (EncoderThread lane : lanes) {
            lane.finish();
        }
        if (gopOrder != null && !gopOrder.allWritten()) {
            throw new MediaException("the " + codecName + " encoders ended with packets of a GOP not written");
        }
    }

    /** Encoders that encode GOPs at once (1: one encoder takes every frame). */
    int gopLanes() {
        return lanes.size();
    }

    String codecName() {
        return codecName;
    }

    @Override
    public void close() {
        lanes.forEach(EncoderThread::close); // before the contexts they encode with are freed
        lanes.clear();
        contexts.forEach(avcodec::avcodec_free_context);
        contexts.clear();
        if (gopOrder != null) {
            gopOrder.close();
        }
        if (packets != null) {
            packets.close();
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
