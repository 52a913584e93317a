package io.dubstream.job.records;

import java.util.Objects;

/**
 * One run of the model on a chunk: when it started and ended (wall clock, ms) and, when it failed,
 * why. A chunk that inference emits carries all its attempts in order ({@link Chunk#getAttempts()}).
 *
 * <p>A Flink POJO (tested).
 */
public class ChunkAttempt {

    /** Errors longer than this are cut, so that status and dead-letter records stay small. */
    public static final int MAX_ERROR_LENGTH = 1000;

    private int number;
    private long startedAtMillis;
    private long endedAtMillis;
    /** Null when the attempt produced the chunk's output. */
    private String error;

    public ChunkAttempt() {}

    private ChunkAttempt(int number, long startedAtMillis, long endedAtMillis, String error) {
        if (number < 1) {
            throw new IllegalArgumentException("attempts are numbered from 1, got " + number);
        }
        this.number = number;
        this.startedAtMillis = startedAtMillis;
        this.endedAtMillis = endedAtMillis;
        this.error = error;
    }

    public static ChunkAttempt succeeded(int number, long startedAtMillis, long endedAtMillis) {
        return new ChunkAttempt(number, startedAtMillis, endedAtMillis, null);
    }

    /** A failed attempt; an error above {@link #MAX_ERROR_LENGTH} characters is cut. */
    public static ChunkAttempt failed(int number, long startedAtMillis, long endedAtMillis, String error) {
        String e = Objects.requireNonNull(error);
        if (e.length() > MAX_ERROR_LENGTH) {
            e = e.substring(0, MAX_ERROR_LENGTH - 3) + "...";
        }
        return new ChunkAttempt(number, startedAtMillis, endedAtMillis, e);
    }

    public boolean isFailed() {
        return error != null;
    }

    public long durationMillis() {
        return endedAtMillis - startedAtMillis;
    }

    public int getNumber() {
        return number;
    }

    public void setNumber(int number) {
        this.number = number;
    }

    public long getStartedAtMillis() {
        return startedAtMillis;
    }

    public void setStartedAtMillis(long startedAtMillis) {
        this.startedAtMillis = startedAtMillis;
    }

    public long getEndedAtMillis() {
        return endedAtMillis;
    }

    public void setEndedAtMillis(long endedAtMillis) {
        this.endedAtMillis = endedAtMillis;
    }

    public String getError() {
        return error;
    }

    public void setError(String error) {
        this.error = error;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChunkAttempt a && number == a.number && startedAtMillis == a.startedAtMillis
                && endedAtMillis == a.endedAtMillis && Objects.equals(error, a.error);
    }

    @Override
    public int hashCode() {
        return Objects.hash(number, startedAtMillis, endedAtMillis, error);
    }

    @Override
    public String toString() {
        return "attempt " + number + " (" + durationMillis() + " ms" + (error == null ? "" : ", failed: " + error) + ")";
    }
}
