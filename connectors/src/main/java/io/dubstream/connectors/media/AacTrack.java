package io.dubstream.connectors.media;

import java.util.Arrays;
import java.util.Locale;
import java.util.MissingResourceException;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avformat;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * The audio track of an {@link Mp4Writer}: interleaved 16-bit samples encoded as AAC (FFmpeg's
 * native encoder) in the input's channel layout, at the input's rate when AAC has it.
 *
 * <p>The bit rate suits the channels: {@value #BITS_PER_SECOND_PER_CHANNEL} bit/s per channel, at
 * least {@value #MIN_BITS_PER_SECOND} (mono) and at most {@value #MAX_BITS_PER_SECOND} (7.1), and
 * never more than the 6 bits per sample AAC allows at low rates: 160 kbit/s for stereo, 480 kbit/s
 * for 5.1. FFmpeg's encoder stays close to its target even on a pure tone, at times a little under
 * it (127.8 kbit/s for 128k, 159.5 for 160k), so stereo stays above 128 kbit/s. AAC knows 13 sample rates, 7350 to
 * 96000 Hz: another input rate is resampled (with a resampler flushed at the end) to the lowest AAC
 * rate above it, and a rate above 96 kHz to 88.2 kHz when it is a multiple of 44.1 kHz (176.4 kHz),
 * else to 96 kHz (192 kHz). Sample 0 plays at time 0. Not thread-safe.
 */
final class AacTrack implements AutoCloseable {

    static final int BITS_PER_SECOND_PER_CHANNEL = 80_000;
    static final int MIN_BITS_PER_SECOND = 96_000;
    static final int MAX_BITS_PER_SECOND = 512_000;
    /** The sample rates AAC can signal, highest first. */
    static final int[] AAC_RATES = {96_000, 88_200, 64_000, 48_000, 44_100, 32_000, 24_000, 22_050, 16_000, 12_000,
        11_025, 8_000, 7_350};

    private final int channels;
    private final int encoderRate;
    final AVCodecContext context;
    final AVStream stream;
    private final AVFrame frame;
    private final int frameSize;
    private final AudioResampler resampler;
    private final float[] plane;
    private short[] pending;
    private int pendingFrames;
    private long encoded;

    /**
     * Adds the track to {@code container}; the header is not written yet.
     *
     * @param language the ISO 639-2/T code to tag the track with, or empty for none
     */
    AacTrack(AVFormatContext container, int inputRate, int channels, String language) throws MediaException {
        this.channels = channels;
        this.encoderRate = encoderRate(inputRate);
        AVCodec codec = avcodec.avcodec_find_encoder(avcodec.AV_CODEC_ID_AAC);
        if (codec == null) {
            throw new MediaException("this FFmpeg build has no AAC encoder");
        }
        this.stream = avformat.avformat_new_stream(container, null);
        this.context = avcodec.avcodec_alloc_context3(codec);
        this.frame = avutil.av_frame_alloc();
        if (stream == null || context == null || frame == null) {
            close();
            throw new MediaException("FFmpeg is out of memory for an audio track");
        }
        context.sample_fmt(avutil.AV_SAMPLE_FMT_FLTP).sample_rate(encoderRate);
        avutil.av_channel_layout_default(context.ch_layout(), channels);
        context.bit_rate(bitRate(channels, encoderRate));
        context.time_base(avutil.av_make_q(1, encoderRate));
        if ((container.oformat().flags() & avformat.AVFMT_GLOBALHEADER) != 0) {
            context.flags(context.flags() | avcodec.AV_CODEC_FLAG_GLOBAL_HEADER);
        }
        int ret = avcodec.avcodec_open2(context, codec, (PointerPointer<?>) null);
        if (ret >= 0) {
            ret = avcodec.avcodec_parameters_from_context(stream.codecpar(), context);
        }
        if (ret >= 0) {
            frame.format(avutil.AV_SAMPLE_FMT_FLTP).sample_rate(encoderRate).nb_samples(context.frame_size());
            ret = avutil.av_channel_layout_copy(frame.ch_layout(), context.ch_layout());
        }
        if (ret >= 0) {
            ret = avutil.av_frame_get_buffer(frame, 0);
        }
        if (ret < 0) {
            close();
            throw new MediaException("cannot open the AAC encoder for " + channels + " channels at " + encoderRate
                    + " Hz (" + FFmpegRuntime.describe(ret) + ")");
        }
        stream.time_base(context.time_base());
        if (!language.isEmpty()) {
            AVDictionary metadata = new AVDictionary(null);
            avutil.av_dict_set(metadata, "language", language, 0);
            stream.metadata(metadata);
        }
        this.frameSize = context.frame_size();
        this.plane = new float[frameSize];
        this.pending = new short[frameSize * channels * 2];
        this.resampler = encoderRate == inputRate ? null : newResampler(inputRate);
    }

    private AudioResampler newResampler(int inputRate) throws MediaException {
        try {
            return new AudioResampler(inputRate, encoderRate, channels);
        } catch (MediaException e) {
            close();
            throw e;
        }
    }

    /** The AAC sample rate an input at {@code rate} is encoded at. */
    static int encoderRate(int rate) {
        if (rate > AAC_RATES[0]) {
            return rate % 44_100 == 0 ? 88_200 : 96_000;
        }
        int chosen = AAC_RATES[0];
        for (int aac : AAC_RATES) {
            if (aac >= rate) {
                chosen = aac;
            }
        }
        return chosen;
    }

    /** The bit rate for {@code channels} at {@code rate}: 80 kbit/s a channel within 96..512 kbit/s. */
    static int bitRate(int channels, int rate) {
        int wanted = Math.max(MIN_BITS_PER_SECOND, Math.min(MAX_BITS_PER_SECOND, BITS_PER_SECOND_PER_CHANNEL * channels));
        // AAC carries at most 6144 bits per channel in a frame of 1024 samples
        long ceiling = 6144L * channels * rate / 1024;
        return (int) Math.min(wanted, ceiling);
    }

    /**
     * The ISO 639-2/T code mp4 stores for a BCP 47 tag ({@code fr} gives {@code fra}, {@code pt-BR}
     * gives {@code por}, {@code deu} stays), or empty when the tag is empty, {@code und} or names no
     * language Java knows.
     */
    static String iso639Part2(String languageTag) {
        if (languageTag == null || languageTag.isBlank()) {
            return "";
        }
        try {
            String code = Locale.forLanguageTag(languageTag).getISO3Language();
            return code.length() == 3 && !"und".equals(code) ? code : "";
        } catch (MissingResourceException e) {
            return "";
        }
    }

    int encoderRate() {
        return encoderRate;
    }

    /** Encodes {@code interleaved} samples at the input rate (a whole number of frames). */
    void encode(short[] interleaved, PacketSink sink) throws MediaException {
        short[] samples = resampler == null ? interleaved : resampler.convert(interleaved, interleaved.length / channels);
        append(samples);
        int used = 0;
        while (pendingFrames - used >= frameSize) {
            encodeFrame(used, frameSize, sink);
            used += frameSize;
        }
        consume(used);
    }

    /** Encodes what is left (a last, shorter frame) and drains the encoder. */
    void finish(PacketSink sink) throws MediaException {
        if (resampler != null) {
            append(resampler.flush());
        }
        int used = 0;
        while (pendingFrames - used > 0) {
            int n = Math.min(frameSize, pendingFrames - used);
            encodeFrame(used, n, sink);
            used += n;
        }
        consume(used);
        sink.send(context, stream, null, frameSize);
    }

    private void encodeFrame(int firstFrame, int frames, PacketSink sink) throws MediaException {
        int ret = avutil.av_frame_make_writable(frame);
        if (ret < 0) {
            throw new MediaException("cannot reuse the audio frame buffer (" + FFmpegRuntime.describe(ret) + ")");
        }
        frame.nb_samples(frames);
        for (int c = 0; c < channels; c++) {
            for (int i = 0; i < frames; i++) {
                plane[i] = pending[(firstFrame + i) * channels + c] / 32768f;
            }
            new FloatPointer(frame.data(c)).put(plane, 0, frames);
        }
        frame.pts(encoded);
        encoded += frames;
        sink.send(context, stream, frame, frames);
    }

    private void append(short[] samples) {
        int needed = (pendingFrames * channels) + samples.length;
        if (needed > pending.length) {
            pending = Arrays.copyOf(pending, Math.max(needed, pending.length * 2));
        }
        System.arraycopy(samples, 0, pending, pendingFrames * channels, samples.length);
        pendingFrames += samples.length / channels;
    }

    private void consume(int frames) {
        if (frames > 0) {
            System.arraycopy(pending, frames * channels, pending, 0, (pendingFrames - frames) * channels);
            pendingFrames -= frames;
        }
    }

    @Override
    public void close() {
        if (resampler != null) {
            resampler.close();
        }
        if (context != null) {
            avcodec.avcodec_free_context(context);
        }
        if (frame != null) {
            avutil.av_frame_free(frame);
        }
    }
}
