package io.dubstream.job.records;

import java.util.Objects;

/**
 * One run of the model on a chunk: which model and voice ran it, when it started and ended (wall
 * clock, ms) and, when it failed, why. A chunk that inference emits carries all its attempts in order ({@link Chunk#getAttempts()}).
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
    /** The model ({@code --model}) that ran the attempt; null when not known (a state of an older release). */
    private String model;
    /** The voice ({@code --voice}) that ran the attempt, empty for none; null when not known. */
    private String voice;

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

    /** The same attempt, run by the model {@code modelName} with the voice {@code voiceName} (empty: none). */
    public ChunkAttempt by(String modelName, String voiceName) {
        ChunkAttempt a = new ChunkAttempt(number, startedAtMillis, endedAtMillis, error);
        a.model = Objects.requireNonNull(modelName);
        a.voice = Objects.requireNonNull(voiceName);
        return a;
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

    public String getModel() {
        return model;
    }

    public void setModel(String model) {
        this.model = model;
    }

    public String getVoice() {
        return voice;
    }

    public void setVoice(String voice) {
        this.voice = voice;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChunkAttempt a && number == a.number && startedAtMillis == a.startedAtMillis
                && endedAtMillis == a.endedAtMillis && Objects.equals(error, a.error) && Objects.equals(model, a.model)
                && Objects.equals(voice, a.voice);
    }

    @Override
    public int hashCode() {
        return Objects.hash(number, startedAtMillis, endedAtMillis, error, model);
    }

    @Override
    public String toString() {
        return "attempt " + number + (model == null ? "" : " of " + model) + " (" + durationMillis() + " ms"
                + (error == null ? "" : ", failed: " + error) + ")";
    }
}
