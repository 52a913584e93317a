package io.dubstream.connectors.media;

import java.nio.file.Path;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacketSideData;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacv.FFmpegFrameGrabber;

/** Reads a {@link MediaInfo} and the audio stream's declared length from a started grabber. */
final class StreamDescriber {

    private StreamDescriber() {}

    static MediaInfo describe(Path file, FFmpegFrameGrabber grabber) throws MediaException {
        AVFormatContext format = grabber.getFormatContext();
        AVStream video = stream(format, grabber.hasVideo() ? grabber.getVideoStream() : -1);
        AVStream audio = stream(format, grabber.hasAudio() ? grabber.getAudioStream() : -1);
        if (video == null) {
            String found = audio == null ? "" : " (it has only audio: " + codecName(audio) + ")";
            throw new MediaException("cannot read " + file + ": it has no video stream" + found);
        }
        long[] fps = frameRate(video);
        if (fps == null) {
            throw new MediaException("cannot read " + file + ": its video stream states no frame rate");
        }
        long frames = video.nb_frames() > 0 ? video.nb_frames() : -1;
        long duration = format.duration() > 0 && format.duration() != avutil.AV_NOPTS_VALUE ? format.duration() : -1;
        String audioCodec = audio == null ? null : codecName(audio);
        int sourceRate = audio == null ? 0 : audio.codecpar().sample_rate();
        int sourceChannels = audio == null ? 0 : audio.codecpar().ch_layout().nb_channels();
        return new MediaInfo(format.iformat().name().getString(), codecName(video), audioCodec,
                (int) fps[0], (int) fps[1], grabber.getImageWidth(), grabber.getImageHeight(), frames,
                sourceRate, sourceChannels, duration, rotationDegrees(video), audioStartMicros(video, audio));
    }

    /**
     * The clockwise quarter turns the stream's display matrix asks for, in degrees (0, 90, 180, 270).
     * FFmpeg's {@code av_display_rotation_get} gives the counter-clockwise angle; a matrix that also
     * mirrors the picture is read for its rotation only.
     */
    static int rotationDegrees(AVStream video) {
        AVCodecParameters par = video.codecpar();
        AVPacketSideData matrix = avcodec.av_packet_side_data_get(par.coded_side_data(), par.nb_coded_side_data(),
                avcodec.AV_PKT_DATA_DISPLAYMATRIX);
        if (matrix == null || matrix.isNull() || matrix.size() < 9 * Integer.BYTES) {
            return 0;
        }
        double counterClockwise = avutil.av_display_rotation_get(new IntPointer(matrix.data()));
        return Double.isNaN(counterClockwise) ? 0 : clockwiseQuarterTurns(counterClockwise);
    }

    /** {@code -counterClockwise} rounded to a multiple of 90 in 0..270. */
    static int clockwiseQuarterTurns(double counterClockwise) {
        return (int) Math.floorMod(Math.round(-counterClockwise / 90.0), 4L) * 90;
    }

    private static long audioStartMicros(AVStream video, AVStream audio) {
        if (audio == null || video.start_time() == avutil.AV_NOPTS_VALUE
                || audio.start_time() == avutil.AV_NOPTS_VALUE) {
            return 0;
        }
        return micros(audio.start_time(), audio.time_base()) - micros(video.start_time(), video.time_base());
    }

    private static long micros(long pts, AVRational timeBase) {
        return Math.round((double) pts * timeBase.num() * 1_000_000 / timeBase.den());
    }

    /**
     * How many samples per channel at {@code rate} the audio stream's declared duration covers, or
     * {@link Long#MAX_VALUE} when it declares none.
     */
    static long declaredAudioSamples(FFmpegFrameGrabber grabber, int rate) {
        AVStream audio = stream(grabber.getFormatContext(), grabber.hasAudio() ? grabber.getAudioStream() : -1);
        if (audio == null || audio.duration() <= 0 || audio.duration() == avutil.AV_NOPTS_VALUE) {
            return Long.MAX_VALUE;
        }
        AVRational tb = audio.time_base();
        return Math.round((double) audio.duration() * tb.num() * rate / tb.den());
    }

    /** The video stream's average frame rate, else its base rate, reduced; null when it has none. */
    private static long[] frameRate(AVStream video) {
        AVRational rate = video.avg_frame_rate();
        if (rate.num() <= 0 || rate.den() <= 0) {
            rate = video.r_frame_rate();
        }
        if (rate.num() <= 0 || rate.den() <= 0) {
            return null;
        }
        long gcd = gcd(rate.num(), rate.den());
        return new long[] {rate.num() / gcd, rate.den() / gcd};
    }

    static long gcd(long a, long b) {
        while (b != 0) {
            long t = a % b;
            a = b;
            b = t;
        }
        return Math.abs(a);
    }

    private static AVStream stream(AVFormatContext format, int index) {
        return index >= 0 && index < format.nb_streams() ? format.streams(index) : null;
    }

    private static String codecName(AVStream stream) {
        return avcodec.avcodec_get_name(stream.codecpar().codec_id()).getString();
    }
}
