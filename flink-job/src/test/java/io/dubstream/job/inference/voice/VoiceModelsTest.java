package io.dubstream.job.inference.voice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class VoiceModelsTest {

    @Test
    void opensTheBuiltInsByName() {
        try (VoiceModel identity = VoiceModels.open("voice-identity")) {
            assertThat(identity).isInstanceOf(IdentityVoiceModel.class);
            assertThat(identity.name()).isEqualTo("voice-identity");
            assertThat(identity.sampleRate()).isEqualTo(24_000);
            float[][] batch = {{0.5f, -0.25f}};
            assertThat(identity.process(batch)).isDeepEqualTo(batch).isNotSameAs(batch);
        }
        try (VoiceModel pitch = VoiceModels.open("voice-pitch-shift")) {
            assertThat(pitch).isInstanceOf(PitchShiftVoiceModel.class);
            assertThat(((PitchShiftVoiceModel) pitch).semitones()).isEqualTo(4.0);
            assertThat(pitch.sampleRate()).isEqualTo(24_000);
        }
        assertThat(VoiceModels.NAMES).containsExactly("voice-identity", "voice-pitch-shift");
    }

    @Test
    void opensATorchScriptFileAtTheRateAskedFor() throws Exception {
        String path = VoiceFixtureModelTest.model("voice-fixture.pt").toString();
        try (VoiceModel model = VoiceModels.open(path)) {
            assertThat(model).isInstanceOf(TorchScriptVoiceModel.class);
            assertThat(model.name()).isEqualTo(path);
            assertThat(model.sampleRate()).isEqualTo(24_000);
        }
        try (VoiceModel model = VoiceModels.open(path, 16_000)) {
            assertThat(model.sampleRate()).isEqualTo(16_000);
        }
    }

    @Test
    void opensATorchScriptFileOnTheDeviceAskedFor() throws Exception {
        String path = VoiceFixtureModelTest.model("voice-fixture.pt").toString();
        float[][] input = {{0.5f, -0.25f, 0.125f, 0f, 0.75f, -0.5f}};
        try (VoiceModel onCpu = VoiceModels.open(path, 24_000, ai.djl.Device.cpu());
                VoiceModel byDefault = VoiceModels.open(path, 24_000)) {
            assertThat(onCpu.process(input)).isDeepEqualTo(byDefault.process(input));
        }
    }

    @Test
    void refusesUnknownNamesListingTheBuiltIns() {
        assertThatThrownBy(() -> VoiceModels.open("vall-e-x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown voice model 'vall-e-x'; built-in voice models: [voice-identity, voice-pitch-shift],"
                        + " or the path of a TorchScript file (.pt)");
        assertThatThrownBy(() -> VoiceModels.open("missing/model.pt"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("missing/model.pt does not exist");
    }
}
