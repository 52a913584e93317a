package io.dubstream.connectors.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.dubstream.connectors.records.ChunkStatus;
import io.dubstream.connectors.records.ChunkStatus.State;
import io.dubstream.connectors.records.ClipStatus;

class ChunkTableTest {

    @Test
    void eachChunkShowsItsLatestStateAttemptRetriesAndLastError() {
        ChunkTable table = new ChunkTable();
        table.add(ChunkStatus.of("c", 0, State.PENDING, 0, 1).withCore(0, 9_850_000, "gap"));
        table.add(ChunkStatus.of("c", 1, State.PENDING, 0, 2).withChunkCount(2).withCore(9_850_000, 21_000_000, "end"));
        table.add(ChunkStatus.of("c", 1, State.RUNNING, 1, 3));
        table.add(new ChunkStatus("c", 1, 2, State.RETRIED, 1, "out of memory", 4, ""));
        table.add(ChunkStatus.of("c", 1, State.RUNNING, 2, 5));
        table.add(ChunkStatus.of("c", 1, State.DONE, 2, 6));

        assertThat(table.render().lines()).containsExactly(
                "chunk   state    attempt  retries  core                         last error",
                "0/2     PENDING  0        0        0.000-9.850 s gap",
                "1/2     DONE     2        1        9.850-21.000 s end           out of memory");
    }

    @Test
    void aDubbedChunkShowsItsLinesAndHowTheyWereFitted() {
        ChunkTable table = new ChunkTable();
        table.add(ChunkStatus.of("c", 0, State.PENDING, 0, 1).withChunkCount(1).withCore(0, 9_000_000, "end"));
        table.add(ChunkStatus.of("c", 0, State.DONE, 1, 2).withDubLines(3, 1, 1, 0));

        assertThat(table.render().lines()).containsExactly(
                "chunk   state    attempt  retries  core                         dub                                          last error",
                "0/1     DONE     1        0        0.000-9.000 s end            3 lines: 1 extended, 1 stretched, 0 cut");
        assertThat(ChunkTable.describe(ChunkStatus.of("c", 0, State.DONE, 1, 2).withDubLines(3, 1, 1, 0)))
                .isEqualTo("chunk 0 DONE (attempt 1), dub 3 lines: 1 extended, 1 stretched, 0 cut");
    }

    @Test
    void eachChunkShowsTheModelOfItsLatestAttemptWhenTheRecordsNameIt() {
        ChunkTable table = new ChunkTable();
        table.add(ChunkStatus.of("c", 0, State.DONE, 1, 2).withModel("identity", ""));
        table.add(ChunkStatus.of("c", 1, State.RUNNING, 1, 3).withChunkCount(3).withModel("identity", ""));
        // the job was upgraded: the chunk ran again on the new model
        table.add(ChunkStatus.of("c", 1, State.DONE, 1, 4).withModel("colour-gain", "voice-identity"));
        table.add(ChunkStatus.of("c", 2, State.PENDING, 0, 5));

        assertThat(table.render().lines()).containsExactly(
                "chunk   state    attempt  retries  core                         model                                last error",
                "0/3     DONE     1        0                                     identity",
                "1/3     DONE     1        0                                     colour-gain, voice voice-identity",
                "2/3     PENDING  0        0");
        assertThat(ChunkTable.describe(ChunkStatus.of("c", 1, State.RUNNING, 2, 3).withModel("colour-gain",
                "voice-identity"))).isEqualTo("chunk 1 RUNNING (attempt 2), model colour-gain, voice voice-identity");
        assertThat(ChunkTable.describe(ChunkStatus.of("c", 1, State.RUNNING, 1, 3).withModel("identity", "")))
                .isEqualTo("chunk 1 RUNNING (attempt 1), model identity");
    }

    @Test
    void aHeartbeatChangesNothingAndReadsAsStillInItsState() {
        ChunkTable table = new ChunkTable();
        assertThat(table.add(ChunkStatus.of("c", 0, State.PENDING, 0, 1).withChunkCount(1).withCore(0, 40_000_000,
                "end"))).as("a change").isTrue();
        String before = table.render();

        ChunkStatus beat = ChunkStatus.of("c", 0, State.PENDING, 0, 30_001).withChunkCount(1);
        assertThat(table.add(beat)).as("a heartbeat").isFalse();

        assertThat(table.render()).isEqualTo(before);
        assertThat(ChunkTable.describeRepeat(beat)).isEqualTo("chunk 0/1 still PENDING");
        assertThat(table.add(ChunkStatus.of("c", 0, State.RUNNING, 1, 60_000))).isTrue();
    }

    @Test
    void changesAndOutcomesReadAsOneLineEach() {
        assertThat(ChunkTable.describe(new ChunkStatus("c", 3, 5, State.RETRIED, 2, "boom", 1, "")))
                .isEqualTo("chunk 3/5 RETRIED (attempt 2): boom");
        assertThat(ChunkTable.describe(ChunkStatus.of("c", 0, State.PENDING, 0, 1))).isEqualTo("chunk 0 PENDING");
        assertThat(ChunkTable.describe(ChunkStatus.of("c", 2, State.PENDING, 0, 1).withCore(19_000_000, 30_500_000,
                "inside-line"))).isEqualTo("chunk 2 PENDING, core 19.000-30.500 s inside-line");
        assertThat(ChunkTable.describe(new ClipStatus("c", ClipStatus.Outcome.FAILED, 2, 3, "chunk 2 failed", 9)))
                .isEqualTo("clip c FAILED: 2 chunks merged, 3 retries; chunk 2 failed");
    }
}
