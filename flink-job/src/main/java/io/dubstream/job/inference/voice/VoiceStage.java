package io.dubstream.job.inference.voice;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.dubstream.job.audio.Resampler;

/**
 * The voice stage: a chunk's audio through a {@link VoiceModel}, out with exactly as many samples as
 * went in, so that the merger's overlap-add stays aligned.
 *
 * <p>For interleaved PCM s16 at the transport rate with {@code c} channels ({@code n} samples per
 * channel):
 * <ol>
 *   <li><b>per channel</b>: each channel is a signal of its own, {@code s / 32768} per value, and goes
 *       through the model alone (a batch row per channel), so a stereo or surround source keeps its
 *       channels: speech panned to one side and a stereo background stay where they were. Mixing down
 *       and spreading the result back would make every channel the same; the price is {@code c} model
 *       rows per chunk instead of one;</li>
 *   <li><b>to the model rate</b>: {@link Resampler} (band-limited, delay-compensated), giving
 *       {@code m = ceil(n * modelRate / rate)} samples; none when the rates are equal;</li>
 *   <li><b>the model</b> on {@code B x M}: the channels of a batch of chunks are padded with zeros at the
 *       end to the longest, {@code M}, and each result is cut back to its own {@code m} (a model with a
 *       local, zero-padded receptive field gives the same result as alone; others may see the padding
 *       near a shorter chunk's end);</li>
 *   <li><b>back to the transport rate</b>: {@code ceil(m * rate / modelRate)} samples, which is never
 *       fewer than {@code n}; the samples beyond {@code n}, which lie after the chunk's end, are
 *       dropped, so the output has exactly {@code n} samples per channel;</li>
 *   <li><b>s16</b>: {@code v * 32768}, rounded to nearest and clipped to [-32768, 32767], interleaved
 *       again in the input's channel order.</li>
 * </ol>
 * Empty audio gives empty audio without calling the model. A model that throws, returns another
 * shape or a non-finite value fails the call with a {@link VoiceModelException} that names it.
 *
 * <p>The stage owns its model and closes it in {@link #close()}. Not thread-safe: one per subtask.
 */
public final class VoiceStage implements AutoCloseable {

    private final VoiceModel model;
    private final Map<Integer, Resampler[]> resamplers = new HashMap<>();

    public VoiceStage(VoiceModel model) {
        this.model = Objects.requireNonNull(model);
    }

    public VoiceModel model() {
        return model;
    }

    /**
     * Dubs one chunk's audio.
     *
     * @param samples interleaved PCM s16, {@code channels} values per sample
     * @return as many values as {@code samples}, each channel the model's output for that channel
     */
    public short[] process(short[] samples, int sampleRate, int channels) {
        return process(List.of(samples), sampleRate, channels).get(0);
    }

    /**
     * Dubs several chunks of one layout in one model call, a batch row per channel of each chunk (see the
     * class comment for the padding).
     *
     * @return for each chunk, as many values as it had
     */
    public List<short[]> process(List<short[]> chunks, int sampleRate, int channels) {
        if (sampleRate <= 0 || channels <= 0) {
            throw new IllegalArgumentException("audio needs a positive rate and channel count, got " + sampleRate
                    + " Hz and " + channels + " channels");
        }
        Resampler[] pair = resamplers.computeIfAbsent(sampleRate,
                rate -> new Resampler[] {new Resampler(rate, model.sampleRate()), new Resampler(model.sampleRate(), rate)});
        Resampler toModel = pair[0];
        Resampler fromModel = pair[1];

        List<float[]> rows = new ArrayList<>(chunks.size() * channels);
        int longest = 0;
        for (int k = 0; k < chunks.size(); k++) {
            short[] samples = chunks.get(k);
            if (samples.length % channels != 0) {
                throw new IllegalArgumentException("chunk " + k + " of the batch has " + samples.length
                        + " values, not a multiple of its " + channels + " channels");
            }
            if (samples.length == 0) {
                continue;
            }
            for (int c = 0; c < channels; c++) {
                float[] row = toModel.resample(channel(samples, channels, c));
                rows.add(row);
                longest = Math.max(longest, row.length);
            }
        }
        float[][] batch = new float[rows.size()][];
        for (int b = 0; b < batch.length; b++) {
            batch[b] = Arrays.copyOf(rows.get(b), longest);
        }
        float[][] dubbed = batch.length == 0 ? batch : run(batch);

        List<short[]> out = new ArrayList<>(chunks.size());
        int b = 0;
        for (short[] samples : chunks) {
            short[] dub = new short[samples.length];
            int n = samples.length / channels;
            for (int c = 0; c < channels && n > 0; c++, b++) {
                float[] back = fromModel.resample(Arrays.copyOf(dubbed[b], rows.get(b).length));
                toS16(back, n, channels, c, dub);
            }
            out.add(dub);
        }
        return out;
    }

    private float[][] run(float[][] batch) {
        float[][] dubbed;
        try {
            dubbed = model.process(batch);
        } catch (VoiceModelException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new VoiceModelException("voice model " + model.name() + " failed on a batch of " + batch.length + " x "
                    + batch[0].length + " samples at " + model.sampleRate() + " Hz: "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
        }
        VoiceModelException.checkOutput(model.name(), batch, dubbed);
        return dubbed;
    }

    /** Channel {@code c} of interleaved s16 as {@code s / 32768}. */
    static float[] channel(short[] samples, int channels, int c) {
        float[] x = new float[samples.length / channels];
        for (int i = 0; i < x.length; i++) {
            x[i] = samples[i * channels + c] / 32768f;
        }
        return x;
    }

    /**
     * Writes the first {@code n} values of {@code signal} (zero beyond its end) as s16 into channel
     * {@code c} of the interleaved {@code out}.
     */
    static void toS16(float[] signal, int n, int channels, int c, short[] out) {
        for (int i = 0; i < n && i < signal.length; i++) {
            long v = Math.round(signal[i] * 32768.0);
            out[i * channels + c] = (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, v));
        }
    }

    @Override
    public void close() {
        model.close();
    }
}
