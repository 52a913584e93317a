package io.dubstream.job.inference.dub;

import java.nio.file.Path;
import java.util.List;

import ai.djl.Device;

/** Opens speech synthesizers by name: the built-in espeak-ng, or a TorchScript TTS file. */
public final class SpeechSynthesizers {

    /** The built-in synthesizers. */
    public static final List<String> NAMES = List.of(EspeakSynthesizer.NAME);

    private SpeechSynthesizers() {}

    /** Whether the voice {@code nameOrPath} names a speech synthesizer: a built-in one or a TTS file's path. */
    public static boolean isSynthesizer(String nameOrPath) {
        return NAMES.contains(nameOrPath) || nameOrPath.endsWith(TorchScriptSpeechModel.SUFFIX);
    }

    /**
     * Opens {@code espeak-ng} ({@link EspeakSynthesizer}) or, for a path ending in {@code .tts.pt}, the
     * TorchScript TTS model in that file ({@link TorchScriptSpeechModel}, at
     * {@value TorchScriptSpeechModel#DEFAULT_SAMPLE_RATE} Hz) on {@code device}.
     *
     * @param device where a TorchScript model runs; null for DJL's default (espeak-ng runs on the CPU)
     * @throws IllegalArgumentException for an unknown name or a missing file
     * @throws SynthesisException when espeak-ng is not installed or the model does not load
     */
    public static SpeechSynthesizer open(String nameOrPath, Device device) throws SynthesisException {
        if (nameOrPath.equals(EspeakSynthesizer.NAME)) {
            return new EspeakSynthesizer();
        }
        if (nameOrPath.endsWith(TorchScriptSpeechModel.SUFFIX)) {
            return new TorchScriptSpeechModel(Path.of(nameOrPath), TorchScriptSpeechModel.DEFAULT_SAMPLE_RATE, device);
        }
        throw new IllegalArgumentException("unknown speech synthesizer '" + nameOrPath + "'; built-in: " + NAMES
                + ", or the path of a TorchScript TTS file (" + TorchScriptSpeechModel.SUFFIX + ")");
    }
}
