package io.dubstream.job.inference;

import java.io.Serializable;
import java.time.Duration;

/**
 * How often {@link ChunkInference} runs the model on a chunk whose attempts fail, and how long it
 * waits between attempts: after failed attempt {@code n} it waits
 * {@code min(initialBackoff * 2^(n-1), maxBackoff)}, up to {@code maxAttempts} attempts in all.
 */
public final class RetryPolicy implements Serializable {

    private static final long serialVersionUID = 1L;

    /** One attempt, no retry. */
    public static final RetryPolicy NONE = new RetryPolicy(1, Duration.ZERO, Duration.ZERO);

    private final int maxAttempts;
    private final long initialBackoffMillis;
    private final long maxBackoffMillis;

    /**
     * @param maxAttempts attempts per chunk in all, at least 1
     * @param initialBackoff the wait after the first failed attempt
     * @param maxBackoff the longest wait, at least {@code initialBackoff}
     */
    public RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("a chunk needs at least 1 attempt, got " + maxAttempts);
        }
        if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("retry backoff must be 0 or more and at most the max backoff, got "
                    + initialBackoff + " and max " + maxBackoff);
        }
        this.maxAttempts = maxAttempts;
        this.initialBackoffMillis = initialBackoff.toMillis();
        this.maxBackoffMillis = maxBackoff.toMillis();
    }

    public int maxAttempts() {
        return maxAttempts;
    }

    /** Whether another attempt follows when attempt {@code attempt} (from 1) fails. */
    public boolean retriesAfter(int attempt) {
        return attempt < maxAttempts;
    }

    /** The wait after failed attempt {@code attempt} (from 1): {@code min(initial * 2^(attempt-1), max)}. */
    public Duration backoffAfter(int attempt) {
        if (attempt < 1) {
            throw new IllegalArgumentException("attempts are numbered from 1, got " + attempt);
        }
        int doublings = attempt - 1;
        if (initialBackoffMillis == 0) {
            return Duration.ZERO;
        }
        // initial * 2^doublings reaches the cap before it can overflow
        if (doublings >= Long.numberOfLeadingZeros(initialBackoffMillis) - 1
                || initialBackoffMillis << doublings >= maxBackoffMillis) {
            return Duration.ofMillis(maxBackoffMillis);
        }
        return Duration.ofMillis(initialBackoffMillis << doublings);
    }

    /** All the waits of a chunk that uses every attempt. */
    public Duration totalBackoff() {
        Duration total = Duration.ZERO;
        for (int attempt = 1; retriesAfter(attempt); attempt++) {
            total = total.plus(backoffAfter(attempt));
        }
        return total;
    }

    @Override
    public String toString() {
        return maxAttempts + " attempts, backoff " + initialBackoffMillis + " ms doubling up to " + maxBackoffMillis
                + " ms";
    }
}
