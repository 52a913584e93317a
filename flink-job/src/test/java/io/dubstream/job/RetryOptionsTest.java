package io.dubstream.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

import io.dubstream.job.inference.FaultInjection;
import io.dubstream.job.inference.RetryPolicy;

class RetryOptionsTest {

    @Test
    void theDefaultsRetrySixTimesWellWithinTheTimeout() {
        Configuration conf = new Configuration();
        RetryPolicy retries = DubstreamJob.retryPolicy(conf, conf.get(DubstreamOptions.INFERENCE_TIMEOUT));

        assertThat(retries.maxAttempts()).isEqualTo(7);
        assertThat(retries.backoffAfter(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(retries.backoffAfter(2)).isEqualTo(Duration.ofSeconds(2));
        // 1 + 2 + 4 + 8 + 16 + 30 s, far within the 10 min that a chunk's attempts may take together
        assertThat(retries.totalBackoff()).isEqualTo(Duration.ofSeconds(61));
    }

    /**
     * The defaults' purpose: with 20% of all attempts failing at random, at least 999 of 1000 90 s
     * clips (9 chunks of about 10 s) complete. Counted with the job's own fault injection, whose
     * draws are the attempts that fail in a run: a clip fails when one of its chunks fails every
     * attempt. docs/design.md gives the arithmetic: 1 - (1 - 0.2^7)^9 = 0.012% of clips fail.
     */
    @Test
    void withTheDefaultsAtTwentyPercentRandomFailuresAtLeast999Of1000ClipsComplete() {
        Configuration conf = new Configuration();
        int attempts = DubstreamJob.retryPolicy(conf, conf.get(DubstreamOptions.INFERENCE_TIMEOUT)).maxAttempts();
        FaultInjection faults = FaultInjection.of(0.2, "", 1, false);

        int failed = failedClips(faults, attempts, 1000, 9);
        int failedWithThree = failedClips(faults, 3, 1000, 9);
        System.out.printf("20%% of attempts failing: %d of 1000 90 s clips fail with %d attempts, %d with 3%n", failed,
                attempts, failedWithThree);
        assertThat(failed).as("90 s clips failed of 1000").isLessThanOrEqualTo(1);
        // and the same draws with the former 3 attempts: about 7% fail (1 - (1 - 0.2^3)^9 = 7.0%)
        assertThat(failedWithThree).isBetween(40, 100);
    }

    /** Clips {@code clip-0 ..} of {@code chunks} chunks in which some chunk fails all {@code attempts} attempts. */
    private static int failedClips(FaultInjection faults, int attempts, int clips, int chunks) {
        int failed = 0;
        for (int clip = 0; clip < clips; clip++) {
            boolean clipFails = false;
            for (int chunk = 0; chunk < chunks && !clipFails; chunk++) {
                boolean chunkFails = true;
                for (int attempt = 1; attempt <= attempts && chunkFails; attempt++) {
                    chunkFails = faults.fails("clip-" + clip, chunk, attempt);
                }
                clipFails = chunkFails;
            }
            failed += clipFails ? 1 : 0;
        }
        return failed;
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
