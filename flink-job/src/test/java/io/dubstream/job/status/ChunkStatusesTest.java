package io.dubstream.job.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import org.junit.jupiter.api.Test;

import io.dubstream.connectors.records.ChunkStatus;
import io.dubstream.connectors.records.ChunkStatus.State;
import io.dubstream.connectors.records.ClipManifest;
import io.dubstream.connectors.records.TestManifests;
import io.dubstream.job.records.Chunk;
import io.dubstream.job.records.ChunkAttempt;

class ChunkStatusesTest {

    private static final ClipManifest MANIFEST = TestManifests.of("clip", 64, 36, 25, 1, 50, 16_000, 1, 1L);
    private static final Chunk CHUNK = Chunk.of(MANIFEST, 1, false, 100, new byte[][] {{1}}, 64_000,
            new short[] {7}, 101, 64_001, null);

    @Test
    void theRunningDoneAndMergedRecordsNameTheModelAndVoiceOfTheirAttempt() {
        Chunk ran = CHUNK.withAttempts(new ChunkAttempt[] {
            ChunkAttempt.failed(1, 10, 15, "boom").by("identity", ""),
            ChunkAttempt.succeeded(2, 40, 45).by("colour-gain", "voice-identity")});

        assertThat(ChunkStatuses.inference(ran))
                .extracting(ChunkStatus::getState, ChunkStatus::getAttempt, ChunkStatus::getModel, ChunkStatus::getVoice)
                .containsExactly(tuple(State.RUNNING, 1, "identity", ""), tuple(State.RETRIED, 1, "identity", ""),
                        tuple(State.RUNNING, 2, "colour-gain", "voice-identity"),
                        tuple(State.DONE, 2, "colour-gain", "voice-identity"));
        ChunkStatus merged = ChunkStatuses.merged(ran, 50);
        assertThat(merged.getAttempt()).isEqualTo(2);
        assertThat(merged.getModel()).isEqualTo("colour-gain");
        assertThat(merged.getVoice()).isEqualTo("voice-identity");
        assertThat(ChunkStatuses.pending(CHUNK, 5).hasModel()).as("a pending chunk has no model yet").isFalse();
    }

    @Test
    void anAttemptRestoredFromAnOlderReleaseNamesNoModel() {
        Chunk restored = CHUNK.withAttempts(new ChunkAttempt[] {ChunkAttempt.succeeded(1, 40, 45)});

        assertThat(ChunkStatuses.inference(restored)).noneMatch(ChunkStatus::hasModel);
        assertThat(ChunkStatuses.merged(restored, 50).getModel()).isEmpty();
    }
}
