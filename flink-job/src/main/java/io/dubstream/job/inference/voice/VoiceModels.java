package io.dubstream.job.inference.voice;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import ai.djl.Device;

/** Opens voice models by name: a built-in one, or a TorchScript file. */
public final class VoiceModels {

    /** The built-in voice models. */
    public static final List<String> NAMES = List.of(IdentityVoiceModel.NAME, PitchShiftVoiceModel.NAME);

    private VoiceModels() {}

    /**
     * What the voice model called {@code nameOrPath} declares as {@link VoiceModel#contextNeeded()},
     * without opening it: a TorchScript file declares none.
     */
    public static Duration contextNeeded(String nameOrPath) {
        return PitchShiftVoiceModel.NAME.equals(nameOrPath) ? PitchShiftVoiceModel.CONTEXT_NEEDED : Duration.ZERO;
    }

    /** {@link #open(String, int)} with TorchScript files at {@value TorchScriptVoiceModel#DEFAULT_SAMPLE_RATE} Hz. */
    public static VoiceModel open(String nameOrPath) {
        return open(nameOrPath, TorchScriptVoiceModel.DEFAULT_SAMPLE_RATE);
    }

    /**
     * Opens {@code voice-identity}, {@code voice-pitch-shift} (+4 semitones) or, for a name ending in
     * {@code .pt}, the TorchScript file at that path.
     *
     * @param torchScriptSampleRate the sample rate of a TorchScript model (the built-ins have their own)
     * @throws IllegalArgumentException for an unknown name or a missing file
     * @throws VoiceModelException when a TorchScript file does not load
     */
    public static VoiceModel open(String nameOrPath, int torchScriptSampleRate) {
        return open(nameOrPath, torchScriptSampleRate, null);
    }

    /**
     * As {@link #open(String, int)}, a TorchScript model on {@code device} (null: DJL's default). The
     * built-in voice models are light DSP and run on the CPU.
     */
    public static VoiceModel open(String nameOrPath, int torchScriptSampleRate, Device device) {
        return switch (nameOrPath) {
            case IdentityVoiceModel.NAME -> new IdentityVoiceModel();
            case PitchShiftVoiceModel.NAME -> new PitchShiftVoiceModel();
            default -> {
                if (nameOrPath.endsWith(".pt")) {
                    yield new TorchScriptVoiceModel(Path.of(nameOrPath), torchScriptSampleRate, device);
                }
                throw new IllegalArgumentException("unknown voice model '" + nameOrPath + "'; built-in voice models: "
                        + NAMES + ", or the path of a TorchScript file (.pt)");
            }
        };
    }
}
