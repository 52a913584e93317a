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
 * {@link DubbingStage} on chunks of a 48 kHz stereo clip with a script: audio outside the slots
 * sample-exact, the dub under them, each line spoken and counted once by the chunk that owns it,
 * chunks that joined at their cut give the clip dubbed whole, and where the dub speaks.
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
    void theDubSpeaksItsOwnLinesAndTheAudioOutsideTheSlotsIsUntouched() throws Exception {
        Chunk chunk = chunk(0, 0, 11 * S, 0, 10 * S);
        TestingSynthesizer synthesizer = new TestingSynthesizer(0.5);
        try (DubbingStage stage = new DubbingStage(synthesizer, DubSettings.DEFAULTS)) {
            Chunk out = stage.process(chunk);

            // lines 0 and 1 start in the core [0, 10 s): each is as long as half its slot, it fits
            long[] spoken = out.getSpokenMicros();
            assertThat(spoken).containsExactly(1 * S, 2 * S, 7 * S, 8_350_000);
            assertThat(synthesizer.spoken).as("line 2 belongs to the next chunk").containsExactly(0, 1);
            // ducked: every line's slot the chunk overlaps, line 2's [10.2 s, 11 s) too
            long[] ducked = {1 * S, 3 * S, 7 * S, 9_700_000, 10_200_000, 12 * S};
            short[] in = chunk.getSamples();
            short[] dubbed = out.getSamples();
            long ramp = DubSettings.DEFAULTS.duckRampMicros();
            int changed = 0;
            int duckedOnly = 0;
            for (int s = 0; s < in.length / 2; s++) {
                long t = s * S / RATE;
                boolean near = false;
                for (int i = 0; i < ducked.length; i += 2) {
                    near |= t >= ducked[i] - ramp - 100 && t < ducked[i + 1] + ramp + 100;
                }
                if (!near) {
                    assertThat(dubbed[2 * s]).as("left sample %d", s).isEqualTo(in[2 * s]);
                    assertThat(dubbed[2 * s + 1]).as("right sample %d", s).isEqualTo(in[2 * s + 1]);
                } else if (dubbed[2 * s] != in[2 * s]) {
                    changed++;
                }
                if (t >= 10_300_000 && in[2 * s] > 1000) {
                    // line 2's slot: the original at -20 dB, nothing added
                    assertThat((double) dubbed[2 * s]).isCloseTo(in[2 * s] * 0.1, org.assertj.core.data.Offset.offset(1.0));
                    duckedOnly++;
                }
            }
            assertThat(changed).as("samples changed under the lines").isGreaterThan(RATE * 2);
            assertThat(duckedOnly).isGreaterThan(1000);
            assertThat(stage.counts()).containsEntry(DubbingStage.LINES_SPOKEN, 2L)
                    .containsEntry(DubbingStage.LINES_EXTENDED, 0L);
            assertThat(out.getDubLines()).as("spoken, extended, stretched, cut").containsExactly(2, 0, 0, 0);
            assertThat(out.getImages()).isSameAs(chunk.getImages());
            assertThat(out.isDubbed()).isTrue();
        }
    }

    @Test
    void eachLineIsSpokenOnceAndTheChunksJoinedAtTheirCutGiveTheClipDubbedWhole() throws Exception {
        // chunk 0: core [0, 10 s), audio [0, 11 s); chunk 1: core [10 s, 20 s), audio [9 s, 21 s)
        TestingSynthesizer synthesizer = new TestingSynthesizer(0.5);
        try (DubbingStage stage = new DubbingStage(synthesizer, DubSettings.DEFAULTS);
                DubbingStage wholeStage = new DubbingStage(new TestingSynthesizer(0.5), DubSettings.DEFAULTS)) {
            Chunk a = stage.process(chunk(0, 0, 11 * S, 0, 10 * S));
            Chunk b = stage.process(chunk(1, 9 * S, 21 * S, 10 * S, 20 * S));
            Chunk whole = wholeStage.process(chunk(0, 0, 21 * S, 0, 21 * S));

            assertThat(synthesizer.spoken).as("each line once, by its owner").containsExactly(0, 1, 2);
            assertThat(stage.counts()).containsEntry(DubbingStage.LINES_SPOKEN, 3L);
            int cut = 10 * RATE * 2;
            short[] joined = new short[whole.getSamples().length];
            System.arraycopy(a.getSamples(), 0, joined, 0, cut);
            System.arraycopy(b.getSamples(), cut - 9 * RATE * 2, joined, cut, joined.length - cut);
            assertThat(joined).isEqualTo(whole.getSamples());
            assertThat(a.getSamples()).isNotEqualTo(chunk(0, 0, 11 * S, 0, 10 * S).getSamples());
        }
    }

    @Test
    void aLineNeverGrowsPastItsChunksCut() throws Exception {
        // line 1 (7 s to 9.7 s) spoken 1.6 times as long as its slot: 4.32 s
        try (DubbingStage stage = new DubbingStage(new TestingSynthesizer(1.6), DubSettings.DEFAULTS)) {
            Chunk a = stage.process(chunk(0, 0, 11 * S, 0, 10 * S));

            long[] spoken = a.getSpokenMicros();
            // it may run to the cut at 10 s less the 50 ms ramp (not to the next line at 10.2 s less
            // the margin): 2.95 s of room, 1.46 times too short at most 1.25 times faster: cut
            assertThat(spoken[3]).isEqualTo(9_950_000);
            assertThat(a.getDubLines()).containsExactly(2, 1, 0, 1);
            // from the cut on, chunk 0's audio is the original under line 2's ramp and slot, no speech
            short[] in = chunk(0, 0, 11 * S, 0, 10 * S).getSamples();
            for (int s = 10 * RATE; s < 10_150_000 / 1_000 * RATE / 1_000; s++) {
                assertThat(a.getSamples()[2 * s]).as("sample %d", s).isEqualTo(in[2 * s]);
            }
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
        try (DubbingStage stage = new DubbingStage(counting, DubSettings.DEFAULTS, 3, java.time.Duration.ofSeconds(5))) {
            var a = java.util.concurrent.CompletableFuture.supplyAsync(() -> process(stage, first));
            var b = java.util.concurrent.CompletableFuture.supplyAsync(() -> process(stage, second));
            Chunk outA = a.get();
            Chunk outB = b.get();
            // 2 + 1 lines: one full batch of 3, long before the 5 s wait
            assertThat(batches).containsExactly(3);
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
                    .isInstanceOf(SynthesisException.class).hasMessageContaining("testing-tone failed: the model returned 1 outputs for a batch of 2");
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
            assertThat(out.getSpokenMicros()).as("lines 0 and 1").hasSize(4);
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
