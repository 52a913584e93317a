package io.dubstream.job.inference;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

import io.dubstream.job.inference.dub.DubbingStage;
import io.dubstream.job.inference.voice.VoiceStage;
import io.dubstream.job.records.Chunk;

/**
 * A chunk through the voice stage (an audio effect of the same length), the dubbing stage (the
 * script's lines spoken over the audio), then the frame model (lip-sync, which follows the dubbed
 * audio, or a test transform). The voice and dubbing stages may be absent.
 */
public final class StagedModel implements ChunkModel {

    private final VoiceStage voice;
    private final DubbingStage dubbing;
    private final ChunkModel frames;

    /**
     * @param voice the voice stage, or null for none (audio passes through)
     * @param frames the model for the rest of the chunk
     */
    public StagedModel(VoiceStage voice, ChunkModel frames) {
        this(voice, null, frames);
    }

    /**
     * @param voice the voice effect, or null for none
     * @param dubbing the dubbing stage, or null for none
     * @param frames the model for the rest of the chunk
     */
    public StagedModel(VoiceStage voice, DubbingStage dubbing, ChunkModel frames) {
        this.voice = voice;
        this.dubbing = dubbing;
        this.frames = Objects.requireNonNull(frames);
    }

    @Override
    public String name() {
        String audio = voiceName();
        return audio.isEmpty() ? frames.name() : audio + "+" + frames.name();
    }

    @Override
    public String modelName() {
        return frames.modelName();
    }

    @Override
    public String voiceName() {
        return voice != null ? voice.model().name() : dubbing != null ? dubbing.synthesizer().name() : "";
    }

    @Override
    public Chunk process(Chunk chunk) throws Exception {
        Chunk dubbed = chunk;
        if (voice != null && chunk.getSamples().length > 0) {
            short[] samples;
            synchronized (voice) { // voice models hold one predictor: one chunk at a time
                samples = voice.process(chunk.getSamples(), chunk.getManifest().getSampleRate(),
                        chunk.getManifest().getChannels());
            }
            dubbed = chunk.withMedia(chunk.getImages(), samples);
        }
        if (dubbing != null) {
            // the stage batches the lines of the chunks in flight on its own thread
            dubbed = dubbing.process(dubbed);
        }
        return frames.process(dubbed);
    }

    /** The most context of the voice effect and the frame model (the dubbing stage reads the script, not the neighbours). */
    @Override
    public Duration contextNeeded() {
        Duration audio = voice != null ? voice.model().contextNeeded() : Duration.ZERO;
        return StageContext.longer(audio, frames.contextNeeded());
    }

    /** The frame model's counts, and the dubbing stage's lines; the voice effect counts nothing. */
    @Override
    public Map<String, Long> counts() {
        if (dubbing == null) {
            return frames.counts();
        }
        Map<String, Long> counts = new HashMap<>(frames.counts());
        counts.putAll(dubbing.counts());
        return counts;
    }

    @Override
    public Map<String, Long> peaks() {
        return frames.peaks();
    }

    @Override
    public void close() throws Exception {
        try {
            frames.close();
        } finally {
            if (voice != null) {
                voice.close();
            }
            if (dubbing != null) {
                dubbing.close();
            }
        }
    }
}
