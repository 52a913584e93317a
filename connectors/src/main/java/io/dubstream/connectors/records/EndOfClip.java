package io.dubstream.connectors.records;

import java.util.Objects;

/**
 * The last record of a clip (topic {@code dubstream.clips}, after the manifest): the totals that were
 * sent, so that a reader knows when it holds the whole clip, and whether the sender finished.
 *
 * <p>A clip is whole when its status is {@link Status#COMPLETE} and the reader has frames
 * {@code 0 .. framesSent-1} and audio samples {@code 0 .. samplesSent-1}. A sender that fails half
 * way sends {@link Status#ABORTED} with the reason instead, so a half-sent clip never looks complete.
 */
public class EndOfClip extends KeyedByClip {

    /** How the sender of the clip finished. */
    public enum Status {
        /** Every frame and sample was sent. */
        COMPLETE(0),
        /** The sender gave up; the totals say how far it got. */
        ABORTED(1),
        /** Processing failed (the job's output for a clip it could not process). */
        FAILED(2);

        private final byte code;

        Status(int code) {
            this.code = (byte) code;
        }

        public byte code() {
            return code;
        }

        public static Status fromCode(byte code) {
            for (Status s : values()) {
                if (s.code == code) {
                    return s;
                }
            }
            return null;
        }
    }

    private long framesSent;
    /** Audio samples per channel. */
    private long samplesSent;
    private Status status;
    /** Empty when complete. */
    private String reason;
    private long finishedAtMillis;

    public EndOfClip() {}

    public EndOfClip(String clipId, long framesSent, long samplesSent, Status status, String reason,
            long finishedAtMillis) {
        super(clipId);
        this.framesSent = framesSent;
        this.samplesSent = samplesSent;
        this.status = status;
        this.reason = reason;
        this.finishedAtMillis = finishedAtMillis;
    }

    public static EndOfClip complete(String clipId, long frames, long samples, long atMillis) {
        return new EndOfClip(clipId, frames, samples, Status.COMPLETE, "", atMillis);
    }

    public static EndOfClip aborted(String clipId, long frames, long samples, String reason, long atMillis) {
        return new EndOfClip(clipId, frames, samples, Status.ABORTED, reason, atMillis);
    }

    @Override
    public RecordType recordType() {
        return RecordType.END_OF_CLIP;
    }

    public long getFramesSent() {
        return framesSent;
    }

    public void setFramesSent(long framesSent) {
        this.framesSent = framesSent;
    }

    public long getSamplesSent() {
        return samplesSent;
    }

    public void setSamplesSent(long samplesSent) {
        this.samplesSent = samplesSent;
    }

    public Status getStatus() {
        return status;
    }

    public void setStatus(Status status) {
        this.status = status;
    }

    public String getReason() {
        return reason;
    }

    public void setReason(String reason) {
        this.reason = reason;
    }

    public long getFinishedAtMillis() {
        return finishedAtMillis;
    }

    public void setFinishedAtMillis(long finishedAtMillis) {
        this.finishedAtMillis = finishedAtMillis;
    }

    public boolean isComplete() {
        return status == Status.COMPLETE;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof EndOfClip)) {
            return false;
        }
        EndOfClip e = (EndOfClip) o;
        return framesSent == e.framesSent && samplesSent == e.samplesSent
                && finishedAtMillis == e.finishedAtMillis && Objects.equals(getClipId(), e.getClipId())
                && status == e.status && Objects.equals(reason, e.reason);
    }

    @Override
    public int hashCode() {
        return Objects.hash(getClipId(), framesSent, samplesSent, status, reason, finishedAtMillis);
    }

    @Override
    public String toString() {
        return "EndOfClip{clipId=" + getClipId() + ", " + status + ", frames=" + framesSent + ", samples="
                + samplesSent + (reason == null || reason.isEmpty() ? "" : ", reason=" + reason) + "}";
    }
}
