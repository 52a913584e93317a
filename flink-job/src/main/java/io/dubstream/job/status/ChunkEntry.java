package io.dubstream.job.status;

import io.dubstream.connectors.records.ChunkStatus;

/**
 * One row of a clip's chunk state table ({@link ChunkStateTracker}): where a chunk is, how many
 * attempts it took, its last error and when it reached each stage (processing or wall-clock time in
 * ms where the change happened; 0 when not reached yet).
 *
 * <p>A Flink POJO (tested), never Kryo.
 */
public class ChunkEntry {

    private ChunkStatus.State state;
    private int attempt;
    private int retries;
    private String lastError = "";
    private long pendingAtMillis;
    private long attemptStartedAtMillis;
    private long finishedAtMillis;
    private long mergedAtMillis;

    public ChunkEntry() {}

    /** A chunk that has just been cut. */
    static ChunkEntry pending(long atMillis) {
        ChunkEntry e = new ChunkEntry();
        e.state = ChunkStatus.State.PENDING;
        e.pendingAtMillis = atMillis;
        return e;
    }

    public ChunkStatus.State getState() {
        return state;
    }

    public void setState(ChunkStatus.State state) {
        this.state = state;
    }

    /** The attempt of the latest change (0 while pending). */
    public int getAttempt() {
        return attempt;
    }

    public void setAttempt(int attempt) {
        this.attempt = attempt;
    }

    public int getRetries() {
        return retries;
    }

    public void setRetries(int retries) {
        this.retries = retries;
    }

    /** Empty when no attempt failed. */
    public String getLastError() {
        return lastError;
    }

    public void setLastError(String lastError) {
        this.lastError = lastError;
    }

    public long getPendingAtMillis() {
        return pendingAtMillis;
    }

    public void setPendingAtMillis(long pendingAtMillis) {
        this.pendingAtMillis = pendingAtMillis;
    }

    /** When the latest attempt started. */
    public long getAttemptStartedAtMillis() {
        return attemptStartedAtMillis;
    }

    public void setAttemptStartedAtMillis(long attemptStartedAtMillis) {
        this.attemptStartedAtMillis = attemptStartedAtMillis;
    }

    /** When inference finished with the chunk (DONE or FAILED). */
    public long getFinishedAtMillis() {
        return finishedAtMillis;
    }

    public void setFinishedAtMillis(long finishedAtMillis) {
        this.finishedAtMillis = finishedAtMillis;
    }

    public long getMergedAtMillis() {
        return mergedAtMillis;
    }

    public void setMergedAtMillis(long mergedAtMillis) {
        this.mergedAtMillis = mergedAtMillis;
    }

    @Override
    public String toString() {
        return state + " (attempt " + attempt + ", " + retries + " retries"
                + (lastError.isEmpty() ? "" : ", last error: " + lastError) + ")";
    }
}
