package io.dubstream.job.inference.dub;

import java.nio.file.Path;
import java.util.List;

import ai.djl.Device;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.TranslateException;

import io.dubstream.job.inference.TorchScriptFiles;

/**
 * A text-to-speech model from a TorchScript file ({@code NAME.tts.pt}), run by DJL's PyTorch engine:
 *
 * <pre>
 * forward(tokens: int64[B, T], token_lengths: int64[B], prompt: float32[B, P], prompt_lengths: int64[B])
 *     -> (audio: float32[B, N], audio_lengths: int64[B])
 * </pre>
 *
 * at the model's own rate (24 kHz by default, VALL-E X's EnCodec rate) for the prompt in and the
 * audio out. Tokens are each text's UTF-8 bytes plus one (0 pads); see {@link SpeechTranslator} for
 * the padding and the checks on the output, and {@code docs/models.md} for how a VALL-E X class model
 * is exported to it.
 *
 * <p>The file is loaded once through {@link TorchScriptFiles} on the given device, with one
 * {@link Predictor} for this instance; a call sends all its lines as one batch. Not thread-safe (the
 * Predictor is not): one instance per subtask; {@link #close()} frees the native memory.
 */
public final class TorchScriptSpeechModel implements SpeechSynthesizer {

    public static final int DEFAULT_SAMPLE_RATE = 24_000;

    /** How a TorchScript TTS file's name ends. */
    public static final String SUFFIX = ".tts.pt";

    private final String name;
    private final int sampleRate;
    private final ZooModel<NDList, NDList> model;
    private final Predictor<List<LineRequest>, List<Speech>> predictor;

    /**
     * @param file a TorchScript file with the contract above
     * @param sampleRate the model's rate, for the prompt it takes and the audio it returns
     * @param device where it runs; null for DJL's default device (the first GPU, else the CPU)
     * @throws SynthesisException when the file does not load
     */
    public TorchScriptSpeechModel(Path file, int sampleRate, Device device) throws SynthesisException {
        if (sampleRate <= 0) {
            throw new IllegalArgumentException("sample rate must be positive, got " + sampleRate);
        }
        this.name = file.toString();
        this.sampleRate = sampleRate;
        this.model = TorchScriptFiles.open("TTS model", file, device, SynthesisException::new);
        this.predictor = model.newPredictor(new SpeechTranslator("TTS model " + name, sampleRate));
    }

    /** The model's rate, in Hz: of the prompt it takes and the speech it returns. */
    public int sampleRate() {
        return sampleRate;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public List<Speech> synthesize(List<LineRequest> lines) throws SynthesisException {
        if (lines.isEmpty()) {
            return List.of();
        }
        try {
            return predictor.predict(lines);
        } catch (TranslateException | RuntimeException e) {
            for (Throwable c = e; c != null; c = c.getCause()) {
                if (c instanceof SpeechTranslator.BrokenContract broken) {
                    throw new SynthesisException(broken.getMessage(), e);
                }
            }
            LineRequest first = lines.get(0);
            throw new SynthesisException("TTS model " + name + " failed on a batch of " + lines.size()
                    + " lines from line " + first.lineIndex() + " of clip " + first.clipId() + ": "
                    + TorchScriptFiles.describe(e), e);
        }
    }

    @Override
    public void close() {
        predictor.close();
        model.close();
    }

    @Override
    public String toString() {
        return "TorchScriptSpeechModel{" + name + " at " + sampleRate + " Hz}";
    }
}
