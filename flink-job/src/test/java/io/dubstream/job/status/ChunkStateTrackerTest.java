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
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
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
    private static final int MAX_PARALLELISM = 128;

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
        environment = environment(metrics, 1, 0);
        return trackerIn(environment, heartbeat);
    }

    /** A task environment of subtask {@code index} of {@code parallelism}, with the metrics given. */
    private static MockEnvironment environment(ReadableMetrics metrics, int parallelism, int index) {
        return new MockEnvironmentBuilder().setMetricGroup(metrics).setMaxParallelism(MAX_PARALLELISM)
                .setParallelism(parallelism).setSubtaskIndex(index).build();
    }

    /** The tracker as the job runs it: the function in Flink's own keyed process operator. */
    private static KeyedOneInputStreamOperatorTestHarness<String, ClipEvent, ClipEvent> trackerIn(
            MockEnvironment environment, Duration heartbeat) throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new ChunkStateTracker(RETENTION, heartbeat)), ClipEvent::clipId,
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

    /** Clip a: chunk 0 done, chunk 1 pending, two chunks; clip b: chunk 0 pending. */
    private void twoClipsInProgress() throws Exception {
        send(change("a", 0, State.PENDING, 0, 1), change("a", 1, State.PENDING, 0, 2).withChunkCount(2),
                change("a", 0, State.RUNNING, 1, 3), change("a", 0, State.DONE, 1, 4),
                change("b", 0, State.PENDING, 0, 5));
    }

    private void assertGauges(ReadableMetrics m, long pending, long done, long merged, long clips) {
        assertThat(m.gaugeValue(ChunkStateTracker.CHUNKS_PENDING)).as("pending").isEqualTo(pending);
        assertThat(m.gaugeValue(ChunkStateTracker.CHUNKS_DONE)).as("done").isEqualTo(done);
        assertThat(m.gaugeValue(ChunkStateTracker.CHUNKS_MERGED)).as("merged").isEqualTo(merged);
        assertThat(m.gaugeValue(ChunkStateTracker.CLIPS_IN_PROGRESS)).as("clips").isEqualTo(clips);
    }

    @Test
    void aRestoredClipIsCountedWhenItsRecordOrItsHeartbeatFirstComes() throws Exception {
        twoClipsInProgress();
        reopen(HEARTBEAT, harness.snapshot(1L, 1L));

        // the documented blind spot: restored clips not touched yet are not in the gauges
        assertGauges(metrics, 0, 0, 0, 0);

        send(change("a", 0, State.MERGED, 1, 6));
        assertThat(published()).as("the restored table still knows the chunk count")
                .containsExactly(change("a", 0, State.MERGED, 1, 6).withChunkCount(2));
        assertGauges(metrics, 1, 0, 1, 1);

        // every clip in progress has a heartbeat timer: within an interval every restored clip is counted
        harness.setProcessingTime(BEAT);
        assertGauges(metrics, 2, 0, 1, 2);

        send(new ClipStatus("b", ClipStatus.Outcome.FAILED, 0, 0, "upload aborted", 7),
                change("a", 1, State.RUNNING, 1, 8), change("a", 1, State.DONE, 1, 9));
        assertGauges(metrics, 0, 1, 1, 1);
        send(change("a", 1, State.MERGED, 1, 10), new ClipStatus("a", ClipStatus.Outcome.COMPLETED, 2, 0, "", 11));
        assertGauges(metrics, 0, 0, 0, 0);
    }

    @Test
    void withoutHeartbeatsARestoredClipIsCountedAtItsNextRecordOnly() throws Exception {
        reopen(Duration.ZERO, null);
        twoClipsInProgress();
        reopen(Duration.ZERO, harness.snapshot(1L, 1L));

        harness.setProcessingTime(10 * BEAT);
        assertGauges(metrics, 0, 0, 0, 0);
        send(change("b", 0, State.RUNNING, 1, 6));
        assertThat(metrics.gaugeValue(ChunkStateTracker.CHUNKS_PENDING)).as("b ran, a is not counted yet").isZero();
        assertGauges(metrics, 0, 0, 0, 1);
        send(change("a", 1, State.RUNNING, 1, 7));
        assertGauges(metrics, 0, 1, 0, 2);
    }

    @Test
    void afterARestoreAtAnotherParallelismTheSubtasksGaugesAddUpToTheTables() throws Exception {
        int clips = 8;
        for (int i = 0; i < clips; i++) {
            send(change("clip-" + i, 0, State.PENDING, 0, i), change("clip-" + i, 1, State.PENDING, 0, i),
                    change("clip-" + i, 0, State.RUNNING, 1, i), change("clip-" + i, 0, State.DONE, 1, i));
        }
        send(change("clip-0", 0, State.MERGED, 1, 10));
        OperatorSubtaskState snapshot = harness.snapshot(1L, 1L);

        int parallelism = 2;
        long pending = 0, done = 0, merged = 0, inProgress = 0;
        for (int index = 0; index < parallelism; index++) {
            ReadableMetrics subtaskMetrics = new ReadableMetrics();
            try (MockEnvironment env = environment(subtaskMetrics, parallelism, index);
                    var subtask = trackerIn(env, HEARTBEAT)) {
                subtask.initializeState(AbstractStreamOperatorTestHarness.repartitionOperatorState(
                        snapshot, MAX_PARALLELISM, 1, parallelism, index));
                subtask.open();
                subtask.setProcessingTime(BEAT);
                long subtaskClips = subtaskMetrics.gaugeValue(ChunkStateTracker.CLIPS_IN_PROGRESS);
                assertThat(subtaskClips).as("subtask %d gets some of the clips", index).isBetween(1L, clips - 1L);
                pending += subtaskMetrics.gaugeValue(ChunkStateTracker.CHUNKS_PENDING);
                done += subtaskMetrics.gaugeValue(ChunkStateTracker.CHUNKS_DONE);
                merged += subtaskMetrics.gaugeValue(ChunkStateTracker.CHUNKS_MERGED);
                inProgress += subtaskClips;
            }
        }
        assertThat(new long[] {pending, done, merged, inProgress}).as("pending, done, merged, clips")
                .containsExactly(clips, clips - 1, 1, clips);
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
