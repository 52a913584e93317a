package io.dubstream.job;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

class StageContextOptionTest {

    @Test
    void theDefaultContextCoversTheLipSyncStageWithItsDefaultSearch() {
        Configuration conf = new Configuration();
        conf.set(DubstreamOptions.MODEL, "wav2lip-reference");
        conf.set(DubstreamOptions.VOICE_MODEL, "voice-pitch-shift");

        assertThatCode(() -> DubstreamJob.checkStageContext(conf)).doesNotThrowAnyException();
    }

    @Test
    void aContextShorterThanTheLipSyncStageReadsIsRefusedWhenTheJobIsBuilt() {
        Configuration conf = new Configuration();
        conf.set(DubstreamOptions.MODEL, "wav2lip-reference");
        conf.set(DubstreamOptions.CHUNK_CONTEXT, Duration.ofMillis(500));

        assertThatThrownBy(() -> DubstreamJob.checkStageContext(conf))
                .hasMessage("dubstream.chunk.context (0.5 s) is below the 0.75 s the lip-sync (wav2lip-reference)"
                        + " stage reads on each side of a chunk's core; raise it to at least that");
    }

    @Test
    void sparserFaceDetectionsNeedMoreThanTheDefaultContext() {
        Configuration conf = new Configuration();
        conf.set(DubstreamOptions.MODEL, "wav2lip-reference");
        conf.set(DubstreamOptions.LIPSYNC_DETECT_EVERY, 12);

        assertThatThrownBy(() -> DubstreamJob.checkStageContext(conf))
                .hasMessageStartingWith("dubstream.chunk.context (1 s) is below the 1.208 s the lip-sync");
    }

    @Test
    void theTestTransformsNeedNoContext() {
        Configuration conf = new Configuration();
        conf.set(DubstreamOptions.MODEL, "identity");
        conf.set(DubstreamOptions.CHUNK_CONTEXT, Duration.ZERO);

        assertThatCode(() -> DubstreamJob.checkStageContext(conf)).doesNotThrowAnyException();
    }
}
