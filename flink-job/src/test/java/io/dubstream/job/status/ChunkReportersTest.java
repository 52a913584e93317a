package io.dubstream.job.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.api.operators.StreamMap;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import io.dubstream.connectors.records.ChunkStatus;
import io.dubstream.connectors.records.ClipManifest;
import io.dubstream.connectors.records.DeadLetter;
import io.dubstream.connectors.records.EndOfClip;
import io.dubstream.connectors.records.TestManifests;
import io.dubstream.job.records.Chunk;
import io.dubstream.job.records.ClipEvent;

/** The small reporting functions around the tracker: pending chunks and counted dead letters. */
class ChunkReportersTest {

    private static final ClipManifest MANIFEST = TestManifests.of("clip", 64, 36, 25, 1, 50, 16_000, 1, 1L);

    private static Chunk chunk(int index, boolean last) {
        return Chunk.of(MANIFEST, index, last, index * 25L, new byte[][] {{1}}, index * 16_000L, new short[] {1},
                index * 25L + 1, index * 16_000L + 1, null);
    }

    @Test
    void everyChunkCutIsReportedPendingButNotAFailureMarker() throws Exception {
        try (OneInputStreamOperatorTestHarness<Chunk, ClipEvent> h = new OneInputStreamOperatorTestHarness<>(
                new ProcessOperator<>(new PendingChunkReporter()),
                TypeInformation.of(Chunk.class).createSerializer(new SerializerConfigImpl()))) {
            h.open();
            h.setProcessingTime(1_234);
            h.processElement(chunk(0, false), 0L);
            h.processElement(chunk(1, true), 0L);
            h.processElement(Chunk.failure("clip", MANIFEST, 2, "upload aborted"), 0L);

            assertThat(h.extractOutputValues()).extracting(ClipEvent::getChunkStatus).containsExactly(
                    ChunkStatus.of("clip", 0, ChunkStatus.State.PENDING, 0, 1_234).withClipMode("chunked"),
                    ChunkStatus.of("clip", 1, ChunkStatus.State.PENDING, 0, 1_234).withChunkCount(2)
                            .withClipMode("chunked"));
        }
    }

    @Test
    void deadLettersAreCountedOnTheirWayOut() throws Exception {
        ReadableMetrics metrics = new ReadableMetrics();
        ClipEvent letter = ClipEvent.of(new DeadLetter("clip", "dubstream.frames", 0, 7, "bad", new byte[] {1}, 9));
        try (MockEnvironment env = new MockEnvironmentBuilder().setMetricGroup(metrics).build();
                OneInputStreamOperatorTestHarness<ClipEvent, ClipEvent> h = new OneInputStreamOperatorTestHarness<>(
                        new StreamMap<>(new DeadLetterCounter()), env)) {
            h.open();
            h.processElement(letter, 0L);
            h.processElement(letter, 0L);

            assertThat(h.extractOutputValues()).containsExactly(letter, letter);
            assertThat(metrics.count(DeadLetterCounter.METRIC)).isEqualTo(2);
            assertThatThrownBy(() -> h.processElement(ClipEvent.of(EndOfClip.complete("clip", 1, 1, 1)), 0L))
                    .hasStackTraceContaining("not a dead letter");
        }
    }
}
