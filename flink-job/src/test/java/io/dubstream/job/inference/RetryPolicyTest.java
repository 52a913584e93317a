package io.dubstream.job.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    @Test
    void backoffDoublesFromTheInitialWaitUpToTheCap() {
        RetryPolicy policy = new RetryPolicy(10, Duration.ofSeconds(1), Duration.ofSeconds(30));

        assertThat(IntStream.rangeClosed(1, 9).mapToObj(policy::backoffAfter).map(Duration::toMillis))
                .containsExactly(1_000L, 2_000L, 4_000L, 8_000L, 16_000L, 30_000L, 30_000L, 30_000L, 30_000L);
        assertThat(policy.totalBackoff()).isEqualTo(Duration.ofMillis(1_000 + 2_000 + 4_000 + 8_000 + 16_000 + 4 * 30_000));
    }

    @Test
    void aCapThatIsNoPowerOfTwoOfTheInitialWaitIsReachedExactly() {
        RetryPolicy policy = new RetryPolicy(5, Duration.ofMillis(300), Duration.ofMillis(1_000));

        assertThat(IntStream.rangeClosed(1, 4).mapToObj(policy::backoffAfter).map(Duration::toMillis))
                .containsExactly(300L, 600L, 1_000L, 1_000L);
    }

    @Test
    void veryLateAttemptsWaitTheCapWithoutOverflow() {
        RetryPolicy policy = new RetryPolicy(Integer.MAX_VALUE, Duration.ofMillis(3), Duration.ofDays(365));

        assertThat(policy.backoffAfter(62)).isEqualTo(Duration.ofDays(365));
        assertThat(policy.backoffAfter(64)).isEqualTo(Duration.ofDays(365));
        assertThat(policy.backoffAfter(1_000_000)).isEqualTo(Duration.ofDays(365));
        assertThat(policy.backoffAfter(20)).isEqualTo(Duration.ofMillis(3L << 19));
    }

    @Test
    void onlyAttemptsBeforeTheLastAreRetried() {
        RetryPolicy policy = new RetryPolicy(3, Duration.ofSeconds(1), Duration.ofSeconds(30));

        assertThat(policy.retriesAfter(1)).isTrue();
        assertThat(policy.retriesAfter(2)).isTrue();
        assertThat(policy.retriesAfter(3)).isFalse();
        assertThat(policy.totalBackoff()).isEqualTo(Duration.ofSeconds(3));
        assertThat(RetryPolicy.NONE.retriesAfter(1)).isFalse();
        assertThat(RetryPolicy.NONE.totalBackoff()).isZero();
    }

    @Test
    void aZeroBackoffRetriesAtOnce() {
        RetryPolicy policy = new RetryPolicy(4, Duration.ZERO, Duration.ZERO);

        assertThat(policy.backoffAfter(3)).isZero();
        assertThat(policy.totalBackoff()).isZero();
    }

    @Test
    void nonsenseIsRefused() {
        assertThatThrownBy(() -> new RetryPolicy(0, Duration.ZERO, Duration.ZERO))
                .hasMessage("a chunk needs at least 1 attempt, got 0");
        assertThatThrownBy(() -> new RetryPolicy(3, Duration.ofSeconds(5), Duration.ofSeconds(1)))
                .hasMessageContaining("at most the max backoff");
        assertThatThrownBy(() -> new RetryPolicy(3, Duration.ofSeconds(-1), Duration.ofSeconds(1)))
                .hasMessageContaining("0 or more");
        assertThatThrownBy(() -> RetryPolicy.NONE.backoffAfter(0)).hasMessageContaining("from 1");
    }
}
