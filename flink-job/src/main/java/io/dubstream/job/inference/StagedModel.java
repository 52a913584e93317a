package io.dubstream.job.inference;

import java.util.Map;
import java.util.Objects;

import io.dubstream.job.inference.voice.VoiceStage;
import io.dubstream.job.records.Chunk;

/**
 * A chunk through the voice stage (dubbed speech of the same length), then through the frame model
 * (lip-sync, or a test transform). Either stage may be absent.
 */
public final class StagedModel implements ChunkModel {

    private final VoiceStage voice;
    private final ChunkModel frames;

    /**
     * @param voice the voice stage, or null for none (audio passes through)
     * @param frames the model for the rest of the chunk
     */
    public StagedModel(VoiceStage voice, ChunkModel frames) {
        this.voice = voice;
        this.frames = Objects.requireNonNull(frames);
    }

    @Override
    public String name() {
        return voice == null ? frames.name() : voice.model().name() + "+" + frames.name();
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
        return frames.process(dubbed);
    }

    /** The frame model's counts: the voice stage counts nothing. */
    @Override
    public Map<String, Long> counts() {
        return frames.counts();
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
        }
    }
}
