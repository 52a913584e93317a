package io.dubstream.connectors.records;

import java.util.Objects;

/**
 * How the job finished a clip (topic {@code dubstream.out.status}): the last status record of the
 * clip, after its {@link ChunkStatus} records. The clip's output on {@code dubstream.out.clips}
 * ends with the matching end-of-clip record.
 */
public class ClipStatus extends KeyedByClip {

    /** How the clip ended; the byte is its code in the wire format. */
    public enum Outcome {
        /** Every chunk was processed and merged: the output is the whole clip. */
        COMPLETED(0),
        /** The clip failed; the reason says why (a chunk out of attempts, a bad upload, ...). */
        FAILED(1);

        private final byte code;

        Outcome(int code) {
            this.code = (byte) code;
        }

        public byte code() {
            return code;
        }

        /** The outcome for a wire code, or {@code null} when the code names none. */
        public static Outcome fromCode(byte code) {
            for (Outcome o : values()) {
                if (o.code == code) {
                    return o;
                }
            }
            return null;
        }
    }

    private Outcome outcome;
    /** Chunks merged into the output. */
    private int chunksMerged;
    /** Attempts of the clip's chunks that failed and were retried. */
    private int retries;
    /** Empty when completed. */
    private String reason = "";
    private long atMillis;

    public ClipStatus() {}

    public ClipStatus(String clipId, Outcome outcome, int chunksMerged, int retries, String reason, long atMillis) {
        super(clipId);
        this.outcome = outcome;
        this.chunksMerged = chunksMerged;
        this.retries = retries;
        this.reason = reason;
        this.atMillis = atMillis;
    }

    /** The same outcome with another count of retries. */
    public ClipStatus withRetries(int count) {
        return new ClipStatus(getClipId(), outcome, chunksMerged, count, reason, atMillis);
    }

    @Override
    public RecordType recordType() {
        return RecordType.CLIP_STATUS;
    }

    public boolean isCompleted() {
        return outcome == Outcome.COMPLETED;
    }

    public Outcome getOutcome() {
        return outcome;
    }

    public void setOutcome(Outcome outcome) {
        this.outcome = outcome;
    }

    public int getChunksMerged() {
        return chunksMerged;
    }

    public void setChunksMerged(int chunksMerged) {
        this.chunksMerged = chunksMerged;
    }

    public int getRetries() {
        return retries;
    }

    public void setRetries(int retries) {
        this.retries = retries;
    }

    public String getReason() {
        return reason;
    }

    public void setReason(String reason) {
        this.reason = reason;
    }

    public long getAtMillis() {
        return atMillis;
    }

    public void setAtMillis(long atMillis) {
        this.atMillis = atMillis;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof ClipStatus)) {
            return false;
        }
        ClipStatus s = (ClipStatus) o;
        return chunksMerged == s.chunksMerged && retries == s.retries && atMillis == s.atMillis
                && outcome == s.outcome && Objects.equals(getClipId(), s.getClipId()) && Objects.equals(reason, s.reason);
    }

    @Override
    public int hashCode() {
        return Objects.hash(getClipId(), outcome, chunksMerged, retries, reason, atMillis);
    }

    @Override
    public String toString() {
        return "ClipStatus{clipId=" + getClipId() + ", " + outcome + ", " + chunksMerged + " chunks merged, "
                + retries + " retries" + (reason == null || reason.isEmpty() ? "" : ", reason=" + reason) + ", at "
                + atMillis + "}";
    }
}
