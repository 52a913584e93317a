package io.dubstream.job.inference.dub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;

/** {@link SpeechSynthesizers#open}: by name or by file. */
class SpeechSynthesizersTest {

    @Test
    void opensEspeakNgByName() throws Exception {
        assumeTrue(EspeakSynthesizerTest.isInstalled(), "espeak-ng is not installed (apt-get install espeak-ng)");
        assertThat(SpeechSynthesizers.NAMES).containsExactly("espeak-ng");
        try (SpeechSynthesizer s = SpeechSynthesizers.open("espeak-ng", null)) {
            assertThat(s).isInstanceOf(EspeakSynthesizer.class);
            assertThat(s.name()).isEqualTo("espeak-ng");
        }
    }

    @Test
    void opensATorchScriptTtsFile() throws Exception {
        String file = TorchScriptSpeechModelTest.model("tts-fixture.tts.pt").toString();
        try (SpeechSynthesizer s = SpeechSynthesizers.open(file, null)) {
            assertThat(s).isInstanceOf(TorchScriptSpeechModel.class);
            assertThat(s.name()).isEqualTo(file);
        }
    }

    @Test
    void refusesAnythingElseListingTheChoices() {
        assertThatThrownBy(() -> SpeechSynthesizers.open("vall-e-x", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown speech synthesizer 'vall-e-x'; built-in: [espeak-ng], or the path of a "
                        + "TorchScript TTS file (.tts.pt)");
        assertThatThrownBy(() -> SpeechSynthesizers.open("voice.pt", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("unknown speech synthesizer 'voice.pt'");
    }
}
