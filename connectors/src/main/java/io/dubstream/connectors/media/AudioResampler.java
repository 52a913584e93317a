package io.dubstream.connectors.media;

import static org.bytedeco.ffmpeg.global.avutil.AV_SAMPLE_FMT_S16;

import org.bytedeco.ffmpeg.avutil.AVChannelLayout;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.ffmpeg.global.swresample;
import org.bytedeco.ffmpeg.swresample.SwrContext;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.javacpp.ShortPointer;

/**
 * Changes the sample rate of interleaved signed 16-bit audio with FFmpeg's libswresample, and can be
 * flushed: the resampler's filter holds back the last few samples (about 16 at 44.1 to 16 kHz)
 * until {@link #flush()} drains them. JavaCV's grabber resamples too but never flushes, so its
 * output of a clip is short by those samples. Not thread-safe.
 */
final class AudioResampler implements AutoCloseable {

    private final int inputRate;
    private final int channels;
    private final AVChannelLayout layout = new AVChannelLayout();
    private final SwrContext context = new SwrContext();
    private final PointerPointer<ShortPointer> inputPlanes = new PointerPointer<>(1);
    private final PointerPointer<ShortPointer> outputPlanes = new PointerPointer<>(1);
    private ShortPointer input = new ShortPointer(0L);
    private ShortPointer output = new ShortPointer(0L);
    private boolean closed;

    AudioResampler(int inputRate, int outputRate, int channels) throws MediaException {
        this.inputRate = inputRate;
        this.channels = channels;
        avutil.av_channel_layout_default(layout, channels);
        int ret = swresample.swr_alloc_set_opts2(context, layout, AV_SAMPLE_FMT_S16, outputRate,
                layout, AV_SAMPLE_FMT_S16, inputRate, 0, null);
        if (ret >= 0) {
            ret = swresample.swr_init(context);
        }
        if (ret < 0) {
            close();
            throw new MediaException("cannot resample audio from " + inputRate + " Hz to " + outputRate
                    + " Hz x" + channels + " (" + FFmpegRuntime.describe(ret) + ")");
        }
    }

    int inputRate() {
        return inputRate;
    }

    /** Resamples {@code frames} samples per channel of {@code interleaved}; the result may be empty. */
    short[] convert(short[] interleaved, int frames) throws MediaException {
        if (frames == 0) {
            return new short[0];
        }
        ensureInputCapacity(frames);
        input.position(0).put(interleaved, 0, frames * channels);
        return run(frames);
    }

    /** Drains the samples the filter still holds; call once, after the last {@link #convert}. */
    short[] flush() throws MediaException {
        short[] all = new short[0];
        while (true) {
            short[] part = run(0);
            if (part.length == 0) {
                return all;
            }
            short[] joined = java.util.Arrays.copyOf(all, all.length + part.length);
            System.arraycopy(part, 0, joined, all.length, part.length);
            all = joined;
        }
    }

    private short[] run(int inputFrames) throws MediaException {
        int capacity = swresample.swr_get_out_samples(context, inputFrames) + 16;
        ensureOutputCapacity(capacity);
        outputPlanes.put(0, output.position(0));
        PointerPointer<ShortPointer> in = inputFrames == 0 ? null : inputPlanes.put(0, input.position(0));
        int produced = swresample.swr_convert(context, outputPlanes, capacity, in, inputFrames);
        if (produced < 0) {
            throw new MediaException("audio resampling failed (" + FFmpegRuntime.describe(produced) + ")");
        }
        short[] result = new short[produced * channels];
        output.position(0).get(result, 0, result.length);
        return result;
    }

    private void ensureInputCapacity(int frames) {
        if (input.capacity() < (long) frames * channels) {
            input.close();
            input = new ShortPointer((long) frames * channels * 2);
        }
    }

    private void ensureOutputCapacity(int frames) {
        if (output.capacity() < (long) frames * channels) {
            output.close();
            output = new ShortPointer((long) frames * channels * 2);
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (!context.isNull()) {
            swresample.swr_free(context);
        }
        avutil.av_channel_layout_uninit(layout);
        layout.close();
        input.close();
        output.close();
        inputPlanes.close();
        outputPlanes.close();
    }
}
