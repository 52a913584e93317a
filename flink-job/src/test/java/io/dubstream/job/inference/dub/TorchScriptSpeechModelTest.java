package io.dubstream.job.inference.dub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import java.io.Reader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/**
 * {@link TorchScriptSpeechModel} on the committed TorchScript fixtures (written by
 * {@code src/test/resources/models/make_tts_fixture.py} with Python's torch).
 */
class TorchScriptSpeechModelTest {

    static JsonObject expected;

    @BeforeAll
    static void readExpected() throws Exception {
        try (Reader r = Files.newBufferedReader(model("tts-fixture-expected.json"), StandardCharsets.UTF_8)) {
            expected = JsonParser.parseReader(r).getAsJsonObject();
        }
    }

    static LineRequest line(int index, String text, float[] prompt, int rate) {
        return new LineRequest("clip-1", index, text, "fr", "", 0, 2_000_000, prompt, rate);
    }

    static List<LineRequest> expectedLines() {
        List<LineRequest> lines = new ArrayList<>();
        JsonArray texts = expected.getAsJsonArray("texts");
        for (int i = 0; i < texts.size(); i++) {
            lines.add(line(i, texts.get(i).getAsString(), floats(expected.getAsJsonArray("prompts").get(i)), 24_000));
        }
        return lines;
    }

    @Test
    void tokensAreUtf8BytesPlusOne() {
        JsonArray texts = expected.getAsJsonArray("texts");
        for (int i = 0; i < texts.size(); i++) {
            JsonArray tokens = expected.getAsJsonArray("tokens").get(i).getAsJsonArray();
            long[] ids = SpeechTranslator.tokens(texts.get(i).getAsString());
            assertThat(ids).hasSize(tokens.size());
            for (int j = 0; j < ids.length; j++) {
                assertThat(ids[j]).isEqualTo(tokens.get(j).getAsLong());
            }
        }
        assertThat(SpeechTranslator.tokens("Ça")).containsExactly(0xC3 + 1, 0x87 + 1, 'a' + 1);
    }

    @Test
    void reproducesWhatPythonComputedForABatchOfTwoLines() throws Exception {
        List<LineRequest> lines = expectedLines();
        try (TorchScriptSpeechModel tts = open("tts-fixture.tts.pt")) {
            assertThat(tts.sampleRate()).isEqualTo(24_000);
            List<Speech> speech = tts.synthesize(lines);
            assertThat(speech).hasSize(2);
            assertThat(speech.get(0).samples()).hasSize(4 * 240); // "Oui.": 4 bytes, 240 samples each
            assertThat(speech.get(1).samples()).hasSize(19 * 240); // "Ça va très bien !": 19 UTF-8 bytes
            for (int i = 0; i < 2; i++) {
                assertThat(speech.get(i).sampleRate()).isEqualTo(24_000);
                assertClose(speech.get(i).samples(), floats(expected.getAsJsonArray("audio").get(i)));
            }
            // a line alone gives what it gave in the batch, unpadded
            Speech alone = tts.synthesize(List.of(lines.get(0))).get(0);
            assertThat(alone.samples()).isEqualTo(speech.get(0).samples());
            assertThat(tts.synthesize(List.of())).isEmpty();
        }
    }

    @Test
    void thePromptIsResampledToTheModelsRate() throws Exception {
        float[] at24 = sine(300, 24_000, 2_400, 0.5f);
        float[] at48 = sine(300, 48_000, 4_800, 0.5f);
        try (TorchScriptSpeechModel tts = open("tts-fixture.tts.pt")) {
            List<Speech> speech = tts.synthesize(List.of(line(0, "a", at24, 24_000), line(1, "a", at48, 48_000),
                    line(2, "a", new float[0], 16_000)));
            float peak24 = peak(speech.get(0).samples());
            assertThat(peak(speech.get(1).samples())).isCloseTo(peak24, offset(0.005f));
            // the prompt matters: no prompt, rms 0, amplitude 0.2 instead of 0.4 * (0.5 + 0.354)
            assertThat(peak(speech.get(2).samples())).isLessThan(0.201f);
            assertThat(peak24).isGreaterThan(0.3f);
        }
    }

    @Test
    void aModelThatReturnsNaNIsRefusedByName() throws Exception {
        try (TorchScriptSpeechModel tts = open("tts-broken-nan.tts.pt")) {
            assertThatThrownBy(() -> tts.synthesize(expectedLines()))
                    .isInstanceOf(SynthesisException.class)
                    .hasMessageContaining("tts-broken-nan.tts.pt returned a non-finite value (NaN) at sample 0 of "
                            + "line 0 of clip clip-1");
        }
    }

    @Test
    void aModelWhoseLengthsExceedItsAudioIsRefused() throws Exception {
        try (TorchScriptSpeechModel tts = open("tts-broken-shape.tts.pt")) {
            assertThatThrownBy(() -> tts.synthesize(expectedLines()))
                    .isInstanceOf(SynthesisException.class)
                    .hasMessageContaining("tts-broken-shape.tts.pt returned audio_lengths 4561 for line 1 of clip "
                            + "clip-1, outside the 4560 samples it returned");
        }
    }

    @Test
    void aModelThatFailsIsReportedWithItsError() throws Exception {
        try (TorchScriptSpeechModel tts = open("tts-broken-raises.tts.pt")) {
            assertThatThrownBy(() -> tts.synthesize(expectedLines()))
                    .isInstanceOf(SynthesisException.class)
                    .hasMessageContaining("TTS model " + tts.name() + " failed on a batch of 2 lines from line 0 "
                            + "of clip clip-1")
                    .hasMessageContaining("this TTS model always fails");
        }
    }

    @Test
    void aFileThatIsNoModelIsRefused() throws Exception {
        assertThatThrownBy(() -> new TorchScriptSpeechModel(model("make_tts_fixture.py"), 24_000, null))
                .isInstanceOf(SynthesisException.class)
                .hasMessageContaining("make_tts_fixture.py could not be loaded");
        assertThatThrownBy(() -> new TorchScriptSpeechModel(Path.of("no/such/voice.tts.pt"), 24_000, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("TTS model file no/such/voice.tts.pt does not exist or is not a file");
    }

    @Test
    void figures() throws Exception {
        List<LineRequest> lines = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            lines.add(line(i, "Ligne numéro " + i + " : une phrase de longueur moyenne, pour voir.",
                    sine(200, 24_000, 24_000, 0.3f), 24_000));
        }
        try (TorchScriptSpeechModel tts = open("tts-fixture.tts.pt")) {
            for (int i = 0; i < 3; i++) {
                tts.synthesize(lines); // TorchScript's profiling executor optimizes over the first calls
            }
            long start = System.nanoTime();
            double seconds = 0;
            for (int i = 0; i < 5; i++) {
                for (Speech s : tts.synthesize(lines)) {
                    seconds += s.micros() / 1e6;
                }
            }
            double wall = (System.nanoTime() - start) / 1e9;
            System.out.printf(Locale.ROOT, "tts-fixture.tts.pt: %.1f s of speech in %.3f s, %.4f s per second of speech"
                    + " (batches of 8 lines, 1 s prompts, CPU)%n", seconds, wall, wall / seconds);
        }
    }

    static TorchScriptSpeechModel open(String file) throws Exception {
        return new TorchScriptSpeechModel(model(file), 24_000, null);
    }

    static Path model(String file) throws URISyntaxException {
        return Path.of(TorchScriptSpeechModelTest.class.getResource("/models/" + file).toURI());
    }

    private static void assertClose(float[] actual, float[] expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < actual.length; i++) {
            assertThat(actual[i]).as("sample %d", i).isCloseTo(expected[i], offset(1e-5f));
        }
    }

    private static float[] sine(double hz, int rate, int n, float amplitude) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (amplitude * Math.sin(2 * Math.PI * hz * i / rate));
        }
        return x;
    }

    private static float peak(float[] x) {
        float p = 0;
        for (float v : x) {
            p = Math.max(p, Math.abs(v));
        }
        return p;
    }

    private static float[] floats(com.google.gson.JsonElement array) {
        JsonArray a = array.getAsJsonArray();
        float[] x = new float[a.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = a.get(i).getAsFloat();
        }
        return x;
    }
}
