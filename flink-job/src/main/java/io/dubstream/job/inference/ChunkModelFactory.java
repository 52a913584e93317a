package io.dubstream.job.inference;

import java.io.Serializable;

import io.dubstream.job.inference.dub.DubSettings;
import io.dubstream.job.inference.dub.DubbingStage;
import io.dubstream.job.inference.dub.EspeakSynthesizer;
import io.dubstream.job.inference.dub.SynthesisException;
import io.dubstream.job.inference.dub.SpeechSynthesizers;
import io.dubstream.job.inference.dub.TorchScriptSpeechModel;
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

    /** As {@link #staged(String, String, ChunkModels.Settings, DubSettings)} with the default dub settings. */
    static ChunkModelFactory staged(String voice, String name, ChunkModels.Settings settings) {
        return staged(voice, name, settings, DubSettings.DEFAULTS);
    }

    /**
     * The voice {@code voice} followed by the model called {@code name}. The voice is a speech
     * synthesizer ({@link SpeechSynthesizers}: {@code espeak-ng} or a {@code .tts.pt} TorchScript
     * file), which dubs the clip's script lines ({@link DubbingStage}, with {@code dub}); an audio
     * effect ({@link VoiceModels}: a built-in name or a TorchScript {@code .pt} file); or
     * {@link #VOICE_NONE}.
     */
    static ChunkModelFactory staged(String voice, String name, ChunkModels.Settings settings, DubSettings dub) {
        // refuse unknown names when the graph is built, not on the task managers
        ChunkModels.check(name);
        boolean synthesizer = SpeechSynthesizers.isSynthesizer(voice);
        if (!VOICE_NONE.equals(voice) && !synthesizer && !VoiceModels.NAMES.contains(voice)
                && !java.nio.file.Files.isRegularFile(java.nio.file.Path.of(voice))) {
            throw new IllegalArgumentException("unknown voice '" + voice + "': none, a speech synthesizer "
                    + SpeechSynthesizers.NAMES + " or a TorchScript text-to-speech file (" + TorchScriptSpeechModel.SUFFIX
                    + "), a voice effect " + VoiceModels.NAMES + " or a TorchScript voice model (.pt)");
        }
        if (EspeakSynthesizer.NAME.equals(voice)) {
            // a missing espeak-ng is said once when the job is built, not by every task manager in a restart loop
            try {
                new EspeakSynthesizer().close();
            } catch (SynthesisException e) {
                throw new IllegalArgumentException("--voice " + voice + ": " + e.getMessage(), e);
            }
        }
        if (synthesizer) {
            return () -> new StagedModel(null, new DubbingStage(SpeechSynthesizers.open(voice,
                    InferenceDevice.resolve(settings.device())), dub), ChunkModels.open(name, settings));
        }
        return () -> new StagedModel(VOICE_NONE.equals(voice) ? null : new VoiceStage(VoiceModels.open(voice,
                TorchScriptVoiceModel.DEFAULT_SAMPLE_RATE, InferenceDevice.resolve(settings.device()))),
                ChunkModels.open(name, settings));
    }
}
