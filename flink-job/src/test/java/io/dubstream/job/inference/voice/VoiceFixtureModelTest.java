package io.dubstream.job.inference.voice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import java.io.IOException;
import java.io.Reader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/**
 * {@link TorchScriptVoiceModel} on the committed TorchScript fixtures (written by
 * {@code src/test/resources/models/make_voice_fixture.py} with Python's torch).
 */
class VoiceFixtureModelTest {

    @Test
    void reproducesWhatPythonComputed() throws Exception {
        JsonObject expected;
        try (Reader r = Files.newBufferedReader(model("voice-fixture-expected.json"), StandardCharsets.UTF_8)) {
            expected = JsonParser.parseReader(r).getAsJsonObject();
        }
        float[][] input = matrix(expected.getAsJsonArray("input"));
        float[][] output = matrix(expected.getAsJsonArray("output"));
        assertThat(input).hasDimensions(2, 200);
        try (TorchScriptVoiceModel model = new TorchScriptVoiceModel(model("voice-fixture.pt"))) {
            assertThat(model.sampleRate()).isEqualTo(24_000);
            assertThat(model.name()).endsWith("voice-fixture.pt");
            float[][] actual = model.process(input);
            assertThat(actual).hasDimensions(2, 200);
            for (int b = 0; b < 2; b++) {
                for (int i = 0; i < 200; i++) {
                    assertThat(actual[b][i]).as("[%d][%d]", b, i).isCloseTo(output[b][i], offset(1e-5f));
                }
            }
            // one at a time gives the same as the batch
            float[][] second = model.process(new float[][] {input[1]});
            for (int i = 0; i < 200; i++) {
                assertThat(second[0][i]).isCloseTo(output[1][i], offset(1e-5f));
            }
            // the fixture is a low-pass with gain 0.8: it is not the identity
            assertThat(Math.abs(actual[0][100] - input[0][100])).isGreaterThan(0.01f);
        }
    }

    @Test
    void aModelThatChangesTheShapeIsRefusedByName() throws Exception {
        try (TorchScriptVoiceModel model = new TorchScriptVoiceModel(model("voice-broken-shape.pt"))) {
            assertThatThrownBy(() -> model.process(new float[][] {new float[100], new float[100]}))
                    .isInstanceOf(VoiceModelException.class)
                    .hasMessageContaining("voice-broken-shape.pt")
                    .hasMessageContaining("returned shape (2, 99) for input (2, 100)");
        }
    }

    @Test
    void aModelThatReturnsNaNIsRefusedByName() throws Exception {
        try (TorchScriptVoiceModel model = new TorchScriptVoiceModel(model("voice-broken-nan.pt"))) {
            assertThatThrownBy(() -> model.process(new float[][] {new float[10]}))
                    .isInstanceOf(VoiceModelException.class)
                    .hasMessageContaining("voice-broken-nan.pt")
                    .hasMessageContaining("non-finite value (NaN) at sample 0 of signal 0");
        }
    }

    @Test
    void aModelThatFailsIsReportedWithItsError() throws Exception {
        try (TorchScriptVoiceModel model = new TorchScriptVoiceModel(model("voice-broken-raises.pt"))) {
            assertThatThrownBy(() -> model.process(new float[][] {new float[10]}))
                    .isInstanceOf(VoiceModelException.class)
                    .hasMessageContaining("voice model " + model.name() + " failed on a batch of 1 x 10 samples")
                    .hasMessageContaining("this voice model always fails");
        }
    }

    @Test
    void aFileThatIsNoModelIsRefused() throws Exception {
        assertThatThrownBy(() -> new TorchScriptVoiceModel(model("make_voice_fixture.py")))
                .isInstanceOf(VoiceModelException.class)
                .hasMessageContaining("make_voice_fixture.py could not be loaded");
        assertThatThrownBy(() -> new TorchScriptVoiceModel(Path.of("no/such/voice.pt")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("voice model file no/such/voice.pt does not exist or is not a file");
    }

    static Path model(String file) throws URISyntaxException {
        return Path.of(VoiceFixtureModelTest.class.getResource("/models/" + file).toURI());
    }

    private static float[][] matrix(JsonArray rows) {
        float[][] m = new float[rows.size()][];
        for (int b = 0; b < m.length; b++) {
            JsonArray row = rows.get(b).getAsJsonArray();
            m[b] = new float[row.size()];
            for (int i = 0; i < m[b].length; i++) {
                m[b][i] = row.get(i).getAsFloat();
            }
        }
        return m;
    }
}
