package io.dubstream.connectors.report;

import static io.dubstream.connectors.report.ReportFixtures.T0;
import static io.dubstream.connectors.report.ReportFixtures.chunk;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.dubstream.connectors.records.ChunkStatus.State;
import io.dubstream.connectors.report.ClipTimeline.Span;
import io.dubstream.connectors.report.ClipTimeline.SpanKind;

class ClipTimelineTest {

    @Test
    void aCompletedClipWithARetryHasEachAttemptTheBackoffAndTheMergeAsSpans() {
        ClipTimeline t = ClipTimeline.of("a", ReportFixtures.completedWithRetry("a"));

        assertThat(t.outcome()).isEqualTo(ClipTimeline.Outcome.COMPLETED);
        assertThat(t.firstMillis()).isEqualTo(T0);
        assertThat(t.spanMillis()).isEqualTo(4_200);
        assertThat(t.chunkCount()).isEqualTo(2);
        assertThat(t.clipMode()).isEqualTo("chunked");
        assertThat(t.attempts()).isEqualTo(3);
        assertThat(t.retries()).isEqualTo(1);
        assertThat(t.chunksMerged()).isEqualTo(2);
        assertThat(t.records()).isEqualTo(12);
        assertThat(t.heartbeats()).isEqualTo(1);
        assertThat(t.clipSeconds()).isEqualTo(20.0);

        ClipTimeline.Chunk c0 = t.chunks().get(0);
        assertThat(c0.spans()).containsExactly(
                new Span(SpanKind.WAITING, 0, T0, T0 + 500, false, ""),
                new Span(SpanKind.ATTEMPT_RETRIED, 1, T0 + 500, T0 + 1_000, false, "injected fault on attempt 1"),
                new Span(SpanKind.BACKOFF, 1, T0 + 1_000, T0 + 2_000, false, ""),
                new Span(SpanKind.ATTEMPT_DONE, 2, T0 + 2_000, T0 + 3_000, false, ""),
                new Span(SpanKind.MERGE_WAIT, 2, T0 + 3_000, T0 + 3_200, false, ""));
        assertThat(c0.mergedAtMillis()).isEqualTo(T0 + 3_200);
        assertThat(c0.attempts()).isEqualTo(2);
        assertThat(c0.retries()).isEqualTo(1);
        assertThat(c0.cut()).isEqualTo("silence");

        ClipTimeline.Chunk c1 = t.chunks().get(1);
        // the heartbeat at 2.5 s changes nothing: one waiting span from the first PENDING
        assertThat(c1.spans()).containsExactly(
                new Span(SpanKind.WAITING, 0, T0 + 1_500, T0 + 3_000, false, ""),
                new Span(SpanKind.ATTEMPT_DONE, 1, T0 + 3_000, T0 + 4_000, false, ""),
                new Span(SpanKind.MERGE_WAIT, 1, T0 + 4_000, T0 + 4_100, false, ""));
        assertThat(c1.state()).isEqualTo(State.MERGED);
    }

    @Test
    void aFailedClipMarksTheFailedAttemptAndLeavesTheChunksBehindItOpenAtItsEnd() {
        ClipTimeline t = ClipTimeline.of("b", ReportFixtures.failed("b", "CUDA out of memory"));

        assertThat(t.outcome()).isEqualTo(ClipTimeline.Outcome.FAILED);
        assertThat(t.reason()).isEqualTo("model colour-gain failed on chunk 1 after 2 attempts: CUDA out of memory");
        assertThat(t.chunksMerged()).isEqualTo(1);
        assertThat(t.clipSeconds()).as("no core stated").isEqualTo(-1.0);

        ClipTimeline.Chunk c1 = t.chunks().get(1);
        assertThat(c1.spans()).containsExactly(
                new Span(SpanKind.WAITING, 0, T0 + 600, T0 + 1_000, false, ""),
                new Span(SpanKind.ATTEMPT_RETRIED, 1, T0 + 1_000, T0 + 1_500, false, "CUDA out of memory"),
                new Span(SpanKind.BACKOFF, 1, T0 + 1_500, T0 + 2_500, false, ""),
                new Span(SpanKind.ATTEMPT_FAILED, 2, T0 + 2_500, T0 + 3_000, false, "CUDA out of memory"));
        assertThat(c1.failedAtMillis()).isEqualTo(T0 + 3_000);
        assertThat(c1.mergedAtMillis()).isEqualTo(-1);

        assertThat(t.chunks().get(2).spans()).containsExactly(
                new Span(SpanKind.WAITING, 0, T0 + 1_200, T0 + 3_000, true, ""));
    }

    @Test
    void aClipInProgressEndsItsOpenSpansAtItsLastRecord() {
        ClipTimeline t = ClipTimeline.of("c", List.of(
                chunk("c", 0, State.PENDING, 0, "", 0),
                chunk("c", 0, State.RUNNING, 1, "", 1_000),
                chunk("c", 0, State.DONE, 1, "", 2_000),
                chunk("c", 1, State.PENDING, 0, "", 2_500),
                chunk("c", 1, State.RUNNING, 1, "", 3_000),
                chunk("c", 1, State.RETRIED, 1, "boom", 3_500),
                chunk("c", 2, State.PENDING, 0, "", 4_000)));

        assertThat(t.outcome()).isEqualTo(ClipTimeline.Outcome.IN_PROGRESS);
        assertThat(t.end()).isNull();
        assertThat(t.retries()).as("counted from the records without a clip status").isEqualTo(1);
        assertThat(t.chunks().get(0).spans()).last()
                .isEqualTo(new Span(SpanKind.MERGE_WAIT, 1, T0 + 2_000, T0 + 4_000, true, ""));
        assertThat(t.chunks().get(1).spans()).last()
                .isEqualTo(new Span(SpanKind.BACKOFF, 1, T0 + 3_500, T0 + 4_000, true, ""));
        assertThat(t.chunks().get(2).spans()).containsExactly(
                new Span(SpanKind.WAITING, 0, T0 + 4_000, T0 + 4_000, true, ""));
    }

    @Test
    void anAttemptRunningWhenTheRecordsStopIsOpen() {
        ClipTimeline t = ClipTimeline.of("d", List.of(
                chunk("d", 0, State.PENDING, 0, "", 0),
                chunk("d", 0, State.RUNNING, 1, "", 1_000),
                chunk("d", 0, State.PENDING, 0, "", 1_500)));

        assertThat(t.chunks().get(0).spans()).containsExactly(
                new Span(SpanKind.WAITING, 0, T0, T0 + 1_000, false, ""),
                new Span(SpanKind.ATTEMPT_RUNNING, 1, T0 + 1_000, T0 + 1_500, true, ""));
    }

    @Test
    void aRecordOfAnotherClipIsRefused() {
        ClipTimeline t = new ClipTimeline("a");
        assertThatThrownBy(() -> t.add(chunk("b", 0, State.PENDING, 0, "", 0)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a record of clip b in the timeline of clip a");
    }
}
