package io.dubstream.job.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.dubstream.job.DubstreamOptions;

class DemoCommandTest {

    @Test
    void testTransformsCheckpointEveryTwoSecondsSoThatOutputShowsSoon() {
        assertThat(DemoCommand.checkpointInterval("identity", "auto")).isEqualTo(Duration.ofSeconds(2));
        assertThat(DemoCommand.checkpointInterval("colour-gain", "cpu")).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void aLipSyncModelOnTheCpuCheckpointsAtTheJobsDefaultAsItsChunksStayInFlightForLong() {
        assertThat(DemoCommand.checkpointInterval("wav2lip-reference", "cpu"))
                .isEqualTo(DubstreamOptions.CHECKPOINT_INTERVAL.defaultValue())
                .isEqualTo(Duration.ofSeconds(10));
    }
}
