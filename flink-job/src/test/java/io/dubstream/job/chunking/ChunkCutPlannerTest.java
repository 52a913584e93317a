package io.dubstream.job.chunking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.dubstream.job.chunking.ChunkCutPlanner.Cut;
import io.dubstream.job.chunking.ChunkCutPlanner.CutKind;
import io.dubstream.job.chunking.ChunkCutPlanner.Last;
import io.dubstream.job.chunking.ChunkCutPlanner.Wait;

class ChunkCutPlannerTest {

    private static final long S = 1_000_000;

    private final ChunkCutPlanner planner = new ChunkCutPlanner(Duration.ofSeconds(10), Duration.ofSeconds(2),
            Duration.ofSeconds(15));

    @Test
    void aToleranceOfZeroGivesFixedCores() {
        ChunkCutPlanner fixed = new ChunkCutPlanner(Duration.ofSeconds(10), Duration.ZERO, Duration.ofSeconds(10));
        FakeClip clip = FakeClip.ofSeconds(45).line(9, 11);
        assertThat(fixed.decide(0, clip)).isEqualTo(new Cut(10 * S, CutKind.NOMINAL));
        assertThat(fixed.decide(30 * S, clip)).isEqualTo(new Cut(40 * S, CutKind.NOMINAL));
        // no frame at or after 50 s: the core from 40 s is the last
        assertThat(fixed.decide(40 * S, clip)).isEqualTo(new Last());
        assertThat(fixed.decide(0, FakeClip.ofSeconds(45).knownUntil(9 * S))).isEqualTo(new Wait(10 * S));
    }

    @Test
    void cutsInTheMiddleOfTheWidestGapInTheWindow() {
        // window [8, 12]: gaps [8.5, 9.2) (0.7 s) and [11, 12] (1 s, clipped to the window)
        FakeClip clip = FakeClip.ofSeconds(45).line(2, 8.5).line(9.2, 11).line(12.5, 14);
        assertThat(planner.decide(0, clip)).isEqualTo(new Cut(11_500_000, CutKind.GAP));
        // the same gaps, the second one narrower: the first wins
        FakeClip narrower = FakeClip.ofSeconds(45).line(2, 8.5).line(9.2, 11.5).line(11.9, 14);
        assertThat(planner.decide(0, narrower)).isEqualTo(new Cut(8_850_000, CutKind.GAP));
    }

    @Test
    void noLineStraddlesTheCutWhenAGapExists() {
        // lines every 1.3 s with 0.1 s gaps: whatever the cut, it lies in a gap
        FakeClip clip = FakeClip.ofSeconds(60);
        for (double t = 0.3; t < 58; t += 1.3) {
            clip.line(t, t + 1.2);
        }
        long start = 0;
        while (planner.decide(start, clip) instanceof Cut cut) {
            assertThat(cut.kind()).isEqualTo(CutKind.GAP);
            for (long[] line : clip.lines()) {
                assertThat(cut.atMicros() <= line[0] || cut.atMicros() >= line[1])
                        .as("cut at %d inside line %d..%d", cut.atMicros(), line[0], line[1]).isTrue();
            }
            assertThat(cut.atMicros() - start).isBetween(8 * S, 12 * S);
            start = cut.atMicros();
        }
    }

    @Test
    void aCoreStretchesToTheNextGapWhenLinesCoverTheWindow() {
        // one line from 7 s to 13.6 s, then a gap until 14.4 s
        FakeClip clip = FakeClip.ofSeconds(45).line(7, 13.6).line(14.4, 20);
        assertThat(planner.decide(0, clip)).isEqualTo(new Cut(14_000_000, CutKind.GAP));
        // the gap reaches past the maximum core (15 s): its middle is taken up to 15 s
        FakeClip longGap = FakeClip.ofSeconds(45).line(7, 14.6);
        assertThat(planner.decide(0, longGap)).isEqualTo(new Cut(14_800_000, CutKind.GAP));
        // the decision waits for the media up to the cut
        assertThat(planner.decide(0, FakeClip.ofSeconds(45).line(7, 13.6).line(14.4, 20).knownUntil(13 * S)))
                .isEqualTo(new Wait(14_000_000));
    }

    @Test
    void aLineLongerThanTheMaximumCoreIsCutAtItsQuietestPoint() {
        // one line from 5 s to 30 s; the audio is quiet from 13.3 s for 0.25 s
        FakeClip clip = FakeClip.ofSeconds(45).line(5, 30).quiet(13.3, 13.55);
        assertThat(planner.decide(0, clip)).isEqualTo(new Cut(13_400_000, CutKind.INSIDE_LINE));
        // it needs the media up to the maximum core first
        assertThat(planner.decide(0, FakeClip.ofSeconds(45).line(5, 30).knownUntil(14 * S)))
                .isEqualTo(new Wait(15 * S));
        // the clip ends inside the line before the maximum core: one last core
        assertThat(planner.decide(0, FakeClip.ofSeconds(14).line(5, 30))).isEqualTo(new Last());
        // no audio: the nominal point
        assertThat(planner.decide(0, FakeClip.ofSeconds(45).line(5, 30).noAudio()))
                .isEqualTo(new Cut(10 * S, CutKind.INSIDE_LINE));
    }

    @Test
    void withoutAScriptTheQuietest200MillisecondsOfTheWindowAreCut() {
        FakeClip clip = FakeClip.ofSeconds(45).quiet(8.9, 9.1);
        assertThat(planner.decide(0, clip)).isEqualTo(new Cut(9 * S, CutKind.SILENCE));
        // equally quiet everywhere: the window nearest the nominal cut
        assertThat(planner.decide(0, FakeClip.ofSeconds(45))).isEqualTo(new Cut(10 * S, CutKind.SILENCE));
        // two equally quiet spots: the nearer one to 10 s
        FakeClip two = FakeClip.ofSeconds(45).quiet(8.2, 8.4).quiet(11.5, 11.7);
        assertThat(planner.decide(0, two)).isEqualTo(new Cut(11_600_000, CutKind.SILENCE));
        assertThat(planner.decide(0, FakeClip.ofSeconds(45).noAudio())).isEqualTo(new Cut(10 * S, CutKind.NOMINAL));
    }

    @Test
    void waitsForTheWindowAndEndsTheClipWhenItsRestFitsIn() {
        assertThat(planner.decide(0, FakeClip.ofSeconds(45).knownUntil(11 * S))).isEqualTo(new Wait(12 * S));
        // 11.5 s of clip: no frame at or after 12 s, the rest fits in one core
        assertThat(planner.decide(0, FakeClip.ofSeconds(11.5))).isEqualTo(new Last());
        assertThat(planner.decide(30 * S, FakeClip.ofSeconds(41.9))).isEqualTo(new Last());
    }

    @Test
    void theSameClipAlwaysGetsTheSameCuts() {
        List<Long> first = cuts(FakeClip.ofSeconds(90).quiet(21, 21.3).line(40, 55).quiet(47, 47.2));
        List<Long> second = cuts(FakeClip.ofSeconds(90).quiet(21, 21.3).line(40, 55).quiet(47, 47.2));
        assertThat(first).isEqualTo(second).hasSizeGreaterThan(5);
    }

    @Test
    void refusesSettingsThatCannotWork() {
        assertThatThrownBy(() -> new ChunkCutPlanner(Duration.ofSeconds(10), Duration.ofSeconds(10),
                Duration.ofSeconds(30))).hasMessageContaining("cut tolerance PT10S must be at least 0 and below");
        assertThatThrownBy(() -> new ChunkCutPlanner(Duration.ofSeconds(10), Duration.ofSeconds(2),
                Duration.ofSeconds(11))).hasMessageContaining("maximum core PT11S must be at least the core plus");
    }

    private List<Long> cuts(FakeClip clip) {
        List<Long> cuts = new ArrayList<>();
        long start = 0;
        while (planner.decide(start, clip) instanceof Cut cut) {
            cuts.add(cut.atMicros());
            start = cut.atMicros();
        }
        return cuts;
    }

    /** A clip of frames up to its length, loud audio but where made quiet, and script lines. */
    static final class FakeClip implements ChunkCutPlanner.Timeline {
        private final long lengthMicros;
        private final List<long[]> lines = new ArrayList<>();
        private final List<long[]> quiet = new ArrayList<>();
        private long knownUntil = Long.MAX_VALUE;
        private boolean audio = true;

        private FakeClip(long lengthMicros) {
            this.lengthMicros = lengthMicros;
        }

        static FakeClip ofSeconds(double seconds) {
            return new FakeClip(Math.round(seconds * S));
        }

        FakeClip line(double from, double to) {
            lines.add(new long[] {Math.round(from * S), Math.round(to * S)});
            return this;
        }

        FakeClip quiet(double from, double to) {
            quiet.add(new long[] {Math.round(from * S), Math.round(to * S)});
            return this;
        }

        FakeClip knownUntil(long micros) {
            knownUntil = micros;
            return this;
        }

        FakeClip noAudio() {
            audio = false;
            return this;
        }

        @Override
        public long knownUntilMicros() {
            return knownUntil;
        }

        @Override
        public boolean hasFrameAtOrAfter(long micros) {
            return micros < lengthMicros;
        }

        @Override
        public List<long[]> lines() {
            return lines;
        }

        @Override
        public boolean hasAudio() {
            return audio;
        }

        @Override
        public long[] energies(long fromMicros, long stepMicros, int steps) {
            long[] energy = new long[steps];
            for (int j = 0; j < steps; j++) {
                long at = fromMicros + j * stepMicros;
                boolean isQuiet = quiet.stream().anyMatch(q -> at >= q[0] && at + stepMicros <= q[1]);
                energy[j] = isQuiet ? 1 : 1000;
            }
            return energy;
        }
    }
}
