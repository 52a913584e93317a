package io.dubstream.job.inference.dub;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslatorContext;

import io.dubstream.job.audio.Resampler;

/**
 * The TorchScript TTS contract as a DJL translator: a batch of lines in, one {@link Speech} per line
 * out, at the model's rate.
 *
 * <p>In ({@link #processInput}), four tensors, padded on the right with 0 to the batch's longest:
 * {@code tokens int64[B, T]} (each line's text as UTF-8 bytes plus one, so 0 is padding: see
 * {@link #tokens(String)}), {@code token_lengths int64[B]}, {@code prompt float32[B, P]} (each
 * line's prompt resampled to the model's rate) and {@code prompt_lengths int64[B]}. T and P are at
 * least 1, so no tensor is empty.
 *
 * <p>Out ({@link #processOutput}): {@code audio float32[B, N]} and {@code audio_lengths int64[B]};
 * line {@code b} is the first {@code audio_lengths[b]} samples of row {@code b}. Anything else (other
 * shapes or types, a length outside [0, N], a NaN or infinite sample within a length) is a
 * {@link BrokenContract} that names the line.
 */
final class SpeechTranslator implements NoBatchifyTranslator<List<LineRequest>, List<Speech>> {

    private final String model;
    private final int sampleRate;
    private static final String LINES = "lines";

    private final Map<Integer, Resampler> resamplers = new HashMap<>();

    SpeechTranslator(String model, int sampleRate) {
        this.model = model;
        this.sampleRate = sampleRate;
    }

    /** The token ids of {@code text}: its UTF-8 bytes (0..255) plus one, 1..256; 0 is padding. */
    static long[] tokens(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        long[] ids = new long[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            ids[i] = Byte.toUnsignedInt(bytes[i]) + 1;
        }
        return ids;
    }

    @Override
    public NDList processInput(TranslatorContext ctx, List<LineRequest> input) {
        ctx.setAttachment(LINES, input);
        int b = input.size();
        long[][] tokens = new long[b][];
        float[][] prompts = new float[b][];
        int t = 1;
        int p = 1;
        for (int i = 0; i < b; i++) {
            tokens[i] = tokens(input.get(i).text());
            prompts[i] = prompt(input.get(i));
            t = Math.max(t, tokens[i].length);
            p = Math.max(p, prompts[i].length);
        }
        long[] tokenIds = new long[b * t];
        long[] tokenLengths = new long[b];
        float[] prompt = new float[b * p];
        long[] promptLengths = new long[b];
        for (int i = 0; i < b; i++) {
            System.arraycopy(tokens[i], 0, tokenIds, i * t, tokens[i].length);
            tokenLengths[i] = tokens[i].length;
            System.arraycopy(prompts[i], 0, prompt, i * p, prompts[i].length);
            promptLengths[i] = prompts[i].length;
        }
        NDManager m = ctx.getNDManager();
        return new NDList(m.create(tokenIds, new Shape(b, t)), m.create(tokenLengths, new Shape(b)),
                m.create(prompt, new Shape(b, p)), m.create(promptLengths, new Shape(b)));
    }

    private float[] prompt(LineRequest line) {
        if (line.prompt().length == 0 || line.promptRate() == sampleRate) {
            return line.prompt();
        }
        if (line.promptRate() <= 0) {
            throw new IllegalArgumentException("line " + line.lineIndex() + " of clip " + line.clipId()
                    + " has a prompt at " + line.promptRate() + " Hz");
        }
        return resamplers.computeIfAbsent(line.promptRate(), rate -> new Resampler(rate, sampleRate))
                .resample(line.prompt());
    }

    @Override
    public List<Speech> processOutput(TranslatorContext ctx, NDList output) {
        @SuppressWarnings("unchecked")
        List<LineRequest> lines = (List<LineRequest>) ctx.getAttachment(LINES);
        int b = lines.size();
        if (output.size() != 2) {
            throw new BrokenContract(model + " returned " + output.size()
                    + " tensors; it must return (audio float32[B, N], audio_lengths int64[B])");
        }
        NDArray audio = output.get(0);
        NDArray lengths = output.get(1);
        if (audio.getDataType() != DataType.FLOAT32 || audio.getShape().dimension() != 2
                || audio.getShape().get(0) != b) {
            throw new BrokenContract(model + " returned audio " + audio.getDataType() + " " + audio.getShape()
                    + " for " + b + " lines; it must be float32[" + b + ", N]");
        }
        if (lengths.getDataType() != DataType.INT64 || !lengths.getShape().equals(new Shape(b))) {
            throw new BrokenContract(model + " returned audio_lengths " + lengths.getDataType() + " "
                    + lengths.getShape() + " for " + b + " lines; it must be int64[" + b + "]");
        }
        int n = (int) audio.getShape().get(1);
        float[] values = audio.toFloatArray();
        long[] counts = lengths.toLongArray();
        List<Speech> out = new ArrayList<>(b);
        for (int i = 0; i < b; i++) {
            LineRequest line = lines.get(i);
            String which = "line " + line.lineIndex() + " of clip " + line.clipId();
            if (counts[i] < 0 || counts[i] > n) {
                throw new BrokenContract(model + " returned audio_lengths " + counts[i] + " for " + which
                        + ", outside the " + n + " samples it returned");
            }
            float[] speech = new float[(int) counts[i]];
            System.arraycopy(values, i * n, speech, 0, speech.length);
            for (int j = 0; j < speech.length; j++) {
                if (!Float.isFinite(speech[j])) {
                    throw new BrokenContract(model + " returned a non-finite value (" + speech[j] + ") at sample " + j
                            + " of " + which);
                }
            }
            out.add(new Speech(speech, sampleRate));
        }
        return out;
    }

    /** The model's output breaks the contract; the message says how and for which line. */
    static final class BrokenContract extends RuntimeException {

        private static final long serialVersionUID = 1L;

        BrokenContract(String message) {
            super(message);
        }
    }
}
