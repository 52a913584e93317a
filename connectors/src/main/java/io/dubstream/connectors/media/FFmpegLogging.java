package io.dubstream.connectors.media;

import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.Loader;

/** FFmpeg's own log output, which goes straight to the process's stderr from native code. */
public final class FFmpegLogging {

    private FFmpegLogging() {}

    /**
     * Silences FFmpeg's native log (only fatal errors remain). For command-line tools: what FFmpeg
     * reports reaches the user as the {@link MediaException} message instead, in one line.
     */
    public static void quiet() {
        Loader.load(avutil.class);
        avutil.av_log_set_level(avutil.AV_LOG_FATAL);
    }
}
