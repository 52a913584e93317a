package io.dubstream.job.inference;

import java.io.Serializable;

import io.dubstream.job.inference.voice.TorchScriptVoiceModel;
import io.dubstream.job.inference.voice.VoiceModels;
import io.dubstream.job.inference.voice.VoiceStage;

/** Opens a model on a task manager: the job graph carries the factory, never the model. */
@FunctionalInterface
public interface ChunkModelFactory extends Serializable {

    ChunkModel open() throws Exception;

    /** The model called {@code name} ({@link ChunkModels}). */
    static ChunkModelFactory named(String name, float jpegQuality) {
        return staged(VOICE_NONE, name, ChunkModels.Settings.of(jpegQuality));
    }

    /** No voice stage: the audio passes through. */
    String VOICE_NONE = "none";

    /**
     * The voice model {@code voice} ({@link VoiceModels}: a built-in name or a TorchScript file, or
     * {@link #VOICE_NONE}) followed by the model called {@code name}.
     */
    static ChunkModelFactory staged(String voice, String name, ChunkModels.Settings settings) {
        // refuse unknown names when the graph is built, not on the task managers
        ChunkModels.check(name);
        if (!VOICE_NONE.equals(voice) && !VoiceModels.NAMES.contains(voice) && !java.nio.file.Files.isRegularFile(
                java.nio.file.Path.of(voice))) {
            throw new IllegalArgumentException("unknown voice model '" + voice + "': none, a built-in voice model "
                    + VoiceModels.NAMES + " or a TorchScript .pt file");
        }
        return () -> new StagedModel(VOICE_NONE.equals(voice) ? null : new VoiceStage(VoiceModels.open(voice,
                TorchScriptVoiceModel.DEFAULT_SAMPLE_RATE, InferenceDevice.resolve(settings.device()))),
                ChunkModels.open(name, settings));
    }
}
