package io.dubstream.job.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import io.dubstream.connectors.records.ClipManifest;
import io.dubstream.connectors.records.TestManifests;
import io.dubstream.job.inference.voice.PitchShiftVoiceModel;
import io.dubstream.job.inference.voice.VoiceStage;
import io.dubstream.job.records.Chunk;

class StagedModelTest {

    private static final ClipManifest MANIFEST = TestManifests.of("clip", 64, 36, 25, 1, 300, 16_000, 1, 1L);

    private static Chunk chunkWithTone(int samples) {
        short[] tone = new short[samples];
        for (int i = 0; i < samples; i++) {
            tone[i] = (short) Math.round(8000 * Math.sin(2 * Math.PI * 220 * i / 16_000.0));
        }
        return Chunk.of(MANIFEST, 0, false, 0, new byte[][] {{1}, {2}}, 0, tone, 1, samples / 2, null);
    }

    @Test
    void theVoiceStageChangesTheAudioAndKeepsItsLengthThenTheFrameModelRuns() throws Exception {
        Chunk chunk = chunkWithTone(16_000);
        try (StagedModel model = new StagedModel(new VoiceStage(new PitchShiftVoiceModel()), new IdentityModel())) {
            Chunk out = model.process(chunk);
            assertThat(out.getSamples()).hasSameSizeAs(chunk.getSamples()).isNotEqualTo(chunk.getSamples());
            assertThat(out.getImages()).isEqualTo(chunk.getImages());
            assertThat(model.name()).isEqualTo("voice-pitch-shift+identity");
        }
    }

    @Test
    void withoutAVoiceStageTheAudioPassesThrough() throws Exception {
        Chunk chunk = chunkWithTone(1000);
        try (StagedModel model = new StagedModel(null, new IdentityModel())) {
            assertThat(model.process(chunk)).isEqualTo(chunk);
            assertThat(model.name()).isEqualTo("identity");
        }
    }

    @Test
    void unknownVoiceModelsAreRefusedWhenTheGraphIsBuilt() {
        assertThatThrownBy(() -> ChunkModelFactory.staged("voice-robot", "identity", ChunkModels.Settings.of(0.9f)))
                .hasMessageContaining("unknown voice 'voice-robot'").hasMessageContaining("voice-pitch-shift")
                .hasMessageContaining("espeak-ng").hasMessageContaining(".tts.pt");
        assertThatThrownBy(() -> ChunkModelFactory.staged("none", "wav3lip", ChunkModels.Settings.of(0.9f)))
                .hasMessageContaining("unknown model 'wav3lip'");
    }
}
