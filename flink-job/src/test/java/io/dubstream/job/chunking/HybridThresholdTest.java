package io.dubstream.job.chunking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.dubstream.connectors.records.ClipManifest;
import io.dubstream.connectors.records.ClipMode;
import io.dubstream.connectors.records.EndOfClip;
import io.dubstream.connectors.records.TestManifests;

class HybridThresholdTest {

    private static final HybridThreshold FIFTEEN_SECONDS = new HybridThreshold(Duration.ofSeconds(15));

    @Test
    void mostFramesOfAWholeClip() {
        assertThat(FIFTEEN_SECONDS.maxWholeFrames(manifest(25, 1, 0))).isEqualTo(375);
        // 15 s * 30000/1001 = 449.55; 15 s * 24000/1001 = 359.64
        assertThat(FIFTEEN_SECONDS.maxWholeFrames(manifest(30_000, 1001, 0))).isEqualTo(449);
        assertThat(FIFTEEN_SECONDS.maxWholeFrames(manifest(24_000, 1001, 0))).isEqualTo(359);
    }

    @Test
    void theManifestsDurationDecides() {
        assertThat(FIFTEEN_SECONDS.decide(manifest(25, 1, 15_000_000), 0, null)).isEqualTo(ClipMode.WHOLE);
        assertThat(FIFTEEN_SECONDS.decide(manifest(25, 1, 15_000_001), 0, null)).isEqualTo(ClipMode.CHUNKED);
        assertThat(FIFTEEN_SECONDS.decide(manifest(25, 1, 20_000_000), 100, end(125)))
                .as("a long manifest wins over a short end").isEqualTo(ClipMode.CHUNKED);
    }

    @Test
    void withoutADurationTheFramesOrTheEndDecide() {
        ClipManifest unknown = manifest(25, 1, -1);

        assertThat(FIFTEEN_SECONDS.decide(unknown, 375, null)).as("not yet").isNull();
        assertThat(FIFTEEN_SECONDS.decide(unknown, 376, null)).isEqualTo(ClipMode.CHUNKED);
        assertThat(FIFTEEN_SECONDS.decide(unknown, 100, end(375))).isEqualTo(ClipMode.WHOLE);
        assertThat(FIFTEEN_SECONDS.decide(unknown, 100, end(376))).isEqualTo(ClipMode.CHUNKED);
    }

    @Test
    void framesPastTheThresholdOverruleAShortManifest() {
        assertThat(FIFTEEN_SECONDS.decide(manifest(25, 1, 10_000_000), 376, null)).isEqualTo(ClipMode.CHUNKED);
        assertThat(FIFTEEN_SECONDS.decide(manifest(25, 1, 10_000_000), 10, end(376))).isEqualTo(ClipMode.CHUNKED);
    }

    @Test
    void zeroChunksEveryClip() {
        assertThat(new HybridThreshold(Duration.ZERO).decide(manifest(25, 1, 1_000_000), 1, end(1)))
                .isEqualTo(ClipMode.CHUNKED);
        assertThatThrownBy(() -> new HybridThreshold(Duration.ofMillis(-1)))
                .hasMessage("hybrid threshold must not be negative, got PT-0.001S");
    }

    private static ClipManifest manifest(int fpsNum, int fpsDen, long durationMicros) {
        ClipManifest m = TestManifests.of("c", 64, 36, fpsNum, fpsDen, -1, 16_000, 1, 1L);
        m.setDurationMicros(durationMicros);
        return m;
    }

    private static EndOfClip end(long frames) {
        return EndOfClip.complete("c", frames, 0, 1L);
    }
}
