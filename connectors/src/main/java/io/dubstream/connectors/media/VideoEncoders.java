package io.dubstream.connectors.media;

import org.bytedeco.ffmpeg.global.avcodec;

/**
 * Picks the video encoder. The LGPL FFmpeg build JavaCV ships encodes H.264 with Cisco's
 * {@code libopenh264} and has no {@code libx264}; naming an encoder the build lacks makes JavaCV
 * silently fall back to the container's default, so presence is checked here first.
 */
final class VideoEncoders {

    static final String H264 = "libopenh264";
    static final String FALLBACK = "mpeg4";

    private VideoEncoders() {}

    /** {@value #H264} when this FFmpeg build has it, else {@value #FALLBACK}. */
    static String preferredForMp4() {
        return isAvailable(H264) ? H264 : FALLBACK;
    }

    static boolean isAvailable(String encoderName) {
        return avcodec.avcodec_find_encoder_by_name(encoderName) != null;
    }
}
