package io.dubstream.connectors.media;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avformat;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.ffmpeg.global.swresample;
import org.bytedeco.ffmpeg.global.swscale;
import org.bytedeco.javacpp.Loader;

/**
 * Loads FFmpeg's native libraries once and turns FFmpeg's and JavaCV's errors into short reasons.
 *
 * <p>On first use FFmpeg's log level is lowered from its default ({@code AV_LOG_INFO}) to
 * {@code AV_LOG_ERROR}: at the default level JavaCV dumps every opened file's stream layout to
 * stderr. A level an application has set itself is left alone.
 */
final class FFmpegRuntime {

    private static final Pattern ERROR_CODE = Pattern.compile("error (-\\d+)");
    private static volatile boolean loaded;

    private FFmpegRuntime() {}

    /** Loads the natives, or says why they cannot be loaded. */
    static void ensureLoaded() throws MediaException {
        if (loaded) {
            return;
        }
        synchronized (FFmpegRuntime.class) {
            if (loaded) {
                return;
            }
            try {
                // Not FFmpegFrameGrabber.tryLoad(): it also loads libavdevice, which links PulseAudio
                // (libpulse.so.0) and fails where that is not installed, though files need no devices.
                Loader.load(avutil.class);
                Loader.load(swresample.class);
                Loader.load(avcodec.class);
                Loader.load(avformat.class);
                Loader.load(swscale.class);
                if (avutil.av_log_get_level() == avutil.AV_LOG_INFO) {
                    avutil.av_log_set_level(avutil.AV_LOG_ERROR);
                }
                loaded = true;
            } catch (RuntimeException | LinkageError e) {
                throw new MediaException("cannot load FFmpeg's native libraries for "
                        + System.getProperty("os.name") + "/" + System.getProperty("os.arch")
                        + " (" + e.getMessage() + "); the org.bytedeco:ffmpeg jar for this platform must"
                        + " be on the class path", e);
            }
        }
    }

    /** FFmpeg's own text for an error code, e.g. "Invalid data found when processing input". */
    static String describe(int errorCode) {
        byte[] buffer = new byte[256];
        if (avutil.av_strerror(errorCode, buffer, buffer.length) < 0) {
            return "FFmpeg error " + errorCode;
        }
        int end = 0;
        while (end < buffer.length && buffer[end] != 0) {
            end++;
        }
        return new String(buffer, 0, end, java.nio.charset.StandardCharsets.UTF_8);
    }

    /**
     * The reason in a JavaCV exception: FFmpeg's text for the error code the message carries
     * ("avformat_open_input() error -1094995529: ..."), else the message itself.
     */
    static String reason(Throwable t) {
        String message = t.getMessage();
        if (message == null) {
            return t.getClass().getSimpleName();
        }
        Matcher m = ERROR_CODE.matcher(message);
        if (m.find()) {
            try {
                return describe(Integer.parseInt(m.group(1)));
            } catch (NumberFormatException ignored) {
                // not an int: fall through to the raw message
            }
        }
        int hint = message.indexOf(" (For more details");
        return hint > 0 ? message.substring(0, hint) : message;
    }
}
