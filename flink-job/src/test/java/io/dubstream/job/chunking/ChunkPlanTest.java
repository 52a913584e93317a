package io.dubstream.job.chunking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

/**
 * Chunk boundaries with the default 10 s core and 1 s context, every expected number worked out by
 * hand: frame {@code ceil(t * fps)} and sample {@code ceil(t * 16000)} for chunk {@code k}'s start
 * {@code t = 10k - 1} s (0 for chunk 0), end {@code t = 10k + 11} s and core start {@code t = 10k} s.
 */
class ChunkPlanTest {

    private static final Duration CORE = Duration.ofSeconds(10);
    private static final Duration CONTEXT = Duration.ofSeconds(1);

    /** Samples at 16 kHz, the same at every frame rate: first and end sample of chunks 0..3. */
    private static final long[] FIRST_SAMPLES = {0, 144_000, 304_000, 464_000};
    private static final long[] END_SAMPLES = {176_000, 336_000, 496_000, 656_000};

    @Test
    void boundariesAt25Fps() {
        ChunkPlan plan = new ChunkPlan(25, 1, 16_000, CORE, CONTEXT);

        assertBoundaries(plan,
                new long[] {0, 225, 475, 725},
                new long[] {275, 525, 775, 1025},
                new long[] {0, 250, 500, 750});
    }

    @Test
    void boundariesAt2997Fps() {
        // t * 30000/1001: 9 s -> 269.73, 19 s -> 569.43, 29 s -> 869.13; 11 s -> 329.67,
        // 21 s -> 629.37, 31 s -> 929.07, 41 s -> 1228.77; 10 s -> 299.70, 20 s -> 599.40, 30 s -> 899.10
        ChunkPlan plan = new ChunkPlan(30_000, 1001, 16_000, CORE, CONTEXT);

        assertBoundaries(plan,
                new long[] {0, 270, 570, 870},
                new long[] {330, 630, 930, 1229},
                new long[] {0, 300, 600, 900});
    }

    @Test
    void boundariesAt23976Fps() {
        // t * 24000/1001: 9 s -> 215.78, 19 s -> 455.54, 29 s -> 695.30; 11 s -> 263.74,
        // 21 s -> 503.50, 31 s -> 743.26, 41 s -> 983.02; 10 s -> 239.76, 20 s -> 479.52, 30 s -> 719.28
        ChunkPlan plan = new ChunkPlan(24_000, 1001, 16_000, CORE, CONTEXT);

        assertBoundaries(plan,
                new long[] {0, 216, 456, 696},
                new long[] {264, 504, 744, 984},
                new long[] {0, 240, 480, 720});
    }

    @Test
    void chunkCountAt25Fps() {
        // Core starts at frames 250, 500, ..., 2250: a clip has one chunk per core start before its end.
        ChunkPlan plan = new ChunkPlan(25, 1, 16_000, CORE, CONTEXT);

        assertThat(plan.chunkCount(125)).as("5 s").isEqualTo(1);
        assertThat(plan.chunkCount(250)).as("10 s").isEqualTo(1);
        assertThat(plan.chunkCount(251)).as("10.04 s").isEqualTo(2);
        assertThat(plan.chunkCount(1125)).as("45 s").isEqualTo(5);
        assertThat(plan.chunkCount(1500)).as("60 s").isEqualTo(6);
        assertThat(plan.chunkCount(2250)).as("90 s").isEqualTo(9);
    }

    @Test
    void chunkCountAt2997Fps() {
        // Clips of 149.85, 299.70, 1348.65, 1798.20 and 2697.30 frames, rounded; core starts at
        // frames 300, 600, 900, 1199, 1499, 1799, 2098, 2398, 2698: the 60 s and 90 s clips end one
        // frame before a core would start.
        ChunkPlan plan = new ChunkPlan(30_000, 1001, 16_000, CORE, CONTEXT);

        assertThat(plan.coreFirstFrame(5)).isEqualTo(1499);
        assertThat(plan.coreFirstFrame(6)).isEqualTo(1799);
        assertThat(plan.coreFirstFrame(8)).isEqualTo(2398);
        assertThat(plan.coreFirstFrame(9)).isEqualTo(2698);
        assertThat(plan.chunkCount(150)).as("5 s").isEqualTo(1);
        assertThat(plan.chunkCount(300)).as("10 s").isEqualTo(1);
        assertThat(plan.chunkCount(1349)).as("45 s").isEqualTo(5);
        assertThat(plan.chunkCount(1798)).as("60 s").isEqualTo(6);
        assertThat(plan.chunkCount(2697)).as("90 s").isEqualTo(9);
    }

    @Test
    void chunkCountAt23976Fps() {
        // Clips of 119.88, 239.76, 1078.92, 1438.56 and 2157.84 frames, rounded; core starts at
        // frames 240, 480, 720, 960, 1199, 1439, 1679, 1919, 2158.
        ChunkPlan plan = new ChunkPlan(24_000, 1001, 16_000, CORE, CONTEXT);

        assertThat(plan.coreFirstFrame(5)).isEqualTo(1199);
        assertThat(plan.coreFirstFrame(6)).isEqualTo(1439);
        assertThat(plan.coreFirstFrame(9)).isEqualTo(2158);
        assertThat(plan.chunkCount(120)).as("5 s").isEqualTo(1);
        assertThat(plan.chunkCount(240)).as("10 s").isEqualTo(1);
        assertThat(plan.chunkCount(1079)).as("45 s").isEqualTo(5);
        assertThat(plan.chunkCount(1439)).as("60 s").isEqualTo(6);
        assertThat(plan.chunkCount(2158)).as("90 s").isEqualTo(9);
    }

    @Test
    void hasNextOnceTheNextCoreHasAFrame() {
        ChunkPlan plan = new ChunkPlan(25, 1, 16_000, CORE, CONTEXT);

        assertThat(plan.hasNext(0, 250)).isFalse();
        assertThat(plan.hasNext(0, 251)).isTrue();
        assertThat(plan.hasNext(1, 501)).isTrue();
    }

    @Test
    void withoutAudioEverySampleBoundaryIsZero() {
        ChunkPlan plan = new ChunkPlan(25, 1, 0, CORE, CONTEXT);

        assertThat(plan.firstSample(2)).isZero();
        assertThat(plan.endSample(2)).isZero();
        assertThat(plan.firstFrame(2)).isEqualTo(475);
    }

    @Test
    void refusesBadSettings() {
        assertThatThrownBy(() -> new ChunkPlan(0, 1, 16_000, CORE, CONTEXT))
                .hasMessage("frame rate must be positive, got 0/1");
        assertThatThrownBy(() -> new ChunkPlan(25, 1, -1, CORE, CONTEXT))
                .hasMessage("sample rate must not be negative, got -1");
        assertThatThrownBy(() -> new ChunkPlan(25, 1, 16_000, Duration.ofSeconds(2), Duration.ofMillis(1001)))
                .hasMessage("chunk core PT2S must be positive and at least twice the context PT1.001S");
    }

    private static void assertBoundaries(ChunkPlan plan, long[] firstFrames, long[] endFrames, long[] coreFirstFrames) {
        for (int k = 0; k < 4; k++) {
            assertThat(plan.firstFrame(k)).as("first frame of chunk %d", k).isEqualTo(firstFrames[k]);
            assertThat(plan.endFrame(k)).as("end frame of chunk %d", k).isEqualTo(endFrames[k]);
            assertThat(plan.coreFirstFrame(k)).as("core first frame of chunk %d", k).isEqualTo(coreFirstFrames[k]);
            assertThat(plan.firstSample(k)).as("first sample of chunk %d", k).isEqualTo(FIRST_SAMPLES[k]);
            assertThat(plan.endSample(k)).as("end sample of chunk %d", k).isEqualTo(END_SAMPLES[k]);
        }
    }
}
