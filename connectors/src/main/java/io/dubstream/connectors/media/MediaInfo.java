package io.dubstream.connectors.media;

/**
 * What a media file holds, as FFmpeg's demuxer reports it when the file is opened.
 *
 * @param container FFmpeg's name for the demuxer, e.g. {@code mov,mp4,m4a,3gp,3g2,mj2} or
 *     {@code matroska,webm}
 * @param videoCodec FFmpeg's name of the video codec, e.g. {@code h264}
 * @param audioCodec FFmpeg's name of the audio codec, e.g. {@code aac}; {@code null} when the file
 *     has no audio stream
 * @param fpsNum numerator of the frame rate, reduced (e.g. 30000 for 29.97 fps)
 * @param fpsDen denominator of the frame rate, reduced (e.g. 1001 for 29.97 fps)
 * @param width width of the decoded frames in pixels
 * @param height height of the decoded frames in pixels
 * @param frameCountHint the number of video frames the container lists (mp4 and mov do; Matroska
 *     does not), or -1 when it does not list one. A hint only: an edit list or a trailing empty
 *     packet can make it differ from the frames actually decoded.
 * @param sourceSampleRate sample rate of the audio stream in the file, 0 without audio
 * @param sourceChannels channel count of the audio stream in the file, 0 without audio
 * @param durationMicros the container's duration in microseconds, or -1 when it states none
 * @param rotationDegrees the clockwise rotation, 0, 90, 180 or 270, that the video stream's display
 *     matrix asks players to apply to the decoded frames (a phone held upright records landscape
 *     frames with 90); 0 without a display matrix. FFmpeg states the angle counter-clockwise
 *     ({@code av_display_rotation_get}, ffprobe's {@code rotation}): this is its negation, taken
 *     modulo 360 and rounded to the nearest quarter turn. Frames are delivered as stored, never
 *     rotated.
 * @param audioStartMicros where the audio stream starts relative to the video stream, in
 *     microseconds (positive: the audio starts later), from the streams' stated start times; 0
 *     without audio or when either stream states none
 */
public record MediaInfo(
        String container,
        String videoCodec,
        String audioCodec,
        int fpsNum,
        int fpsDen,
        int width,
        int height,
        long frameCountHint,
        int sourceSampleRate,
        int sourceChannels,
        long durationMicros,
        int rotationDegrees,
        long audioStartMicros) {

    /** Whether the file has an audio stream that can be decoded. */
    public boolean hasAudio() {
        return audioCodec != null && sourceSampleRate > 0;
    }

    /** The frame rate as a double, {@code fpsNum / fpsDen}. */
    public double fps() {
        return (double) fpsNum / fpsDen;
    }
}
