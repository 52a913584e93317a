package io.dubstream.job.inference.lipsync;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.dubstream.connectors.media.JpegCodec;
import io.dubstream.connectors.records.ClipManifest;
import io.dubstream.connectors.records.ScriptLine;
import io.dubstream.connectors.records.TestManifests;
import io.dubstream.job.inference.dub.DubSettings;
import io.dubstream.job.inference.dub.DubbingStage;
import io.dubstream.job.inference.dub.LineRequest;
import io.dubstream.job.inference.dub.Speech;
import io.dubstream.job.inference.dub.SpeechSynthesizer;
import io.dubstream.job.records.Chunk;

/**
 * Lip-sync takes its mel windows from the dubbed audio: the same chunk dubbed with two scripts that
 * say different things gives the lip-sync model different inputs, and the model sees only the frames
 * where the dub speaks.
 */
class LipSyncFollowsTheDubTest {

    @Test
    void changingTheScriptChangesTheLipSyncModelsInputs() throws Exception {
        List<float[]> first = melWindowsFor("Bonjour");
        List<float[]> second = melWindowsFor("Au revoir, et merci pour tout");
        List<float[]> again = melWindowsFor("Bonjour");

        // the line speaks over frames 2 to 5 (80 to 240 ms); of those, the five with a face are 0..4
        assertThat(first).hasSize(3).hasSameSizeAs(second);
        assertThat(first).usingRecursiveComparison().isEqualTo(again);
        int differing = 0;
        for (int i = 0; i < first.size(); i++) {
            if (!java.util.Arrays.equals(first.get(i), second.get(i))) {
                differing++;
            }
        }
        assertThat(differing).as("mel windows that differ between the two scripts").isEqualTo(first.size());
    }

    /** The mel windows the lip-sync model gets for a chunk of 8 frames dubbed with one line saying {@code text}. */
    private static List<float[]> melWindowsFor(String text) throws Exception {
        TestFrames.Frame face = TestFrames.messi();
        TestFrames.Frame plain = TestFrames.smooth(face.width(), face.height());
        ClipManifest m = TestManifests.of("clip", face.width(), face.height(), 25, 1, 8, 16_000, 1, 1L);
        m.setScriptLineCount(1);
        byte[][] images = new byte[8][];
        long[] pts = new long[8];
        for (int i = 0; i < 8; i++) {
            TestFrames.Frame f = i < 5 ? face : plain;
            images[i] = JpegCodec.encode(f.bgr(), f.width(), f.height(), 0.95f);
            pts[i] = i * 40_000L;
        }
        short[] quiet = new short[8 * 640];
        ScriptLine line = new ScriptLine("clip", 0, 80_000, 240_000, text, "fr", "");
        Chunk chunk = Chunk.of(m, 0, true, 0, images, 0, quiet, 8, quiet.length, null)
                .withTimes(pts, 0, 320_000, "end", new ScriptLine[] {line});
        LipSyncStageTest.DarkeningModel model = new LipSyncStageTest.DarkeningModel();
        try (DubbingStage dubbing = new DubbingStage(new TextToneSynthesizer(), new DubSettings(-20, 10_000, 0, 1.25, 0.8));
                LipSyncStage lipSync = new LipSyncStage(model, 4, Duration.ofMillis(5), 0.95f)) {
            lipSync.process(dubbing.process(chunk));
        }
        return new ArrayList<>(model.melWindows);
    }

    /** Speaks a line as a tone whose pitch follows its text, as long as its slot, at 16 kHz. */
    static final class TextToneSynthesizer implements SpeechSynthesizer {
        @Override
        public String name() {
            return "text-tone";
        }

        @Override
        public List<Speech> synthesize(List<LineRequest> lines) {
            List<Speech> speech = new ArrayList<>();
            for (LineRequest line : lines) {
                double pitch = 150 + Math.floorMod(line.text().hashCode(), 400);
                float[] tone = new float[(int) (line.slotMicros() * 16_000 / 1_000_000)];
                for (int i = 0; i < tone.length; i++) {
                    tone[i] = (float) (0.5 * Math.sin(2 * Math.PI * pitch * i / 16_000));
                }
                speech.add(new Speech(tone, 16_000));
            }
            return speech;
        }
    }
}
