package io.dubstream.job.inference;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.dubstream.job.DubstreamOptions;
import io.dubstream.job.inference.dub.SpeechSynthesizers;
import io.dubstream.job.inference.voice.VoiceModels;

/**
 * What one configured stage reads of the clip on each side of a chunk's core
 * ({@link ChunkModel#contextNeeded()}), and the check at start that {@code dubstream.chunk.context}
 * covers every stage: a chunk's core frames and samples then come out as the whole clip's would.
 *
 * @param stage the stage, as messages name it (e.g. {@code lip-sync (wav2lip-reference)})
 * @param needed the context it reads on each side of a core
 */
public record StageContext(String stage, Duration needed) {

    /**
     * The declared needs of the voice stage ({@code voice}: an effect, a speech synthesizer or
     * {@link ChunkModelFactory#VOICE_NONE}) and the model called {@code model}, without opening either. A
     * speech synthesizer reads the clip's script, not the neighbours' audio, and needs none.
     */
    public static List<StageContext> of(String voice, String model, ChunkModels.Settings settings) {
        List<StageContext> needs = new ArrayList<>(2);
        if (!ChunkModelFactory.VOICE_NONE.equals(voice) && !SpeechSynthesizers.isSynthesizer(voice)) {
            needs.add(new StageContext("voice (" + voice + ")", VoiceModels.contextNeeded(voice)));
        }
        needs.add(new StageContext(stageOf(model) + " (" + model + ")", ChunkModels.contextNeeded(model, settings)));
        return needs;
    }

    /**
     * Refuses a chunk context shorter than a stage's need.
     *
     * @throws IllegalArgumentException naming the stage, its need and the configured context
     */
    public static void check(Duration context, List<StageContext> needs) {
        for (StageContext need : needs) {
            if (context.compareTo(need.needed()) < 0) {
                throw new IllegalArgumentException(DubstreamOptions.CHUNK_CONTEXT.key() + " (" + seconds(context)
                        + ") is below the " + seconds(need.needed()) + " the " + need.stage()
                        + " stage reads on each side of a chunk's core; raise it to at least that");
            }
        }
    }

    /** The longer of two durations. */
    public static Duration longer(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private static String stageOf(String model) {
        return model.equals(IdentityModel.NAME) || model.equals(ColourGainModel.NAME) ? "frame" : "lip-sync";
    }

    private static String seconds(Duration d) {
        return java.math.BigDecimal.valueOf(d.toMillis(), 3).stripTrailingZeros().toPlainString() + " s";
    }
}
