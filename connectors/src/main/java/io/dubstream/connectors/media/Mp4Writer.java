package io.dubstream.connectors.media;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVIOContext;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.global.avformat;
import org.bytedeco.ffmpeg.global.avutil;

/**
 * Writes BGR frames and interleaved 16-bit audio to an mp4 file, with FFmpeg's libraries directly:
 * H.264 in yuv420p by the encoder a {@link VideoEncoding} names ({@link VideoEncoder#AUTO}: x264 when the
 * FFmpeg build has it, else NVENC on an NVIDIA GPU, else openh264, else MPEG-4 part 2), at a constant
 * quality rather than a bit rate, and AAC audio ({@link AacTrack}: the input's channels, 160 kbit/s for
 * stereo).
 *
 * <p>Each frame is written at its own presentation time ({@link #writeVideo(byte[], long)}), so a
 * variable frame rate survives; {@link #writeVideo(byte[])} writes at the nominal rate instead. The
 * time base ({@link VideoTrack}) keeps a constant rate the exact rational (30000/1001 stays
 * 30000/1001) and any time within 6 microseconds. Audio sample 0 plays at time 0. The display
 * rotation and the audio language of the {@link Format} are stored in the file (the track header's
 * matrix and the media header's language), the moov atom is moved to the front on {@link #close()}
 * (faststart) so the file plays while it downloads, and a keyframe comes at least every 10 s with x264
 * and NVENC, every 2 s with openh264 and MPEG-4 ({@link VideoEncoders#options}).
 *
 * <p>Video and audio may be written in any interleaving; the muxer orders them, and writing them
 * close together in time keeps its buffer small. The video encoder works on a thread of its own, a
 * few frames behind the writes ({@link EncoderThread}): a write returns once its frame is converted
 * and queued, and the caller's next work (reading, decoding, the audio) goes on while it is encoded.
 * openh264 on a frame below 800,000 pixels runs as several encoders that take whole GOPs in turn, up to
 * one per core ({@link VideoEncoders#gopLanes}, {@link GopOrder}): its slices do not make it faster
 * there, and one encoder alone would leave the other cores idle. An encoder's failure is thrown by a
 * later write or by {@link #close()}. Not thread-safe: one thread writes.
 */
public final class Mp4Writer implements AutoCloseable {

    /**
     * What an mp4 holds.
     *
     * @param width frame width in pixels, even (yuv420p halves it), 2..8192
     * @param height frame height in pixels, even, 2..8192
     * @param fpsNum nominal frame rate numerator, e.g. 30000
     * @param fpsDen nominal frame rate denominator, e.g. 1001
     * @param sampleRate audio sample rate in Hz of the samples given to {@link #writeAudio},
     *     {@value AudioLayout#MIN_RATE}..{@value AudioLayout#MAX_RATE}; ignored when {@code channels} is 0
     * @param channels audio channels, 1..{@value AudioLayout#MAX_CHANNELS}, 0 for no audio track
     * @param rotationDegrees the clockwise rotation players apply to the frames: 0, 90, 180 or 270
     * @param audioLanguage the audio track's language as a BCP 47 tag ({@code fr}, {@code pt-BR});
     *     stored as its ISO 639-2/T code ({@code fra}, {@code por}); empty for none
     */
    public record Format(int width, int height, int fpsNum, int fpsDen, int sampleRate, int channels,
            int rotationDegrees, String audioLanguage) {

        public Format {
            Objects.requireNonNull(audioLanguage, "audioLanguage");
            if (width < 2 || height < 2 || width % 2 != 0 || height % 2 != 0 || width > 8192 || height > 8192) {
                throw new IllegalArgumentException("frame size must be even and 2..8192 (yuv420p), got "
                        + width + "x" + height);
            }
            if (fpsNum <= 0 || fpsDen <= 0) {
                throw new IllegalArgumentException("frame rate must be positive, got " + fpsNum + "/" + fpsDen);
            }
            if (channels < 0 || channels > AudioLayout.MAX_CHANNELS) {
                throw new IllegalArgumentException("audio channels must be 0.." + AudioLayout.MAX_CHANNELS + ", got "
                        + channels);
            }
            if (channels > 0 && (sampleRate < AudioLayout.MIN_RATE || sampleRate > AudioLayout.MAX_RATE)) {
                throw new IllegalArgumentException("audio sample rate must be " + AudioLayout.MIN_RATE + ".."
                        + AudioLayout.MAX_RATE + " Hz, got " + sampleRate);
            }
            if (rotationDegrees < 0 || rotationDegrees >= 360 || rotationDegrees % 90 != 0) {
                throw new IllegalArgumentException("rotation must be 0, 90, 180 or 270 degrees, got " + rotationDegrees);
            }
        }

        /** No rotation, no language. */
        public static Format of(int width, int height, int fpsNum, int fpsDen, int sampleRate, int channels) {
            return new Format(width, height, fpsNum, fpsDen, sampleRate, channels, 0, "");
        }

        public Format withRotation(int degrees) {
            return new Format(width, height, fpsNum, fpsDen, sampleRate, channels, degrees, audioLanguage);
        }

        public Format withAudioLanguage(String languageTag) {
            return new Format(width, height, fpsNum, fpsDen, sampleRate, channels, rotationDegrees, languageTag);
        }
    }

    private final Path out;
    private final Format format;
    private final AVFormatContext container;
    private final VideoTrack video;
    private final AacTrack audio;
    private final PacketWriter audioPackets;
    private long framesWritten;
    private long samplesWritten;
    private boolean closed;

    private Mp4Writer(Path out, Format format, AVFormatContext container, VideoTrack video, AacTrack audio,
            PacketWriter audioPackets) {
        this.out = out;
        this.format = format;
        this.container = container;
        this.video = video;
        this.audio = audio;
        this.audioPackets = audioPackets;
    }

    /**
     * Creates (or replaces) {@code out} and starts writing it, without rotation or language.
     *
     * @param sampleRate audio sample rate in Hz; ignored when {@code channels} is 0
     * @param channels audio channels, 0 for a file without an audio track
     * @throws MediaException when FFmpeg cannot create the file or open an encoder
     * @see Format
     */
    public static Mp4Writer open(Path out, int width, int height, int fpsNum, int fpsDen, int sampleRate,
            int channels) throws MediaException {
        return open(out, Format.of(width, height, fpsNum, fpsDen, sampleRate, channels));
    }

    /**
     * Creates (or replaces) {@code out} and starts writing it.
     *
     * @throws MediaException when FFmpeg cannot create the file or open an encoder
     */
    public static Mp4Writer open(Path out, Format format) throws MediaException {
        return open(out, format, VideoEncoding.defaults());
    }

    /**
     * Creates (or replaces) {@code out} and starts writing it with the given video encoding.
     *
     * @throws MediaException when FFmpeg cannot create the file, the requested encoder is not available
     *     here (the message says why and which are), or an encoder does not open
     */
    public static Mp4Writer open(Path out, Format format, VideoEncoding encoding) throws MediaException {
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(encoding, "encoding");
        FFmpegRuntime.ensureLoaded();
        long gcd = StreamDescriber.gcd(format.fpsNum(), format.fpsDen());
        int fpsNum = (int) (format.fpsNum() / gcd);
        int fpsDen = (int) (format.fpsDen() / gcd);
        VideoEncoder encoder = VideoEncoders.resolve(encoding.encoder());
        VideoTrack.ticksPerSecond(encoder, fpsNum); // refuses a rate the encoder cannot time
        double fps = (double) fpsNum / fpsDen;
        Map<String, String> videoOptions = VideoEncoders.options(encoder, encoding.qualityFor(encoder),
                encoding.threads(), fps, format.width(), format.height());
        AVFormatContext container = new AVFormatContext(null);
        int ret = avformat.avformat_alloc_output_context2(container, null, "mp4", out.toString());
        if (ret < 0 || container.isNull()) {
            throw new MediaException("cannot write " + out + ": " + FFmpegRuntime.describe(ret));
        }
        VideoTrack video = null;
        AacTrack audio = null;
        PacketWriter audioPackets = null;
        try {
            audioPackets = new PacketWriter(container);
            video = new VideoTrack(container, encoder, videoOptions, format.width(), format.height(), fpsNum, fpsDen,
                    format.rotationDegrees(),
                    VideoEncoders.gopLanes(encoder, encoding.threads(), fps, format.width(), format.height()),
                    VideoEncoders.keyframeInterval(encoder, fps));
            if (format.channels() > 0) {
                audio = new AacTrack(container, format.sampleRate(), format.channels(),
                        AacTrack.iso639Part2(format.audioLanguage()));
            }
            AVIOContext io = new AVIOContext(null);
            ret = avformat.avio_open(io, out.toString(), avformat.AVIO_FLAG_WRITE);
            if (ret < 0) {
                throw new MediaException("cannot write " + out + ": " + FFmpegRuntime.describe(ret));
            }
            container.pb(io);
            AVDictionary options = new AVDictionary(null);
            avutil.av_dict_set(options, "movflags", "+faststart", 0);
            ret = avformat.avformat_write_header(container, options);
            avutil.av_dict_free(options);
            if (ret < 0) {
                throw new MediaException("cannot write " + out + ": " + FFmpegRuntime.describe(ret));
            }
            return new Mp4Writer(out, format, container, video, audio, audioPackets);
        } catch (MediaException | RuntimeException e) {
            release(container, video, audio, audioPackets);
            throw e;
        }
    }

    /**
     * Appends one frame at the nominal frame rate: frame {@code n} plays at {@code n * fpsDen / fpsNum}
     * seconds.
     *
     * @param bgr tightly packed BGR24 pixels, {@code width * height * 3} bytes
     * @throws IllegalArgumentException when {@code bgr} has the wrong size
     * @throws MediaException when FFmpeg fails to encode or write it
     */
    public void writeVideo(byte[] bgr) throws MediaException {
        write(bgr, framesWritten * video.ticksPerFrame(), -1);
    }

    /**
     * Appends one frame at its presentation time.
     *
     * @param bgr tightly packed BGR24 pixels, {@code width * height * 3} bytes
     * @param ptsMicros when the frame plays, in microseconds from the start (where audio sample 0
     *     plays); after the previous frame's time by at least a tick of the time base
     * @throws IllegalArgumentException when {@code bgr} has the wrong size, or the time is negative or
     *     not after the previous frame's
     * @throws MediaException when FFmpeg fails to encode or write it
     */
    public void writeVideo(byte[] bgr, long ptsMicros) throws MediaException {
        requireNotNegative(ptsMicros);
        write(bgr, video.ticks(ptsMicros), ptsMicros);
    }

    /**
     * Appends one frame, given as a JPEG of the writer's size, at its presentation time: the JPEG's YUV
     * goes to the encoder without a round trip through BGR (faster, and a rounding step fewer).
     *
     * @param jpeg a JPEG of {@code width x height} pixels
     * @param ptsMicros as {@link #writeVideo(byte[], long)}
     * @throws IllegalArgumentException when the JPEG cannot be decoded or has another size (the
     *     message says why, as {@link JpegCodec#decodeBgr}'s), or the time is negative or not after
     *     the previous frame's
     * @throws MediaException when FFmpeg fails to encode or write it
     */
    public void writeVideoJpeg(byte[] jpeg, long ptsMicros) throws MediaException {
        Objects.requireNonNull(jpeg, "jpeg");
        requireNotNegative(ptsMicros);
        long pts = video.ticks(ptsMicros);
        encodeAt(pts, ptsMicros, () -> video.encodeJpeg(jpeg, pts));
    }

    private void write(byte[] bgr, long pts, long ptsMicros) throws MediaException {
        Objects.requireNonNull(bgr, "bgr");
        long size = (long) format.width() * format.height() * 3;
        if (bgr.length != size) {
            throw new IllegalArgumentException("a frame for " + out.getFileName() + " must be " + format.width() + "x"
                    + format.height() + "x3 = " + size + " bytes of BGR, got " + bgr.length + " bytes");
        }
        encodeAt(pts, ptsMicros, () -> video.encode(bgr, pts));
    }

    /** One frame's encoding into the video track. */
    private interface FrameEncoding {
        void run() throws MediaException;
    }

    /** Runs {@code encoding} of the frame at {@code pts} ticks, which must be after the last frame's. */
    private void encodeAt(long pts, long ptsMicros, FrameEncoding encoding) throws MediaException {
        ensureOpen();
        if (pts <= video.lastPts()) {
            throw new IllegalArgumentException("frame " + framesWritten + " of " + out.getFileName() + " at "
                    + ptsMicros + " us is not after the previous frame at " + video.micros(video.lastPts()) + " us");
        }
        try {
            encoding.run();
        } catch (MediaException e) {
            throw new MediaException("cannot write frame " + framesWritten + " to " + out + ": " + e.getMessage(), e);
        }
        framesWritten++;
    }

    private void requireNotNegative(long ptsMicros) {
        if (ptsMicros < 0) {
            throw new IllegalArgumentException("frame " + framesWritten + " of " + out.getFileName()
                    + " has a negative time, " + ptsMicros + " us");
        }
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
        if (audio == null) {
            throw new IllegalStateException(out + " was opened without an audio track");
        }
        if (interleaved.length % format.channels() != 0) {
            throw new IllegalArgumentException(interleaved.length + " samples are not a whole number of "
                    + format.channels() + "-channel frames");
        }
        if (interleaved.length == 0) {
            return;
        }
        try {
            audio.encode(interleaved, audioPackets);
        } catch (MediaException e) {
            throw new MediaException("cannot write audio at sample " + samplesWritten + " to " + out + ": "
                    + e.getMessage(), e);
        }
        samplesWritten += interleaved.length / format.channels();
    }

    /** The FFmpeg encoder writing the video, e.g. {@code libx264} or {@code libopenh264}. */
    public String videoCodecName() {
        return video.codecName();
    }

    /** The sample rate the AAC track is encoded at: the audio's own, or the AAC rate it was resampled to. */
    public int audioEncoderRate() {
        return audio == null ? 0 : audio.encoderRate();
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
            video.finish();
            if (audio != null) {
                audio.finish(audioPackets);
            }
            int ret = avformat.av_interleaved_write_frame(container, null);
            if (ret >= 0) {
                ret = avformat.av_write_trailer(container);
            }
            if (ret < 0) {
                throw new MediaException(FFmpegRuntime.describe(ret));
            }
        } catch (MediaException | RuntimeException e) {
            throw new MediaException("cannot finish " + out + ": " + e.getMessage(), e);
        } finally {
            release(container, video, audio, audioPackets);
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException(out + " is already closed");
        }
    }

    private static void release(AVFormatContext container, VideoTrack video, AacTrack audio,
            PacketWriter audioPackets) {
        if (video != null) {
            video.close();
        }
        if (audio != null) {
            audio.close();
        }
        if (audioPackets != null) {
            audioPackets.close();
        }
        if (container.pb() != null && !container.pb().isNull()) {
            avformat.avio_closep(container.pb());
        }
        avformat.avformat_free_context(container);
    }
}
