package io.dubstream.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

import io.dubstream.job.inference.RetryPolicy;

class RetryOptionsTest {

    @Test
    void theDefaultsRetryTwiceWellWithinTheTimeout() {
        Configuration conf = new Configuration();
        RetryPolicy retries = DubstreamJob.retryPolicy(conf, conf.get(DubstreamOptions.INFERENCE_TIMEOUT));

        assertThat(retries.maxAttempts()).isEqualTo(3);
        assertThat(retries.backoffAfter(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(retries.backoffAfter(2)).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void aTimeoutThatTheBackoffsAloneWouldExceedIsRefused() {
        Configuration conf = new Configuration();
        conf.set(DubstreamOptions.INFERENCE_MAX_ATTEMPTS, 5);
        conf.set(DubstreamOptions.INFERENCE_RETRY_BACKOFF, Duration.ofSeconds(10));
        conf.set(DubstreamOptions.INFERENCE_RETRY_MAX_BACKOFF, Duration.ofSeconds(30));

        // 10 + 20 + 30 + 30 s of backoff
        assertThatThrownBy(() -> DubstreamJob.retryPolicy(conf, Duration.ofSeconds(90)))
                .hasMessageStartingWith("dubstream.inference.timeout (PT1M30S) spans all attempts of a chunk and must"
                        + " exceed the backoffs between them")
                .hasMessageContaining("PT1M30S in all");
        assertThat(DubstreamJob.retryPolicy(conf, Duration.ofSeconds(91)).totalBackoff())
                .isEqualTo(Duration.ofSeconds(90));
    }
}
