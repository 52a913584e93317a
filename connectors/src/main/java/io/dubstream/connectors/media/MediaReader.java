package io.dubstream.connectors.media;

import io.dubstream.connectors.media.MediaSample.AudioSample;
import io.dubstream.connectors.media.MediaSample.VideoSample;
import java.nio.ShortBuffer;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Objects;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.ffmpeg.global.swscale;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes a video file (mp4, mov, mkv, avi, anything FFmpeg reads) into BGR frames and transport
 * audio, in the order FFmpeg's demuxer delivers them.
 *
 * <p>Video comes as tightly packed BGR24 frames (or, when asked, the full-range 4:2:0 planes of a JPEG: {@link
 * PixelLayout}) numbered from 0, as they are stored: a display
 * matrix (a phone's rotation) is reported in {@link MediaInfo#rotationDegrees()}, never applied.
 * Each frame carries its own presentation time, so variable frame rate survives.
 *
 * <p>Audio is delivered as signed 16-bit samples in the {@link AudioLayout} given to {@link #open}:
 * by default the source's own rate and channel count ({@link #audioLayout()} says which were
 * chosen). At the source layout a 16-bit PCM track comes out bit for bit; a compressed one is only
 * converted from the decoder's floating point. Other channel counts are mixed by FFmpeg's
 * swresample at the source rate, other rates are changed by a resampler this reader flushes at the
 * end. In containers that state the audio track's length (mp4, mov) the codec's end padding is cut
 * off, so a clip of {@code d} seconds yields {@code round(d * rate)} samples per channel; containers
 * that do not (Matroska) may add the AAC encoder's priming and padding (up to about 2048 samples at
 * the source rate). Audio sample 0 plays with the first video frame: when the streams' start times
 * differ, audio before the first frame is dropped and a late start is preceded by silence.
 *
 * <p>A file that was cut short is refused at {@link #open}, whether its mp4 index (moov atom) is
 * missing or its media data ends early: FFmpeg itself would stop at the cut without an error.
 *
 * <p>Not thread-safe: one reader per thread. Close it to free FFmpeg's native memory.
 */
public final class MediaReader implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MediaReader.class);

    /**
     * swscale's flags from the decoded YUV to BGR: chroma interpolated at every pixel with accurate
     * rounding. Back in yuv420p (as the download writes it) that is 57.9 dB PSNR against the source on
     * the generated sample clip, against 48.7 dB with JavaCV's default (bilinear, swscale's fast path:
     * chroma repeated, coarse rounding), which capped the download's quality (+1.3 dB through the whole
     * transport with openh264). It costs about 1.5-2 ms of CPU a 640x360 frame instead of 0.1 ms;
     * bilinear interpolation with the same flags costs half as much and gives 0.5 dB less.
     */
    static final int TO_BGR_SCALING = swscale.SWS_BICUBIC | swscale.SWS_ACCURATE_RND | swscale.SWS_FULL_CHR_H_INT;
    /**
     * swscale's flags from the decoded picture to full-range 4:2:0 ({@link PixelLayout#YUV420_FULL_RANGE}):
     * a 4:2:0 source's samples are only mapped to full range; other chroma layouts are averaged down.
     */
    static final int TO_YUV420_SCALING = swscale.SWS_AREA | swscale.SWS_ACCURATE_RND;

    private final Path file;
    private final FFmpegFrameGrabber grabber;
    private final MediaInfo info;
    private final AudioLayout audioLayout;
    private final TransportAudio audio;
    private final PixelLayout pixels;
    private final ArrayDeque<MediaSample> pending = new ArrayDeque<>();
    /** Silence still owed before the first audio, in samples per channel. */
    private long silenceOwed;
    private long nextFrameIndex;
    private boolean ended;
    private boolean closed;

    private MediaReader(Path file, FFmpegFrameGrabber grabber, PixelLayout pixels, MediaInfo info,
            AudioLayout audioLayout, TransportAudio audio, long silenceOwed) {
        this.file = file;
        this.pixels = pixels;
        this.grabber = grabber;
        this.info = info;
        this.audioLayout = audioLayout;
        this.audio = audio;
        this.silenceOwed = silenceOwed;
    }

    /**
     * Opens {@code file} for decoding, with audio at a fixed rate and channel count.
     *
     * @param transportSampleRate the sample rate audio is delivered at, e.g. 48000
     * @param transportChannels the channel count audio is delivered with, e.g. 2
     * @throws IllegalArgumentException when the rate or channel count is outside what
     *     {@link AudioLayout} allows
     * @throws MediaException as {@link #open(Path, AudioLayout)}
     */
    public static MediaReader open(Path file, int transportSampleRate, int transportChannels)
            throws MediaException {
        if (transportSampleRate == AudioLayout.AS_SOURCE || transportChannels == AudioLayout.AS_SOURCE) {
            throw new IllegalArgumentException("transport sample rate and channels must be given, got "
                    + transportSampleRate + " Hz x" + transportChannels + "; AudioLayout.SOURCE keeps the source's");
        }
        return open(file, new AudioLayout(transportSampleRate, transportChannels));
    }

    /**
     * Opens {@code file} for decoding.
     *
     * @param layout the rate and channel count to deliver audio with, each possibly the source's
     *     ({@link AudioLayout#SOURCE} for both)
     * @throws MediaException when the file is missing, unreadable, empty, truncated, not a media file
     *     FFmpeg recognises, or has no video stream; the message says which
     */
    public static MediaReader open(Path file, AudioLayout layout) throws MediaException {
        return open(file, layout, PixelLayout.BGR24);
    }

    /**
     * Opens {@code file} for decoding, with frames in {@code pixels}' layout.
     *
     * @throws MediaException as {@link #open(Path, AudioLayout)}
     */
    public static MediaReader open(Path file, AudioLayout layout, PixelLayout pixels) throws MediaException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(layout, "layout");
        Objects.requireNonNull(pixels, "pixels");
        ContainerLayout container = InputFileCheck.requireReadable(file);
        FFmpegRuntime.ensureLoaded();
        FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(file.toFile());
        if (pixels == PixelLayout.BGR24) {
            grabber.setPixelFormat(avutil.AV_PIX_FMT_BGR24);
            grabber.setImageScalingFlags(TO_BGR_SCALING);
        } else {
            grabber.setPixelFormat(avutil.AV_PIX_FMT_YUVJ420P);
            grabber.setImageScalingFlags(TO_YUV420_SCALING);
        }
        grabber.setSampleFormat(avutil.AV_SAMPLE_FMT_S16);
        try {
            grabber.start();
            MediaInfo info = StreamDescriber.describe(file, grabber);
            AudioLayout resolved = info.hasAudio() ? layout.resolve(info.sourceSampleRate(), info.sourceChannels())
                    : null;
            TransportAudio audio = null;
            long offset = 0;
            if (resolved != null) {
                // Channels are mixed by JavaCV's converter at the source rate (no resampling there, so
                // nothing is held back; at the source's channel count and 16-bit format it converts
                // nothing); the rate is changed by a resampler this reader can flush.
                grabber.setAudioChannels(resolved.channels());
                long limit = StreamDescriber.declaredAudioSamples(grabber, resolved.sampleRate());
                offset = Math.round(info.audioStartMicros() * (double) resolved.sampleRate() / 1e6);
                audio = new TransportAudio(resolved.sampleRate(), resolved.channels(), limit, Math.max(0, -offset));
            }
            return new MediaReader(file, grabber, pixels, info, resolved, audio, Math.max(0, offset));
        } catch (FFmpegFrameGrabber.Exception e) {
            release(grabber);
            throw new MediaException("cannot read " + file + ": " + openFailure(e, container), e);
        } catch (MediaException e) {
            release(grabber);
            throw e;
        } catch (RuntimeException e) {
            release(grabber);
            throw new MediaException("cannot read " + file + ": FFmpeg failed to open it (" + e + ")", e);
        }
    }

    private static String openFailure(FFmpegFrameGrabber.Exception e, ContainerLayout layout) {
        String message = String.valueOf(e.getMessage());
        String reason = FFmpegRuntime.reason(e);
        if (message.startsWith("avformat_open_input()") && layout.isoBmff() && !layout.hasMp4Index()) {
            return "its mp4 index (moov atom) is missing: the recording or upload was never finished ("
                    + reason + ")";
        }
        if (message.startsWith("avformat_open_input()")) {
            return "not a media file FFmpeg recognises (" + reason + ")";
        }
        if (message.startsWith("avformat_find_stream_info()")) {
            return "FFmpeg cannot make out its streams (" + reason + ")";
        }
        if (message.startsWith("Did not find a video or audio stream")) {
            return "it has no video stream (and no audio stream either)";
        }
        if (message.startsWith("avcodec_find_decoder()") || message.startsWith("avcodec_open2()")) {
            return "its codec is not supported by this FFmpeg build (" + reason + ")";
        }
        return "FFmpeg cannot open it (" + reason + ")";
    }

    /** What the file holds. */
    public MediaInfo info() {
        return info;
    }

    /** The rate and channel count audio is delivered with; {@code null} when the file has no audio. */
    public AudioLayout audioLayout() {
        return audioLayout;
    }

    /**
     * The next decoded item, in the order FFmpeg delivers them, or {@code null} at the end of the
     * file (and on every call after that).
     *
     * @throws MediaException when FFmpeg fails while decoding
     * @throws IllegalStateException when the reader is closed
     */
    public MediaSample next() throws MediaException {
        if (closed) {
            throw new IllegalStateException("reader of " + file + " is closed");
        }
        while (pending.isEmpty() && !ended) {
            decodeMore();
        }
        if (silenceOwed > 0 && pending.peek() instanceof AudioSample) {
            // a second at a time, made only when the first audio is due: a late start costs no memory
            int frames = (int) Math.min(silenceOwed, audioLayout.sampleRate());
            silenceOwed -= frames;
            return new AudioSample(new short[frames * audioLayout.channels()]);
        }
        return pending.poll();
    }

    private void decodeMore() throws MediaException {
        Frame frame;
        try {
            frame = grabber.grabFrame(true, true, true, false, false);
        } catch (FFmpegFrameGrabber.Exception | RuntimeException e) {
            throw new MediaException(file + ": decoding failed after " + nextFrameIndex + " video frames ("
                    + FFmpegRuntime.reason(e) + ")", e);
        }
        if (frame == null) {
            if (audio != null) {
                emitAudio(audio.finish());
            }
            ended = true;
            return;
        }
        if (frame.image != null) {
            byte[] image = pixels == PixelLayout.BGR24 ? BgrFrames.copyPacked(frame) : copyPlanes(frame);
            pending.add(new VideoSample(nextFrameIndex++, frame.timestamp, frame.imageWidth, frame.imageHeight,
                    image, pixels));
        }
        if (frame.samples != null && audio != null) {
            emitAudio(audio.accept((ShortBuffer) frame.samples[0], frame.sampleRate));
        }
    }

    /** The three planes of a planar 4:2:0 frame, each tightly packed, one after the other. */
    private static byte[] copyPlanes(Frame frame) {
        // the converted frame's planes and their strides (JavaCV lays them out in one buffer)
        AVFrame planes = (AVFrame) frame.opaque;
        int width = frame.imageWidth;
        int height = frame.imageHeight;
        byte[] packed = new byte[(int) PixelLayout.YUV420_FULL_RANGE.frameBytes(width, height)];
        PixelLayout.packYuv420(planes, width, height, packed);
        return packed;
    }

    private void emitAudio(short[] samples) {
        if (samples.length > 0) {
            pending.add(new AudioSample(samples));
        }
    }

    /** Frees FFmpeg's resources; safe to call more than once. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        pending.clear();
        if (audio != null) {
            audio.close();
        }
        release(grabber);
    }

    private static void release(FFmpegFrameGrabber grabber) {
        try {
            grabber.release();
        } catch (FFmpegFrameGrabber.Exception | RuntimeException e) {
            // Nothing was written and nothing can be done: the native memory is lost at worst.
            LOG.warn("releasing FFmpeg's grabber failed: {}", e.toString());
        }
    }
}
