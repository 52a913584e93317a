package io.dubstream.job.inference.dub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import io.dubstream.connectors.records.ClipManifest;
import io.dubstream.connectors.records.ScriptLine;
import io.dubstream.connectors.records.TestManifests;
import io.dubstream.job.records.Chunk;

/**
 * {@link DubbingStage} on chunks of a 48 kHz stereo clip with a script: audio outside the lines
 * sample-exact, the dub under them, the same dub in both chunks of a seam, every line counted once,
 * and where the dub speaks.
 */
class DubbingStageTest {

    private static final int RATE = 48_000;
    private static final long S = 1_000_000;

    /** Three lines; the second ends 0.3 s before the cut at 10 s, the third starts 0.2 s after it. */
    private static final List<ScriptLine> SCRIPT = List.of(
            new ScriptLine("clip", 0, 1 * S, 3 * S, "Bonjour", "fr", "Anna"),
            new ScriptLine("clip", 1, 7 * S, 9_700_000, "Comment allez-vous ?", "fr", "Anna"),
            new ScriptLine("clip", 2, 10_200_000, 12 * S, "Très bien, merci.", "fr", "Ben"));

    @Test
    void theDubSpeaksUnderItsLinesAndTheAudioOutsideIsUntouched() throws Exception {
        Chunk chunk = chunk(0, 0, 11 * S, 0, 10 * S);
        TestingSynthesizer synthesizer = new TestingSynthesizer(0.5);
        try (DubbingStage stage = new DubbingStage(synthesizer, DubSettings.DEFAULTS)) {
            Chunk out = stage.process(chunk);

            long[] spoken = out.getSpokenMicros();
            // lines 0, 1 and 2 overlap [0, 11 s); each is as long as half its slot: it fits
            assertThat(spoken).containsExactly(1 * S, 2 * S, 7 * S, 8_350_000, 10_200_000, 11_100_000);
            short[] in = chunk.getSamples();
            short[] dubbed = out.getSamples();
            long ramp = DubSettings.DEFAULTS.duckRampMicros();
            int changed = 0;
            for (int s = 0; s < in.length / 2; s++) {
                long t = s * S / RATE;
                boolean near = false;
                for (int i = 0; i < spoken.length; i += 2) {
                    near |= t >= spoken[i] - ramp - 100 && t < spoken[i + 1] + ramp + 100;
                }
                if (!near) {
                    assertThat(dubbed[2 * s]).as("left sample %d", s).isEqualTo(in[2 * s]);
                    assertThat(dubbed[2 * s + 1]).as("right sample %d", s).isEqualTo(in[2 * s + 1]);
                } else if (dubbed[2 * s] != in[2 * s]) {
                    changed++;
                }
            }
            assertThat(changed).as("samples changed under the lines").isGreaterThan(RATE * 2);
            assertThat(synthesizer.spoken).containsExactly(0, 1, 2);
            // counted by the chunk whose core holds the start: lines 0 and 1
            assertThat(stage.counts()).containsEntry(DubbingStage.LINES_SPOKEN, 2L)
                    .containsEntry(DubbingStage.LINES_EXTENDED, 0L);
            assertThat(out.getDubLines()).as("spoken, extended, stretched, cut").containsExactly(2, 0, 0, 0);
            assertThat(out.getImages()).isSameAs(chunk.getImages());
        }
    }

    @Test
    void bothChunksOfASeamCarryTheSameDubInTheirOverlap() throws Exception {
        // chunk 0: core [0, 10 s), audio [0, 11 s); chunk 1: core [10 s, 20 s), audio [9 s, 21 s)
        Chunk first = chunk(0, 0, 11 * S, 0, 10 * S);
        Chunk second = chunk(1, 9 * S, 21 * S, 10 * S, 20 * S);
        try (DubbingStage stage = new DubbingStage(new TestingSynthesizer(1.6), DubSettings.DEFAULTS)) {
            Chunk a = stage.process(first);
            Chunk b = stage.process(second);

            // the overlap [9 s, 11 s): the same samples in both, so the crossfade gives them back unchanged
            int from = (int) (9 * RATE) * 2;
            int to = (int) (11 * RATE) * 2;
            short[] overlapA = Arrays.copyOfRange(a.getSamples(), from, to);
            short[] overlapB = Arrays.copyOfRange(b.getSamples(), 0, to - from);
            assertThat(overlapA).isEqualTo(overlapB);
            assertThat(overlapA).isNotEqualTo(Arrays.copyOfRange(first.getSamples(), from, to));
            // every line counted once over the two chunks; line 1 (1.6 x its slot) took the silence after it
            assertThat(stage.counts()).containsEntry(DubbingStage.LINES_SPOKEN, 3L);
            assertThat(stage.counts().get(DubbingStage.LINES_EXTENDED) + stage.counts().get(DubbingStage.LINES_STRETCHED)
                    + stage.counts().get(DubbingStage.LINES_CUT)).isEqualTo(3L);
        }
    }

    @Test
    void theLinesOfChunksInFlightAreSpokenInBatchesAcrossChunks() throws Exception {
        List<Integer> batches = new ArrayList<>();
        TestingSynthesizer counting = new TestingSynthesizer(0.5) {
            @Override
            public List<Speech> synthesize(List<LineRequest> lines) {
                synchronized (batches) {
                    batches.add(lines.size());
                }
                return super.synthesize(lines);
            }
        };
        Chunk first = chunk(0, 0, 11 * S, 0, 10 * S);
        Chunk second = chunk(1, 9 * S, 21 * S, 10 * S, 20 * S);
        try (DubbingStage stage = new DubbingStage(counting, DubSettings.DEFAULTS, 5, java.time.Duration.ofSeconds(5))) {
            var a = java.util.concurrent.CompletableFuture.supplyAsync(() -> process(stage, first));
            var b = java.util.concurrent.CompletableFuture.supplyAsync(() -> process(stage, second));
            Chunk outA = a.get();
            Chunk outB = b.get();
            // 3 + 2 lines: one full batch of 5, long before the 5 s wait
            assertThat(batches).containsExactly(5);
            try (DubbingStage alone = new DubbingStage(new TestingSynthesizer(0.5), DubSettings.DEFAULTS)) {
                assertThat(outA.getSamples()).isEqualTo(alone.process(first).getSamples());
                assertThat(outB.getSamples()).isEqualTo(alone.process(second).getSamples());
            }
        }
    }

    private static Chunk process(DubbingStage stage, Chunk chunk) {
        try {
            return stage.process(chunk);
        } catch (SynthesisException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aClipWithoutAScriptPassesThrough() throws Exception {
        Chunk chunk = chunk(0, 0, 2 * S, 0, 2 * S);
        chunk.getManifest().setScriptLineCount(0);
        try (DubbingStage stage = new DubbingStage(new TestingSynthesizer(0.5), DubSettings.DEFAULTS)) {
            assertThat(stage.process(chunk)).isSameAs(chunk);
        }
    }

    @Test
    void aSynthesizerThatLosesALineFailsTheAttempt() {
        SpeechSynthesizer losing = new TestingSynthesizer(0.5) {
            @Override
            public List<Speech> synthesize(List<LineRequest> lines) {
                return super.synthesize(lines).subList(0, 1);
            }
        };
        try (DubbingStage stage = new DubbingStage(losing, DubSettings.DEFAULTS)) {
            assertThatThrownBy(() -> stage.process(chunk(0, 0, 11 * S, 0, 10 * S)))
                    .isInstanceOf(SynthesisException.class).hasMessageContaining("testing-tone failed: the model returned 1 outputs for a batch of 3");
        }
    }

    @Test
    void espeakNgSpeaksAFrenchScriptOverTheChunk() throws Exception {
        SpeechSynthesizer espeak;
        try {
            espeak = new EspeakSynthesizer();
        } catch (SynthesisException e) {
            Assumptions.abort("espeak-ng is not installed: " + e.getMessage());
            return;
        }
        Chunk chunk = chunk(0, 0, 11 * S, 0, 10 * S);
        try (DubbingStage stage = new DubbingStage(espeak, DubSettings.DEFAULTS)) {
            long started = System.nanoTime();
            Chunk out = stage.process(chunk);
            System.out.printf("dubbing stage with espeak-ng: 3 lines over 11 s of 48 kHz stereo in %.0f ms%n",
                    (System.nanoTime() - started) / 1e6);
            assertThat(out.getSpokenMicros()).hasSize(6);
            assertThat(out.getSpokenMicros()[0]).isEqualTo(1 * S);
            assertThat(out.getSamples()).isNotEqualTo(chunk.getSamples()).hasSameSizeAs(chunk.getSamples());
        }
    }

    /** A chunk of the clip: a 200 Hz hum on the left and 300 Hz on the right, with the lines it overlaps. */
    private static Chunk chunk(int index, long fromMicros, long toMicros, long coreStart, long coreEnd) {
        ClipManifest manifest = TestManifests.of("clip", 64, 36, 25, 1, 30 * 25, RATE, 2, 1L);
        manifest.setScriptLineCount(SCRIPT.size());
        manifest.setScriptLanguage("fr");
        long firstSample = fromMicros * RATE / S;
        int samples = (int) ((toMicros - fromMicros) * RATE / S);
        short[] audio = new short[samples * 2];
        for (int s = 0; s < samples; s++) {
            double t = (double) (firstSample + s) / RATE;
            audio[2 * s] = (short) (3000 * Math.sin(2 * Math.PI * 200 * t));
            audio[2 * s + 1] = (short) (3000 * Math.sin(2 * Math.PI * 300 * t));
        }
        long firstFrame = fromMicros * 25 / S;
        byte[][] images = new byte[(int) ((toMicros - fromMicros) * 25 / S)][];
        long[] pts = new long[images.length];
        for (int i = 0; i < images.length; i++) {
            images[i] = new byte[] {(byte) i};
            pts[i] = (firstFrame + i) * S / 25;
        }
        List<ScriptLine> lines = new ArrayList<>();
        for (ScriptLine line : SCRIPT) {
            if (line.getEndMicros() > fromMicros) {
                lines.add(line);
            }
        }
        Chunk chunk = Chunk.of(manifest, index, false, firstFrame, images, firstSample, audio, firstFrame + 1,
                firstSample + 1, null);
        return chunk.withTimes(pts, coreStart, coreEnd, "gap", lines.toArray(new ScriptLine[0]));
    }

    /**
     * A synthesizer for tests: a 440 Hz tone per line, {@code ofSlot} times as long as the line's
     * slot, at 24 kHz; it notes the lines it spoke.
     */
    static class TestingSynthesizer implements SpeechSynthesizer {
        final List<Integer> spoken = new ArrayList<>();
        private final double ofSlot;

        TestingSynthesizer(double ofSlot) {
            this.ofSlot = ofSlot;
        }

        @Override
        public String name() {
            return "testing-tone";
        }

        @Override
        public List<Speech> synthesize(List<LineRequest> lines) {
            List<Speech> speech = new ArrayList<>();
            for (LineRequest line : lines) {
                spoken.add(line.lineIndex());
                float[] tone = new float[(int) (line.slotMicros() * ofSlot * 24_000 / S)];
                for (int i = 0; i < tone.length; i++) {
                    tone[i] = (float) (0.3 * Math.sin(2 * Math.PI * 440 * i / 24_000.0));
                }
                speech.add(new Speech(tone, 24_000));
            }
            return speech;
        }
    }
}
