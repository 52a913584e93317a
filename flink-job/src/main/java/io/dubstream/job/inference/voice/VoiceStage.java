package io.dubstream.job.inference.voice;

import java.util.ArrayList;
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
 *   <li><b>mono</b>: the channels are averaged, {@code s / 32768} per value. The voice stage runs on
 *       mono (speech models do); its output is written back to every channel;</li>
 *   <li><b>to the model rate</b>: {@link Resampler} (band-limited, delay-compensated), giving
 *       {@code m = ceil(n * modelRate / rate)} samples; none when the rates are equal;</li>
 *   <li><b>the model</b> on {@code B x M}: a batch of chunks is padded with zeros at the end to the
 *       longest, {@code M}, and each result is cut back to its own {@code m} (a model with a local,
 *       zero-padded receptive field gives the same result as alone; others may see the padding near
 *       a shorter chunk's end);</li>
 *   <li><b>back to the transport rate</b>: {@code ceil(m * rate / modelRate)} samples, which is never
 *       fewer than {@code n}; the samples beyond {@code n}, which lie after the chunk's end, are
 *       dropped, so the output has exactly {@code n} samples per channel;</li>
 *   <li><b>s16</b>: {@code v * 32768}, rounded to nearest and clipped to [-32768, 32767].</li>
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
     * @return as many values as {@code samples}, every channel holding the model's mono output
     */
    public short[] process(short[] samples, int sampleRate, int channels) {
        return process(List.of(samples), sampleRate, channels).get(0);
    }

    /**
     * Dubs several chunks of one layout in one model call (see the class comment for the padding).
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

        List<float[]> atModelRate = new ArrayList<>(chunks.size());
        int longest = 0;
        for (int c = 0; c < chunks.size(); c++) {
            short[] samples = chunks.get(c);
            if (samples.length % channels != 0) {
                throw new IllegalArgumentException("chunk " + c + " of the batch has " + samples.length
                        + " values, not a multiple of its " + channels + " channels");
            }
            float[] mono = toModel.resample(mono(samples, channels));
            atModelRate.add(mono);
            longest = Math.max(longest, mono.length);
        }

        List<float[]> nonEmpty = new ArrayList<>();
        for (float[] mono : atModelRate) {
            if (mono.length > 0) {
                nonEmpty.add(mono);
            }
        }
        float[][] batch = new float[nonEmpty.size()][];
        for (int b = 0; b < batch.length; b++) {
            float[] padded = new float[longest];
            System.arraycopy(nonEmpty.get(b), 0, padded, 0, nonEmpty.get(b).length);
            batch[b] = padded;
        }
        float[][] dubbed = batch.length == 0 ? batch : run(batch);

        List<short[]> out = new ArrayList<>(chunks.size());
        int b = 0;
        for (int c = 0; c < chunks.size(); c++) {
            int n = chunks.get(c).length / channels;
            int m = atModelRate.get(c).length;
            if (m == 0) {
                out.add(new short[chunks.get(c).length]);
                continue;
            }
            float[] own = new float[m];
            System.arraycopy(dubbed[b++], 0, own, 0, m);
            float[] back = fromModel.resample(own);
            out.add(toS16(back, n, channels));
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

    /** The mean of the channels, {@code s / 32768}. */
    static float[] mono(short[] samples, int channels) {
        int n = samples.length / channels;
        float[] mono = new float[n];
        for (int i = 0; i < n; i++) {
            int sum = 0;
            for (int c = 0; c < channels; c++) {
                sum += samples[i * channels + c];
            }
            mono[i] = sum / (32768f * channels);
        }
        return mono;
    }

    /** The first {@code n} values (zero beyond {@code mono}'s end) as s16 on every channel. */
    static short[] toS16(float[] mono, int n, int channels) {
        short[] out = new short[n * channels];
        for (int i = 0; i < n && i < mono.length; i++) {
            long v = Math.round(mono[i] * 32768.0);
            short s = (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, v));
            for (int c = 0; c < channels; c++) {
                out[i * channels + c] = s;
            }
        }
        return out;
    }

    @Override
    public void close() {
        model.close();
    }
}
