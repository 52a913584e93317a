package io.dubstream.connectors.media;

import java.nio.ByteBuffer;
import java.nio.ShortBuffer;
import java.nio.file.Path;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;

/**
 * Test clips written straight with JavaCV's recorder, for containers and codecs {@link Mp4Writer}
 * does not produce: mkv and avi, mpeg4 video, mp4 without faststart, audio only.
 */
public final class RecorderClips {

    private RecorderClips() {}

    /**
     * Writes {@code frames} barcoded 25 fps frames (none when width is 0) and a tone of the same
     * length at 44.1 kHz ({@code channels} 0 for none).
     */
    static Path write(Path out, String format, String videoCodec, int width, int height, int frames, int channels)
            throws FFmpegFrameRecorder.Exception, MediaException {
        FFmpegRuntime.ensureLoaded();
        int rate = 44_100;
        FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(out.toFile(), width, height, channels);
        recorder.setFormat(format);
        recorder.setFrameRate(25);
        if (width > 0) {
            recorder.setVideoCodecName(videoCodec);
            recorder.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
            recorder.setVideoBitrate(2_000_000);
        }
        if (channels > 0) {
            recorder.setAudioCodec(avcodec.AV_CODEC_ID_AAC);
            recorder.setSampleRate(rate);
            recorder.setAudioBitrate(128_000);
        }
        recorder.start();
        try {
            TestPattern pattern = width > 0 ? new TestPattern(width, height) : null;
            ToneSignal tone = new ToneSignal(rate, Math.max(1, channels));
            byte[] bgr = new byte[width * height * 3];
            ByteBuffer direct = ByteBuffer.allocateDirect(Math.max(1, bgr.length));
            for (int i = 0; i < frames; i++) {
                if (pattern != null) {
                    pattern.paint(bgr, i);
                    FrameIndexBarcode.draw(bgr, width, height, i);
                    direct.clear();
                    direct.put(bgr).flip();
                    recorder.recordImage(width, height, Frame.DEPTH_UBYTE, 3, width * 3, avutil.AV_PIX_FMT_BGR24,
                            direct);
                }
                if (channels > 0) {
                    long first = (long) i * rate / 25;
                    short[] samples = tone.samples(first, (int) ((long) (i + 1) * rate / 25 - first));
                    recorder.recordSamples(rate, channels, ShortBuffer.wrap(samples));
                }
            }
        } finally {
            recorder.stop();
        }
        return out;
    }

    /**
     * Writes a mov with {@code frames} barcoded 25 fps frames and {@code pcm}, interleaved 16-bit
     * audio stored as it is (pcm_s16le).
     */
    public static Path writePcm(Path out, int width, int height, int frames, short[] pcm, int rate, int channels)
            throws FFmpegFrameRecorder.Exception, MediaException {
        FFmpegRuntime.ensureLoaded();
        FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(out.toFile(), width, height, channels);
        recorder.setFormat("mov");
        recorder.setFrameRate(25);
        recorder.setVideoCodecName("mpeg4");
        recorder.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
        recorder.setVideoBitrate(2_000_000);
        recorder.setAudioCodec(avcodec.AV_CODEC_ID_PCM_S16LE);
        recorder.setSampleFormat(avutil.AV_SAMPLE_FMT_S16);
        recorder.setSampleRate(rate);
        recorder.setAudioBitrate(rate * channels * 16);
        recorder.start();
        try {
            TestPattern pattern = new TestPattern(width, height);
            byte[] bgr = new byte[width * height * 3];
            ByteBuffer direct = ByteBuffer.allocateDirect(bgr.length);
            int perFrame = pcm.length / channels / frames;
            for (int i = 0; i < frames; i++) {
                pattern.paint(bgr, i);
                FrameIndexBarcode.draw(bgr, width, height, i);
                direct.clear();
                direct.put(bgr).flip();
                recorder.recordImage(width, height, Frame.DEPTH_UBYTE, 3, width * 3, avutil.AV_PIX_FMT_BGR24, direct);
                int from = i * perFrame * channels;
                int to = i == frames - 1 ? pcm.length : from + perFrame * channels;
                recorder.recordSamples(rate, channels, ShortBuffer.wrap(java.util.Arrays.copyOfRange(pcm, from, to)));
            }
        } finally {
            recorder.stop();
        }
        return out;
    }

    /** {@code frames} samples per channel of reproducible noise, interleaved, at about a quarter of full scale. */
    public static short[] noise(int frames, int channels, long seed) {
        java.util.Random random = new java.util.Random(seed);
        short[] pcm = new short[frames * channels];
        for (int i = 0; i < pcm.length; i++) {
            pcm[i] = (short) (random.nextGaussian() * 6000);
        }
        return pcm;
    }
}
