package io.dubstream.job.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.dubstream.connectors.format.RecordLimits;
import io.dubstream.connectors.format.RecordValidator;
import io.dubstream.connectors.records.ChunkStatus;
import io.dubstream.connectors.records.ChunkStatus.State;
import io.dubstream.connectors.records.ClipRecord;
import io.dubstream.connectors.records.ClipStatus;
import io.dubstream.connectors.records.EndOfClip;
import io.dubstream.job.records.ClipEvent;

class ChunkStateTrackerTest {

    private static final RecordValidator VALIDATOR = new RecordValidator(RecordLimits.DEFAULTS);
    /** How long a finished clip's marker lasts after its last status record. */
    private static final Duration RETENTION = Duration.ofMinutes(20);
    private static final Duration HEARTBEAT = Duration.ofSeconds(30);
    private static final long BEAT = HEARTBEAT.toMillis();

    private ReadableMetrics metrics;
    private MockEnvironment environment;
    private KeyedOneInputStreamOperatorTestHarness<String, ClipEvent, ClipEvent> harness;

    @BeforeEach
    void open() throws Exception {
        harness = newHarness();
        harness.open();
    }

    private KeyedOneInputStreamOperatorTestHarness<String, ClipEvent, ClipEvent> newHarness() throws Exception {
        return newHarness(HEARTBEAT);
    }

    private KeyedOneInputStreamOperatorTestHarness<String, ClipEvent, ClipEvent> newHarness(Duration heartbeat)
            throws Exception {
        metrics = new ReadableMetrics();
        environment = new MockEnvironmentBuilder().setMetricGroup(metrics).build();
        return new KeyedOneInputStreamOperatorTestHarness<>(ChunkStateTracker.operator(RETENTION, heartbeat), ClipEvent::clipId,
                Types.STRING, environment);
    }

    /** Closes the test's harness and opens another with {@code heartbeat}, restored from {@code snapshot} if any. */
    private void reopen(Duration heartbeat, OperatorSubtaskState snapshot) throws Exception {
        harness.close();
        environment.close();
        harness = newHarness(heartbeat);
        if (snapshot != null) {
            harness.initializeState(snapshot);
        }
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
        environment.close();
    }

    private static ChunkStatus change(String clip, int chunk, State state, int attempt, long at) {
        return ChunkStatus.of(clip, chunk, state, attempt, at);
    }

    private static ChunkStatus failed(String clip, int chunk, State state, int attempt, String error, long at) {
        return new ChunkStatus(clip, chunk, ChunkStatus.UNKNOWN_COUNT, state, attempt, error, at, "");
    }

    private void send(ClipRecord... records) throws Exception {
        for (ClipRecord r : records) {
            harness.processElement(ClipEvent.of(r), 0L);
        }
    }

    /** The records published so far, each checked to be valid on the wire. */
    private List<ClipRecord> published() throws Exception {
        List<ClipRecord> out = new ArrayList<>();
        for (ClipEvent e : harness.extractOutputValues()) {
            VALIDATOR.validate(e.record());
            out.add(e.record());
        }
        return out;
    }

    @Test
    void everyChangeIsPublishedOnceAndTheClipsOutcomeLastWithItsRetries() throws Exception {
        send(change("a", 0, State.PENDING, 0, 10), change("a", 1, State.PENDING, 0, 20).withChunkCount(2),
                change("a", 0, State.RUNNING, 1, 30), change("a", 0, State.DONE, 1, 40));

        assertThat(metrics.gaugeValue(ChunkStateTracker.CHUNKS_PENDING)).isEqualTo(1);
        assertThat(metrics.gaugeValue(ChunkStateTracker.CHUNKS_DONE)).isEqualTo(1);
        assertThat(metrics.gaugeValue(ChunkStateTracker.CHUNKS_MERGED)).isZero();
        assertThat(metrics.gaugeValue(ChunkStateTracker.CLIPS_IN_PROGRESS)).isEqualTo(1);

        send(change("a", 0, State.MERGED, 1, 50), change("a", 1, State.RUNNING, 1, 60),
                failed("a", 1, State.RETRIED, 1, "boom", 70), change("a", 1, State.RUNNING, 2, 1_070),
                change("a", 1, State.DONE, 2, 1_090).withChunkCount(2), change("a", 1, State.MERGED, 2, 1_100),
                new ClipStatus("a", ClipStatus.Outcome.COMPLETED, 2, 0, "", 1_100));

        assertThat(published()).containsExactly(
                change("a", 0, State.PENDING, 0, 10),
                change("a", 1, State.PENDING, 0, 20).withChunkCount(2),
                change("a", 0, State.RUNNING, 1, 30).withChunkCount(2),
                change("a", 0, State.DONE, 1, 40).withChunkCount(2),
                change("a", 0, State.MERGED, 1, 50).withChunkCount(2),
                change("a", 1, State.RUNNING, 1, 60).withChunkCount(2),
                failed("a", 1, State.RETRIED, 1, "boom", 70).withChunkCount(2),
                change("a", 1, State.RUNNING, 2, 1_070).withChunkCount(2),
                change("a", 1, State.DONE, 2, 1_090).withChunkCount(2),
                change("a", 1, State.MERGED, 2, 1_100).withChunkCount(2),
                new ClipStatus("a", ClipStatus.Outcome.COMPLETED, 2, 1, "", 1_100));
        // only the finished marker is left of the clip, and the gauges are back to zero
        assertThat(harness.numKeyedStateEntries()).isEqualTo(1);
        for (String gauge : List.of(ChunkStateTracker.CHUNKS_PENDING, ChunkStateTracker.CHUNKS_DONE,
                ChunkStateTracker.CHUNKS_FAILED, ChunkStateTracker.CHUNKS_MERGED, ChunkStateTracker.CLIPS_IN_PROGRESS)) {
            assertThat(metrics.gaugeValue(gauge)).as(gauge).isZero();
        }
        assertThat(metrics.count(ChunkStateTracker.RETRIES)).isEqualTo(1);
        assertThat(metrics.count(ChunkStateTracker.CHUNK_FAILURES)).isZero();
        assertThat(metrics.count(ChunkStateTracker.CLIPS_COMPLETED)).isEqualTo(1);
        assertThat(metrics.count(ChunkStateTracker.CLIPS_FAILED)).isZero();
        Histogram latency = metrics.histogramNamed(ChunkStateTracker.INFERENCE_LATENCY);
        assertThat(latency.getCount()).as("one value per attempt").isEqualTo(3);
        assertThat(latency.getStatistics().getMin()).isEqualTo(10);
        assertThat(latency.getStatistics().getMax()).isEqualTo(20);
    }

    @Test
    void aPendingReportOvertakenByInferenceIsMadeUpForAndLateChangesAreDropped() throws Exception {
        send(change("a", 0, State.RUNNING, 1, 30), change("a", 0, State.PENDING, 0, 10),
                change("a", 0, State.DONE, 1, 40).withChunkCount(1), change("a", 0, State.MERGED, 1, 50),
                new ClipStatus("a", ClipStatus.Outcome.COMPLETED, 1, 0, "", 60),
                // after the clip's end: a duplicate outcome and a report that would start it again
                new ClipStatus("a", ClipStatus.Outcome.COMPLETED, 1, 0, "", 61),
                change("a", 0, State.PENDING, 0, 62));

        assertThat(published()).containsExactly(
                change("a", 0, State.PENDING, 0, 30),
                change("a", 0, State.RUNNING, 1, 30),
                change("a", 0, State.DONE, 1, 40).withChunkCount(1),
                change("a", 0, State.MERGED, 1, 50).withChunkCount(1),
                new ClipStatus("a", ClipStatus.Outcome.COMPLETED, 1, 0, "", 60));
        assertThat(metrics.count(ChunkStateTracker.LATE_CHANGES)).isEqualTo(3);
        assertThat(harness.numKeyedStateEntries()).isEqualTo(1);
        assertThat(metrics.gaugeValue(ChunkStateTracker.CHUNKS_PENDING)).isZero();
        assertThat(metrics.gaugeValue(ChunkStateTracker.CLIPS_IN_PROGRESS)).isZero();
    }

    @Test
    void aChunkOutOfAttemptsFailsItsClipAndLeavesAnotherClipAlone() throws Exception {
        String reason = "model m failed on chunk 0 after 2 attempts: e2";
        send(change("b", 0, State.PENDING, 0, 1), change("c", 0, State.PENDING, 0, 2).withChunkCount(1),
                change("b", 0, State.RUNNING, 1, 3), change("c", 0, State.RUNNING, 1, 4),
                failed("b", 0, State.RETRIED, 1, "e1", 5), change("c", 0, State.DONE, 1, 6).withChunkCount(1),
                change("b", 0, State.RUNNING, 2, 7), failed("b", 0, State.FAILED, 2, "e2", 8));

        assertThat(metrics.gaugeValue(ChunkStateTracker.CHUNKS_FAILED)).isEqualTo(1);
        assertThat(metrics.gaugeValue(ChunkStateTracker.CLIPS_IN_PROGRESS)).isEqualTo(2);

        send(new ClipStatus("b", ClipStatus.Outcome.FAILED, 0, 0, reason, 9),
                change("c", 0, State.MERGED, 1, 10).withChunkCount(1),
                new ClipStatus("c", ClipStatus.Outcome.COMPLETED, 1, 0, "", 11));

        List<ClipRecord> b = published().stream().filter(r -> r.getClipId().equals("b")).toList();
        List<ClipRecord> c = published().stream().filter(r -> r.getClipId().equals("c")).toList();
        assertThat(b).containsExactly(change("b", 0, State.PENDING, 0, 1), change("b", 0, State.RUNNING, 1, 3),
                failed("b", 0, State.RETRIED, 1, "e1", 5), change("b", 0, State.RUNNING, 2, 7),
                failed("b", 0, State.FAILED, 2, "e2", 8),
                new ClipStatus("b", ClipStatus.Outcome.FAILED, 0, 1, reason, 9));
        assertThat(c).containsExactly(change("c", 0, State.PENDING, 0, 2).withChunkCount(1),
                change("c", 0, State.RUNNING, 1, 4).withChunkCount(1), change("c", 0, State.DONE, 1, 6).withChunkCount(1),
                change("c", 0, State.MERGED, 1, 10).withChunkCount(1),
                new ClipStatus("c", ClipStatus.Outcome.COMPLETED, 1, 0, "", 11));
        assertThat(metrics.count(ChunkStateTracker.CHUNK_FAILURES)).isEqualTo(1);
        assertThat(metrics.count(ChunkStateTracker.CLIPS_FAILED)).isEqualTo(1);
        assertThat(metrics.count(ChunkStateTracker.CLIPS_COMPLETED)).isEqualTo(1);
        assertThat(metrics.gaugeValue(ChunkStateTracker.CHUNKS_FAILED)).isZero();
        assertThat(metrics.gaugeValue(ChunkStateTracker.CLIPS_IN_PROGRESS)).isZero();
        assertThat(harness.numKeyedStateEntries()).as("two finished markers").isEqualTo(2);
    }

    @Test
    void theFinishedMarkerLastsTheRetentionAfterTheClipsLastStatusRecord() throws Exception {
        long retention = RETENTION.toMillis();
        send(change("a", 0, State.PENDING, 0, 1), new ClipStatus("a", ClipStatus.Outcome.FAILED, 0, 0, "aborted", 2));
        List<ClipRecord> ended = published();

        // each change dropped keeps the marker for the retention from then on
        harness.setStateTtlProcessingTime(retention - 1);
        send(change("a", 1, State.RUNNING, 1, 3));
        harness.setStateTtlProcessingTime(2 * retention - 2);
        send(new ClipStatus("a", ClipStatus.Outcome.FAILED, 1, 0, "a second outcome", 4));

        assertThat(published()).as("no second outcome, 2 retentions after the end").isEqualTo(ended);
        assertThat(metrics.count(ChunkStateTracker.LATE_CHANGES)).isEqualTo(2);
        harness.setStateTtlProcessingTime(3 * retention - 2);
        int keyChanges = 0;
        while (harness.numKeyedStateEntries() > 0 && keyChanges < 100) {
            harness.getOperator().setCurrentKey("clip-other-" + keyChanges++);
        }
        assertThat(harness.numKeyedStateEntries()).as("the expired marker, cleaned up").isZero();
    }

    @Test
    void theGaugesAreRecountedFromRestoredTables() throws Exception {
        send(change("a", 0, State.PENDING, 0, 1), change("a", 1, State.PENDING, 0, 2).withChunkCount(2),
                change("a", 0, State.RUNNING, 1, 3), change("a", 0, State.DONE, 1, 4),
                change("b", 0, State.PENDING, 0, 5));
        OperatorSubtaskState snapshot = harness.snapshot(1L, 1L);
        harness.close();
        environment.close();

        harness = newHarness();
        harness.initializeState(snapshot);
        harness.open();

        assertThat(metrics.gaugeValue(ChunkStateTracker.CHUNKS_PENDING)).isEqualTo(2);
        assertThat(metrics.gaugeValue(ChunkStateTracker.CHUNKS_DONE)).isEqualTo(1);
        assertThat(metrics.gaugeValue(ChunkStateTracker.CLIPS_IN_PROGRESS)).isEqualTo(2);

        send(change("a", 0, State.MERGED, 1, 6), new ClipStatus("b", ClipStatus.Outcome.FAILED, 0, 0, "upload aborted", 7));
        // the restored table still knows the chunk count and takes the clip on
        assertThat(published()).containsExactly(change("a", 0, State.MERGED, 1, 6).withChunkCount(2),
                new ClipStatus("b", ClipStatus.Outcome.FAILED, 0, 0, "upload aborted", 7));
        assertThat(metrics.gaugeValue(ChunkStateTracker.CHUNKS_PENDING)).isEqualTo(1);
        assertThat(metrics.gaugeValue(ChunkStateTracker.CHUNKS_DONE)).isZero();
        assertThat(metrics.gaugeValue(ChunkStateTracker.CHUNKS_MERGED)).isEqualTo(1);
        assertThat(metrics.gaugeValue(ChunkStateTracker.CLIPS_IN_PROGRESS)).isEqualTo(1);
    }

    // ------------------------------------------------------------------ heartbeats

    private static ChunkStatus whole(int chunk, State state, int attempt, long at) {
        return new ChunkStatus("w", chunk, 1, state, attempt, "", at, "whole");
    }

    @Test
    void aChunkThatStaysPendingIsReportedAgainEveryIntervalUntilInferenceReportsIt() throws Exception {
        harness.setProcessingTime(1_000);
        send(whole(0, State.PENDING, 0, 1_000));
        harness.setProcessingTime(1_000 + BEAT - 1);
        assertThat(published()).as("not before an interval").hasSize(1);

        harness.setProcessingTime(1_000 + BEAT);
        harness.setProcessingTime(1_000 + 2 * BEAT);

        // the same chunk, state and attempt, with what the table knows of the clip, at each beat's time
        assertThat(published()).containsExactly(whole(0, State.PENDING, 0, 1_000),
                whole(0, State.PENDING, 0, 1_000 + BEAT), whole(0, State.PENDING, 0, 1_000 + 2 * BEAT));
        List<ChunkStatus> records = published().stream().map(ChunkStatus.class::cast).toList();
        assertThat(records.get(1).repeats(records.get(0))).as("a heartbeat repeats its chunk's state").isTrue();
        assertThat(records.get(2).repeats(records.get(1))).isTrue();
        assertThat(metrics.count(ChunkStateTracker.HEARTBEATS)).isEqualTo(2);
        assertThat(metrics.gaugeValue(ChunkStateTracker.CHUNKS_PENDING)).as("a heartbeat changes no state")
                .isEqualTo(1);

        send(whole(0, State.RUNNING, 1, 1_010), whole(0, State.DONE, 1, 1_000 + 2 * BEAT + 5),
                whole(0, State.MERGED, 1, 1_000 + 2 * BEAT + 6),
                new ClipStatus("w", ClipStatus.Outcome.COMPLETED, 1, 0, "", 1_000 + 2 * BEAT + 6));
        harness.setProcessingTime(1_000 + 5 * BEAT);

        List<ClipRecord> all = published();
        assertThat(all).hasSize(7);
        assertThat(all.get(all.size() - 1)).as("the outcome stays last").isInstanceOf(ClipStatus.class);
        for (int i = 4; i < 6; i++) {
            assertThat(((ChunkStatus) all.get(i)).repeats((ChunkStatus) all.get(i - 1))).as("a change").isFalse();
        }
        assertThat(harness.numProcessingTimeTimers()).as("the clip's heartbeat timer went with it").isZero();
        assertThat(harness.numKeyedStateEntries()).as("the finished marker").isEqualTo(1);
    }

    @Test
    void theLowestPendingChunkBeatsAndNoneWhileTheClipWaitsForItsUpload() throws Exception {
        send(change("a", 0, State.PENDING, 0, 0), change("a", 1, State.PENDING, 0, 0),
                change("a", 0, State.RUNNING, 1, 10), change("a", 0, State.DONE, 1, 20),
                change("a", 0, State.MERGED, 1, 30));
        harness.setProcessingTime(BEAT);
        assertThat(published()).last().isEqualTo(change("a", 1, State.PENDING, 0, BEAT));

        send(change("a", 1, State.RUNNING, 1, BEAT + 10), change("a", 1, State.DONE, 1, BEAT + 20),
                change("a", 1, State.MERGED, 1, BEAT + 30));
        int before = published().size();
        harness.setProcessingTime(3 * BEAT);

        // chunks 0 and 1 are merged and chunk 2 is not cut: the job waits for the upload, not for itself
        assertThat(published()).hasSize(before);
        assertThat(harness.numProcessingTimeTimers()).as("one timer while the clip is in progress").isEqualTo(1);
        send(change("a", 2, State.PENDING, 0, 3 * BEAT + 1));
        harness.setProcessingTime(4 * BEAT);
        assertThat(published()).last().isEqualTo(change("a", 2, State.PENDING, 0, 4 * BEAT));
    }

    @Test
    void heartbeatsGoOnAfterARestoreAndStopWhenTheClipFails() throws Exception {
        send(change("a", 0, State.PENDING, 0, 0));
        OperatorSubtaskState snapshot = harness.snapshot(1L, 1L);
        reopen(HEARTBEAT, snapshot);

        harness.setProcessingTime(BEAT);
        assertThat(published()).containsExactly(change("a", 0, State.PENDING, 0, BEAT));

        send(new ClipStatus("a", ClipStatus.Outcome.FAILED, 0, 0, "upload aborted", BEAT + 1));
        harness.setProcessingTime(3 * BEAT);
        assertThat(published()).hasSize(2);
        assertThat(harness.numProcessingTimeTimers()).isZero();
    }

    @Test
    void anIntervalOfZeroSendsNoHeartbeats() throws Exception {
        reopen(Duration.ZERO, null);
        send(change("a", 0, State.PENDING, 0, 0));

        assertThat(harness.numProcessingTimeTimers()).isZero();
        harness.setProcessingTime(10 * BEAT);
        assertThat(published()).containsExactly(change("a", 0, State.PENDING, 0, 0));
    }

    @Test
    void recordsOtherThanStatusAreRefused() {
        assertThatThrownBy(() -> send(EndOfClip.complete("a", 1, 1, 1)))
                .hasStackTraceContaining("the chunk state tracker takes status records only");
    }
}
