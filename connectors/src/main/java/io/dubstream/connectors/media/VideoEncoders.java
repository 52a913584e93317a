package io.dubstream.connectors.media;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.PointerPointer;

/**
 * Finds which video encoders work here and what to tell FFmpeg for each.
 *
 * <p>The LGPL FFmpeg build JavaCV ships ({@code org.bytedeco:ffmpeg}, classifier {@code linux-x86_64})
 * encodes H.264 with Cisco's {@code libopenh264} and has no {@code libx264}; the GPL build (classifier
 * {@code linux-x86_64-gpl}, Maven profile {@code gpl}) adds it. Both have NVIDIA's {@code h264_nvenc},
 * which opens only where an NVIDIA driver and GPU are: so an encoder counts as available when FFmpeg
 * has it and, for NVENC, when a small test encoder opens ({@link #works}). Naming an encoder the
 * build lacks would make JavaCV's recorder fall back silently to another; here it is an error that
 * says what to do.
 */
public final class VideoEncoders {

    /** Where the NVIDIA kernel driver says it is loaded: without it NVENC is not even tried by {@code auto}. */
    static final Path NVIDIA_DRIVER = Path.of("/proc/driver/nvidia/version");

    /** Keyframe interval of x264 and NVENC, in seconds. */
    static final int LONG_GOP_SECONDS = 10;
    /** Keyframe interval of openh264 and MPEG-4 part 2, in seconds. */
    static final int SHORT_GOP_SECONDS = 2;
    /** openh264 encodes a slice per thread; more slices cost size for little more speed. */
    static final int MAX_OPENH264_SLICES = 4;
    /**
     * Pixels of a frame per openh264 slice: below about 1280x720, a second slice costs a quarter more
     * CPU and 4% more bytes without encoding any faster (docs/benchmarks.md, "The encoder on its own
     * thread"); at 1280x720 two encode 1.3x as fast as one.
     */
    static final int PIXELS_PER_OPENH264_SLICE = 400_000;
    /** The most openh264 encoders that encode GOPs at once. */
    static final int MAX_GOP_LANES = 4;
    /** The frames queued for GOP-parallel encoders, at most, in bytes. */
    static final long GOP_LANES_MEMORY = 64L << 20;
    /** GOPs shorter than this are encoded by one encoder (two IDR frames in a row must differ in id). */
    static final int MIN_GOP_FOR_LANES = 10;

    private static final Map<VideoEncoder, String> PROBED = new ConcurrentHashMap<>();

    private VideoEncoders() {}

    /**
     * The concrete encoder to write with: {@code requested} itself when it works here, or for
     * {@link VideoEncoder#AUTO} the first that works of x264, NVENC (only with an NVIDIA driver loaded),
     * openh264 and MPEG-4.
     *
     * @throws MediaException when the requested encoder does not work here, saying why and what to use
     */
    public static VideoEncoder resolve(VideoEncoder requested) throws MediaException {
        FFmpegRuntime.ensureLoaded();
        if (requested != VideoEncoder.AUTO) {
            String problem = problem(requested);
            if (problem != null) {
                throw new MediaException("the " + requested.optionName() + " video encoder is not available: "
                        + problem + "; available here: " + availableNames());
            }
            return requested;
        }
        for (VideoEncoder candidate : new VideoEncoder[] {VideoEncoder.X264, VideoEncoder.NVENC,
                VideoEncoder.OPENH264, VideoEncoder.MPEG4}) {
            if (candidate == VideoEncoder.NVENC && !Files.exists(NVIDIA_DRIVER)) {
                continue;
            }
            if (problem(candidate) == null) {
                return candidate;
            }
        }
        throw new MediaException("this FFmpeg build has none of the video encoders libx264, h264_nvenc, libopenh264,"
                + " mpeg4");
    }

    /** Whether {@code encoder}, a concrete one, works here. */
    public static boolean works(VideoEncoder encoder) throws MediaException {
        FFmpegRuntime.ensureLoaded();
        return problem(encoder) == null;
    }

    /** The concrete encoders that work here, comma-separated, e.g. {@code openh264, mpeg4}. */
    static String availableNames() {
        StringBuilder names = new StringBuilder();
        for (VideoEncoder e : VideoEncoder.values()) {
            if (e == VideoEncoder.AUTO || (e == VideoEncoder.NVENC && !Files.exists(NVIDIA_DRIVER))
                    || problem(e) != null) {
                continue;
            }
            names.append(names.length() == 0 ? "" : ", ").append(e.optionName());
        }
        return names.length() == 0 ? "none" : names.toString();
    }

    static boolean isAvailable(String encoderName) {
        return avcodec.avcodec_find_encoder_by_name(encoderName) != null;
    }

    /** Why {@code encoder} does not work here, or {@code null} when it does; probed once per JVM. */
    private static String problem(VideoEncoder encoder) {
        String known = PROBED.computeIfAbsent(encoder, VideoEncoders::probe);
        return known.isEmpty() ? null : known;
    }

    private static String probe(VideoEncoder encoder) {
        if (!isAvailable(encoder.ffmpegName())) {
            return switch (encoder) {
                case X264 -> "this is the LGPL FFmpeg build, which has no libx264; build with the GPL FFmpeg build"
                        + " (mvn -Pgpl package, see README) or choose openh264";
                default -> "this FFmpeg build has no " + encoder.ffmpegName() + " encoder";
            };
        }
        if (encoder != VideoEncoder.NVENC) {
            return "";
        }
        // h264_nvenc is in every build but opens only where the driver's libcuda/libnvidia-encode load
        // and a GPU takes the session: try a small one
        AVCodec codec = avcodec.avcodec_find_encoder_by_name(encoder.ffmpegName());
        AVCodecContext context = avcodec.avcodec_alloc_context3(codec);
        if (context == null) {
            return "FFmpeg is out of memory";
        }
        try {
            context.width(256).height(144).pix_fmt(avutil.AV_PIX_FMT_YUV420P);
            context.time_base(avutil.av_make_q(1, 25)).framerate(avutil.av_make_q(25, 1));
            int ret = avcodec.avcodec_open2(context, codec, (PointerPointer<?>) null);
            return ret < 0 ? "h264_nvenc does not open (" + FFmpegRuntime.describe(ret) + "): it needs an NVIDIA GPU"
                    + " with its driver (libcuda, libnvidia-encode)" : "";
        } finally {
            avcodec.avcodec_free_context(context);
        }
    }

    /**
     * The FFmpeg options (codec context and the encoder's own) that set {@code encoder}'s quality,
     * threads and keyframe interval; applied in order.
     *
     * <p>Keyframes: x264 and NVENC at least every {@value #LONG_GOP_SECONDS} s (x264's own default of
     * 250 frames at 25 fps; each also starts one at a scene cut), openh264 and MPEG-4 every
     * {@value #SHORT_GOP_SECONDS} s: at a fixed quantizer openh264 loses quality over a long run of
     * predicted frames (docs/benchmarks.md, "Video encoders").
     *
     * @param encoder a concrete encoder
     * @param quality 0..51 on the H.264 quantizer scale
     * @param threads 0 for all cores
     * @param fps the nominal frame rate
     * @param width the frame's width in pixels
     * @param height the frame's height in pixels
     */
    static Map<String, String> options(VideoEncoder encoder, int quality, int threads, double fps, int width,
            int height) {
        Map<String, String> o = new LinkedHashMap<>();
        int cores = cores(threads);
        switch (encoder) {
            case X264 -> {
                o.put("preset", "veryfast");
                o.put("crf", Integer.toString(quality));
                o.put("g", Integer.toString(keyframeInterval(encoder, fps)));
                o.put("threads", threads == 0 ? "auto" : Integer.toString(threads));
            }
            case NVENC -> {
                // constant quality: variable bit rate without a bit rate target, the cq level deciding
                o.put("preset", "p4");
                o.put("tune", "hq");
                o.put("rc", "vbr");
                o.put("cq", Integer.toString(Math.max(1, quality)));
                o.put("b", "0");
                o.put("g", Integer.toString(keyframeInterval(encoder, fps)));
            }
            case OPENH264 -> {
                // openh264's rate control aims at a bit rate; with the quantizer's range one value, the
                // quality stays put and the bit rate follows the picture
                o.put("rc_mode", "quality");
                o.put("qmin", Integer.toString(Math.max(1, quality)));
                o.put("qmax", Integer.toString(Math.max(1, quality)));
                o.put("profile", "high"); // CABAC: 9-10% smaller than constrained baseline at the same quality
                o.put("g", Integer.toString(keyframeInterval(encoder, fps)));
                // openh264 runs one thread per slice
                int slices = openh264Slices(cores, width, height);
                o.put("threads", Integer.toString(slices));
                o.put("slices", Integer.toString(slices));
            }
            case MPEG4 -> {
                // the same step size: an H.264 QP's step is 0.625 * 2^(QP/6), MPEG-4's 2 * qscale
                // (a constant qscale through the API would be each frame's own quality field: the range
                // of one value does the same)
                long qscale = mpeg4Qscale(quality);
                o.put("qmin", Long.toString(qscale));
                o.put("qmax", Long.toString(qscale));
                o.put("g", Integer.toString(keyframeInterval(encoder, fps)));
                o.put("threads", Integer.toString(cores));
            }
            case AUTO -> throw new IllegalArgumentException("resolve AUTO to an encoder first");
        }
        return o;
    }

    /** The threads an encoding may use: {@code threads}, or 0 for all cores. */
    private static int cores(int threads) {
        return threads == 0 ? Runtime.getRuntime().availableProcessors() : threads;
    }

    /**
     * openh264's slices for a frame of {@code width x height}: one per {@value #PIXELS_PER_OPENH264_SLICE}
     * pixels (more pay only on larger frames), at least one, at most one per thread and
     * {@value #MAX_OPENH264_SLICES}.
     */
    static int openh264Slices(int cores, int width, int height) {
        long bySize = Math.max(1, (long) width * height / PIXELS_PER_OPENH264_SLICE);
        return (int) Math.min(bySize, Math.min(MAX_OPENH264_SLICES, cores));
    }

    /** Frames between keyframes {@code encoder} is given at {@code fps} ({@link #options}' {@code g}). */
    static int keyframeInterval(VideoEncoder encoder, double fps) {
        return gopFrames(encoder == VideoEncoder.X264 || encoder == VideoEncoder.NVENC ? LONG_GOP_SECONDS
                : SHORT_GOP_SECONDS, fps);
    }

    /**
     * Encoders of {@code encoder} that encode GOPs at once, each taking whole GOPs in turn: openh264
     * on a frame small enough for one slice, as many as there are threads (at most
     * {@value #MAX_GOP_LANES}), where a GOP's yuv420p frames fit in each one's queue within
     * {@value #GOP_LANES_MEMORY} bytes in all; 1 otherwise. openh264 has no B-frames and no lookahead,
     * its GOPs start with an IDR frame and its slices do not make it faster on such frames
     * (docs/benchmarks.md, "The encoder on its own thread"); x264, NVENC and MPEG-4 use their own threads.
     */
    static int gopLanes(VideoEncoder encoder, int threads, double fps, int width, int height) {
        int cores = cores(threads);
        if (encoder != VideoEncoder.OPENH264 || openh264Slices(cores, width, height) > 1) {
            return 1;
        }
        int gop = keyframeInterval(encoder, fps);
        if (gop < MIN_GOP_FOR_LANES) {
            return 1;
        }
        long queueBytes = (gop + 2L) * ((long) width * height * 3 / 2);
        long byMemory = GOP_LANES_MEMORY / queueBytes;
        int lanes = (int) Math.min(Math.min(cores, MAX_GOP_LANES), byMemory);
        return lanes >= 2 ? lanes : 1;
    }

    /** MPEG-4 part 2's quantizer scale, 1..31, with the step size of H.264 quantizer {@code quality}. */
    static long mpeg4Qscale(int quality) {
        return Math.max(1, Math.min(31, Math.round(0.3125 * Math.pow(2, quality / 6.0))));
    }

    /** Frames in {@code seconds} at {@code fps}, at least 1. */
    static int gopFrames(int seconds, double fps) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, Math.round(seconds * fps)));
    }
}
