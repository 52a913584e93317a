package io.dubstream.job.chunking;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.junit.jupiter.api.Test;

import io.dubstream.connectors.records.ClipMode;
import io.dubstream.connectors.records.DeadLetter;
import io.dubstream.connectors.records.ScriptLine;
import io.dubstream.job.records.Chunk;
import io.dubstream.job.records.ClipEvent;

/**
 * {@link ChunkAssembler} with cuts that follow speech (the default tolerance of 2 s and longest core
 * of 15 s): cuts between script lines, at silence without a script, by presentation time for a
 * variable frame rate, the same after a restore, and every frame and sample still in exactly one
 * core.
 */
class ChunkAssemblerCutTest extends ChunkAssemblerTestBase {

    private static final long S = 1_000_000;

    /** Lines of 45 s of dialogue: the gaps near 10, 20, 30 and 40 s are 0.4-1.2 s wide. */
    private static final double[][] DIALOGUE = {
        {0.5, 4.0}, {4.3, 9.1}, {9.5, 11.9}, {12.2, 18.6}, {19.8, 21.5}, {21.7, 28.9}, {29.3, 31.0},
        {31.2, 38.2}, {39.4, 41.0}, {41.3, 44.5}};

    @Override
    AssemblerSettings settings() {
        return settings(CONTEXT, Duration.ZERO).withCuts(Duration.ofSeconds(2), Duration.ofSeconds(15));
    }

    @Test
    void cutsFallInTheWidestGapBetweenLinesAndNoLineStraddlesACore() throws Exception {
        SyntheticClip clip = clip25("dialogue", 45_000).withScript(DIALOGUE);
        feed(clip.upload());

        List<Chunk> out = harness.extractOutputValues();
        // window [8, 12]: gaps 9.1-9.5 and 11.9-12 -> 9.3; [17.3, 21.3]: 18.6-19.8 -> 19.2;
        // [27.2, 31.2]: 28.9-29.3 -> 29.1 (31.0-31.2 is narrower); [37.1, 41.1]: 38.2-39.4 -> 38.8
        assertThat(out).extracting(Chunk::getCoreStartMicros)
                .containsExactly(0L, 9_300_000L, 19_200_000L, 29_100_000L, 38_800_000L);
        assertThat(out).extracting(Chunk::getCoreCut).containsExactly("gap", "gap", "gap", "gap", "end");
        for (Chunk chunk : out) {
            for (ScriptLine line : clip.scriptLines()) {
                boolean straddles = line.getStartMicros() < chunk.getCoreStartMicros()
                        && line.getEndMicros() > chunk.getCoreStartMicros();
                assertThat(straddles).as("line %d across the start of chunk %d", line.getLineIndex(), chunk.getIndex())
                        .isFalse();
            }
        }
        assertCoresTileTheClip(out, clip);
        assertOnlyFinishedMarkersLeft(1);
    }

    @Test
    void eachChunkCarriesTheLinesThatOverlapItContextIncludedAndTheNextOne() throws Exception {
        SyntheticClip clip = clip25("dialogue", 45_000).withScript(DIALOGUE);
        feed(clip.upload());

        List<Chunk> out = harness.extractOutputValues();
        // chunk 1 covers [8.3, 20.2) with its context: lines 1 to 4 (4.3-9.1 .. 19.8-21.5), and line 5
        // (from 21.7 s), the first after it
        assertThat(out.get(1).getScriptLines()).extracting(ScriptLine::getLineIndex).containsExactly(1, 2, 3, 4, 5);
        assertThat(out.get(0).getScriptLines()).extracting(ScriptLine::getLineIndex).containsExactly(0, 1, 2, 3);
        assertThat(out.get(4).getScriptLines()).extracting(ScriptLine::getLineIndex).containsExactly(7, 8, 9);
    }

    @Test
    void aClipWithAScriptWaitsForAllItsLines() throws Exception {
        SyntheticClip clip = clip25("dialogue", 45_000).withScript(DIALOGUE);
        List<ScriptLine> lines = clip.scriptLines();
        feed(clip.manifest());
        feedAll(lines.subList(0, lines.size() - 1));
        feed(clip.media().subList(0, 600));
        assertThat(harness.extractOutputValues()).as("one line short").isEmpty();

        feed(lines.get(lines.size() - 1));

        assertThat(harness.extractOutputValues()).extracting(Chunk::getIndex).containsExactly(0);
    }

    @Test
    void withoutAScriptTheCutFallsInTheQuietestAudio() throws Exception {
        SyntheticClip clip = clip25("quiet", 45_000).withQuiet(11.2, 11.5);
        feed(clip.upload());

        List<Chunk> out = harness.extractOutputValues();
        // the silent 300 ms hold eleven 200 ms windows of zero energy: the one nearest 10 s is 11.2-11.4
        assertThat(out.get(0).getCoreEndMicros()).isEqualTo(11_300_000L);
        assertThat(out.get(0).getCoreCut()).isEqualTo("silence");
        assertThat(out.get(1).getCoreStartMicros()).isEqualTo(11_300_000L);
        assertCoresTileTheClip(out, clip);
    }

    @Test
    void aLineLongerThanTheLongestCoreIsCutInsideAtItsQuietestPoint() throws Exception {
        SyntheticClip clip = clip25("monologue", 45_000).withScript(new double[][] {{1, 40}}).withQuiet(13.0, 13.2);
        feed(clip.upload());

        List<Chunk> out = harness.extractOutputValues();
        assertThat(out.get(0).getCoreEndMicros()).isEqualTo(13_100_000L);
        assertThat(out.get(0).getCoreCut()).isEqualTo("inside-line");
        assertCoresTileTheClip(out, clip);
    }

    @Test
    void aVariableFrameRateClipIsCutByTime() throws Exception {
        // 10 s at 24 fps, then 10 s at 12 fps: 360 frames over 20 s
        long[] pts = new long[360];
        for (int i = 0; i < 360; i++) {
            pts[i] = i < 240 ? i * 1_000_000L / 24 : 10 * S + (i - 240) * 1_000_000L / 12;
        }
        SyntheticClip clip = SyntheticClip.of("vfr", 15_000, 24, 1, 16_000, 1).withAudioMillis(20_000)
                .withFrameTimes(pts).withQuiet(11.4, 11.6);
        feed(clip.upload());

        List<Chunk> out = harness.extractOutputValues();
        assertThat(out).hasSize(2);
        Chunk first = out.get(0);
        assertThat(first.getCoreEndMicros()).isEqualTo(11_500_000L);
        // chunk 0 runs to 12.5 s: frames up to the last before it, frame 269 at 12.4167 s (by index at a
        // constant 24 fps it would have been frame 299)
        assertThat(first.endFrame()).isEqualTo(270);
        assertThat(first.framePtsMicros(first.getImages().length - 1)).isEqualTo(12_416_666L);
        // chunk 1 starts at 10.5 s: frame 246
        assertThat(first.getNextFirstFrame()).isEqualTo(246);
        assertThat(first.getNextFirstSample()).isEqualTo(168_000);
        for (Chunk chunk : out) {
            for (int i = 0; i < chunk.getImages().length; i++) {
                assertThat(chunk.framePtsMicros(i)).isEqualTo(pts[(int) chunk.getFirstFrame() + i]);
            }
        }
        assertCoresTileTheClip(out, clip);
    }

    @Test
    void aRestoreMidClipGivesTheSameCuts() throws Exception {
        SyntheticClip clip = clip25("restored", 45_000).withScript(DIALOGUE).withQuiet(30, 30.2);
        List<ClipEvent> upload = clip.upload();
        feed(upload);
        List<Chunk> uninterrupted = new ArrayList<>(harness.extractOutputValues());

        reopenHarness(settings());
        int half = upload.size() / 2;
        feed(upload.subList(0, half));
        int before = harness.extractOutputValues().size();
        OperatorSubtaskState snapshot = harness.snapshot(1L, 1L);
        harness.close();
        openHarness(settings(), snapshot);
        feed(upload.subList(half, upload.size()));

        List<Chunk> resumed = harness.extractOutputValues();
        assertThat(before).as("chunks before the snapshot").isBetween(1, 3);
        assertThat(resumed).containsExactlyElementsOf(uninterrupted.subList(before, uninterrupted.size()));
    }

    @Test
    void scriptLinesTheManifestDoesNotAnnounceAreRefused() throws Exception {
        SyntheticClip clip = clip25("dialogue", 45_000).withScript(DIALOGUE);
        ScriptLine past = new ScriptLine(clip.id, 10, 44_600_000, 44_900_000, "one too many", "fr", "");
        ScriptLine first = clip.scriptLines().get(0);
        List<ClipEvent> events = new ArrayList<>(clip.upload());
        events.add(2, ClipEvent.of(past));
        events.add(3, ClipEvent.of(first));
        feed(events);

        assertThat(deadLetters()).extracting(DeadLetter::getReason).containsExactly(
                "script line 10 of clip dialogue is past its script: the manifest says 10 lines",
                "duplicate script line 0 of clip dialogue");
        assertThat(harness.extractOutputValues()).extracting(Chunk::getMode).containsOnly(ClipMode.CHUNKED);
        assertCoresTileTheClip(harness.extractOutputValues(), clip);
    }

    @Test
    void twoDifferentLinesOfOneIndexFailTheClip() throws Exception {
        SyntheticClip clip = clip25("dialogue", 45_000).withScript(DIALOGUE);
        ScriptLine other = new ScriptLine(clip.id, 0, 500_000, 4_000_000, "another text", "fr", "");
        List<ClipEvent> events = new ArrayList<>(clip.upload());
        events.add(2, ClipEvent.of(other));
        feed(events);

        assertThat(harness.extractOutputValues()).first().satisfies(c -> {
            assertThat(c.isFailure()).isTrue();
            assertThat(c.getFailure()).startsWith("two different script lines 0 arrived for clip dialogue");
        });
    }

    /**
     * Every chunk starts its core where the previous one's ended, starts its frames and samples where
     * the previous one said the next would, and the chunks' frames and samples cover the clip's
     * exactly, context overlapping: what the merger needs for a bit-exact identity.
     */
    private static void assertCoresTileTheClip(List<Chunk> out, SyntheticClip clip) {
        BitSet frames = new BitSet();
        BitSet samples = new BitSet();
        for (int k = 0; k < out.size(); k++) {
            Chunk c = out.get(k);
            assertThat(c.getIndex()).isEqualTo(k);
            assertThat(c.isLast()).isEqualTo(k == out.size() - 1);
            if (k > 0) {
                Chunk previous = out.get(k - 1);
                assertThat(c.getCoreStartMicros()).isEqualTo(previous.getCoreEndMicros());
                assertThat(c.getFirstFrame()).isEqualTo(previous.getNextFirstFrame());
                assertThat(c.getFirstSample()).isEqualTo(previous.getNextFirstSample());
                long coreLength = c.getCoreStartMicros() - previous.getCoreStartMicros();
                assertThat(coreLength).as("core %d", k - 1).isBetween(8 * S, 15 * S);
            }
            for (int i = 0; i < c.getImages().length; i++) {
                assertThat(c.getImages()[i]).isEqualTo(clip.image(c.getFirstFrame() + i));
            }
            assertThat(c.getSamples()).isEqualTo(clip.samples(c.getFirstSample(), c.endSample()));
            frames.set((int) c.getFirstFrame(), (int) c.endFrame());
            samples.set((int) c.getFirstSample(), (int) c.endSample());
        }
        assertThat((long) frames.cardinality()).isEqualTo(clip.frames).isEqualTo((long) frames.length());
        assertThat((long) samples.cardinality()).isEqualTo(clip.samples).isEqualTo((long) samples.length());
        assertThat(out.get(out.size() - 1).getEnd()).isEqualTo(clip.end());
    }
}
