package io.dubstream.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

class FinishedRetentionOptionTest {

    @Test
    void theDefaultRetentionOutlastsTheDefaultInferenceTimeout() {
        assertThat(DubstreamJob.finishedRetention(new Configuration())).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void aRetentionNotLongerThanTheInferenceTimeoutIsRefused() {
        Configuration conf = new Configuration();
        conf.set(DubstreamOptions.INFERENCE_TIMEOUT, Duration.ofMinutes(10));
        conf.set(DubstreamOptions.CLIP_FINISHED_RETENTION, Duration.ofMinutes(10));

        assertThatThrownBy(() -> DubstreamJob.finishedRetention(conf))
                .hasMessage("dubstream.clip.finished-retention (PT10M) must exceed dubstream.inference.timeout (PT10M):"
                        + " chunks of a failed clip still in inference reach the merger up to that long after the"
                        + " clip's end, and must find its finished marker there");
        conf.set(DubstreamOptions.CLIP_FINISHED_RETENTION, Duration.ofMinutes(11));
        assertThat(DubstreamJob.finishedRetention(conf)).isEqualTo(Duration.ofMinutes(11));
    }
}
