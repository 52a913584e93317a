package io.dubstream.connectors.media;

import java.nio.ByteBuffer;
import java.nio.ShortBuffer;
import java.nio.file.Path;
import java.util.Objects;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;

/**
 * Writes BGR frames and interleaved 16-bit audio to an mp4 file: H.264 ({@code libopenh264}) in
 * yuv420p when the FFmpeg build has it, else MPEG-4 part 2, and AAC audio. The frame rate is kept
 * as the exact rational (30000/1001 stays 30000/1001), the moov atom is moved to the front on
 * {@link #close()} (faststart) so the file plays while it downloads, and the video bit rate is
 * {@value #BITS_PER_PIXEL_PER_FRAME} bits per pixel per frame (1.2 Mbit/s at 640x360, 25 fps).
 *
 * <p>Video and audio may be written in any interleaving; the muxer orders them, and writing them
 * close together in time keeps its buffer small. Not thread-safe.
 */
public final class Mp4Writer implements AutoCloseable {

    /** Video bits per pixel per frame: enough for decoded frames to stay within a few levels of the input. */
    static final double BITS_PER_PIXEL_PER_FRAME = 0.2;
    private static final int AUDIO_BITS_PER_SECOND_PER_CHANNEL = 64_000;

    private final Path out;
    private final FFmpegFrameRecorder recorder;
    private final String videoCodecName;
    private final int width;
    private final int height;
    private final int sampleRate;
    private final int channels;
    private final ByteBuffer frameBuffer;
    private long framesWritten;
    private long samplesWritten;
    private boolean closed;

    private Mp4Writer(Path out, FFmpegFrameRecorder recorder, String videoCodecName, int width, int height,
            int sampleRate, int channels) {
        this.out = out;
        this.recorder = recorder;
        this.videoCodecName = videoCodecName;
        this.width = width;
        this.height = height;
        this.sampleRate = sampleRate;
        this.channels = channels;
        this.frameBuffer = ByteBuffer.allocateDirect(width * height * 3);
    }

    /**
     * Creates (or replaces) {@code out} and starts writing it.
     *
     * @param width frame width in pixels, even (yuv420p halves it)
     * @param height frame height in pixels, even
     * @param fpsNum frame rate numerator, e.g. 30000
     * @param fpsDen frame rate denominator, e.g. 1001
     * @param sampleRate audio sample rate in Hz; ignored when {@code channels} is 0
     * @param channels audio channels, 0 for a file without an audio track
     * @throws MediaException when FFmpeg cannot create the file or open an encoder
     */
    public static Mp4Writer open(Path out, int width, int height, int fpsNum, int fpsDen, int sampleRate,
            int channels) throws MediaException {
        Objects.requireNonNull(out, "out");
        FFmpegRuntime.ensureLoaded();
        validate(width, height, fpsNum, fpsDen, sampleRate, channels);
        String codec = VideoEncoders.preferredForMp4();
        FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(out.toFile(), width, height, channels);
        recorder.setFormat("mp4");
        recorder.setOption("movflags", "+faststart");
        recorder.setVideoCodecName(codec);
        recorder.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
        // JavaCV turns the double back into a rational with av_d2q(rate, 1001000), which restores
        // any rational with terms up to 1001000 exactly; validate() checked that it does.
        recorder.setFrameRate((double) fpsNum / fpsDen);
        recorder.setGopSize((int) Math.max(1, Math.round(2.0 * fpsNum / fpsDen)));
        recorder.setVideoBitrate(videoBitrate(width, height, fpsNum, fpsDen));
        if (channels > 0) {
            recorder.setAudioCodec(avcodec.AV_CODEC_ID_AAC);
            recorder.setSampleRate(sampleRate);
            recorder.setAudioChannels(channels);
            recorder.setAudioBitrate(AUDIO_BITS_PER_SECOND_PER_CHANNEL * channels);
        }
        try {
            recorder.start();
        } catch (FFmpegFrameRecorder.Exception | RuntimeException e) {
            release(recorder);
            throw new MediaException("cannot write " + out + ": " + FFmpegRuntime.reason(e), e);
        }
        return new Mp4Writer(out, recorder, codec, width, height, sampleRate, channels);
    }

    private static void validate(int width, int height, int fpsNum, int fpsDen, int sampleRate, int channels) {
        if (width < 2 || height < 2 || width % 2 != 0 || height % 2 != 0 || width > 8192 || height > 8192) {
            throw new IllegalArgumentException("frame size must be even and 2..8192 (yuv420p), got "
                    + width + "x" + height);
        }
        if (fpsNum <= 0 || fpsDen <= 0) {
            throw new IllegalArgumentException("frame rate must be positive, got " + fpsNum + "/" + fpsDen);
        }
        AVRational restored = avutil.av_d2q((double) fpsNum / fpsDen, 1001000);
        long gcd = StreamDescriber.gcd(fpsNum, fpsDen);
        if (restored.num() != fpsNum / gcd || restored.den() != fpsDen / gcd) {
            throw new IllegalArgumentException("frame rate " + fpsNum + "/" + fpsDen + " cannot be stored"
                    + " exactly (it would become " + restored.num() + "/" + restored.den() + ")");
        }
        if (channels < 0 || channels > 8) {
            throw new IllegalArgumentException("audio channels must be 0..8, got " + channels);
        }
        if (channels > 0 && (sampleRate < 8000 || sampleRate > 96_000)) {
            throw new IllegalArgumentException("AAC sample rate must be 8000..96000 Hz, got " + sampleRate);
        }
    }

    static int videoBitrate(int width, int height, int fpsNum, int fpsDen) {
        double bits = BITS_PER_PIXEL_PER_FRAME * width * height * fpsNum / fpsDen;
        return (int) Math.min(Integer.MAX_VALUE, Math.max(200_000, Math.round(bits)));
    }

    /**
     * Appends one frame.
     *
     * @param bgr tightly packed BGR24 pixels, {@code width * height * 3} bytes
     * @throws IllegalArgumentException when {@code bgr} has the wrong size
     * @throws MediaException when FFmpeg fails to encode or write it
     */
    public void writeVideo(byte[] bgr) throws MediaException {
        ensureOpen();
        Objects.requireNonNull(bgr, "bgr");
        if (bgr.length != frameBuffer.capacity()) {
            throw new IllegalArgumentException("a frame for " + out.getFileName() + " must be " + width + "x"
                    + height + "x3 = " + frameBuffer.capacity() + " bytes of BGR, got " + bgr.length + " bytes");
        }
        frameBuffer.clear();
        frameBuffer.put(bgr).flip();
        try {
            recorder.recordImage(width, height, Frame.DEPTH_UBYTE, 3, width * 3, avutil.AV_PIX_FMT_BGR24,
                    frameBuffer);
        } catch (FFmpegFrameRecorder.Exception | RuntimeException e) {
            throw new MediaException("cannot write frame " + framesWritten + " to " + out + ": "
                    + FFmpegRuntime.reason(e), e);
        }
        framesWritten++;
    }

    /**
     * Appends audio.
     *
     * @param interleaved signed 16-bit samples at the writer's sample rate, interleaved by channel;
     *     the length must be a multiple of the channel count
     * @throws IllegalStateException when the writer was opened without audio
     * @throws MediaException when FFmpeg fails to encode or write it
     */
    public void writeAudio(short[] interleaved) throws MediaException {
        ensureOpen();
        Objects.requireNonNull(interleaved, "interleaved");
        if (channels == 0) {
            throw new IllegalStateException(out + " was opened without an audio track");
        }
        if (interleaved.length % channels != 0) {
            throw new IllegalArgumentException(interleaved.length + " samples are not a whole number of "
                    + channels + "-channel frames");
        }
        if (interleaved.length == 0) {
            return;
        }
        try {
            recorder.recordSamples(sampleRate, channels, ShortBuffer.wrap(interleaved));
        } catch (FFmpegFrameRecorder.Exception | RuntimeException e) {
            throw new MediaException("cannot write audio at sample " + samplesWritten + " to " + out + ": "
                    + FFmpegRuntime.reason(e), e);
        }
        samplesWritten += interleaved.length / channels;
    }

    /** The FFmpeg encoder writing the video: {@code libopenh264}, or {@code mpeg4} without it. */
    public String videoCodecName() {
        return videoCodecName;
    }

    /** Frames written so far. */
    public long framesWritten() {
        return framesWritten;
    }

    /** Audio samples written so far, per channel. */
    public long samplesWritten() {
        return samplesWritten;
    }

    /**
     * Flushes the encoders and finishes the file; safe to call more than once.
     *
     * @throws MediaException when the file cannot be finished (it is then unusable)
     */
    @Override
    public void close() throws MediaException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            recorder.stop();
        } catch (FFmpegFrameRecorder.Exception | RuntimeException e) {
            release(recorder);
            throw new MediaException("cannot finish " + out + ": " + FFmpegRuntime.reason(e), e);
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException(out + " is already closed");
        }
    }

    private static void release(FFmpegFrameRecorder recorder) {
        try {
            recorder.release();
        } catch (FFmpegFrameRecorder.Exception | RuntimeException ignored) {
            // already failing: the original error is the one to report
        }
    }
}
