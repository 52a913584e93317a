package io.dubstream.connectors.records;

import java.util.Arrays;
import java.util.Objects;

/**
 * A record that could not be accepted (topic {@code dubstream.dlq}): where it came from, why it was
 * refused, and its original bytes, so that nothing accepted onto Kafka is lost without a trace.
 */
public class DeadLetter extends KeyedByClip {

    private String sourceTopic;
    private int sourcePartition;
    private long sourceOffset;
    private String reason;
    private byte[] originalValue;
    private long rejectedAtMillis;

    public DeadLetter() {}

    public DeadLetter(String clipId, String sourceTopic, int sourcePartition, long sourceOffset, String reason,
            byte[] originalValue, long rejectedAtMillis) {
        super(clipId);
        this.sourceTopic = sourceTopic;
        this.sourcePartition = sourcePartition;
        this.sourceOffset = sourceOffset;
        this.reason = reason;
        this.originalValue = originalValue;
        this.rejectedAtMillis = rejectedAtMillis;
    }

    @Override
    public RecordType recordType() {
        return RecordType.DEAD_LETTER;
    }

    public String getSourceTopic() {
        return sourceTopic;
    }

    public void setSourceTopic(String sourceTopic) {
        this.sourceTopic = sourceTopic;
    }

    public int getSourcePartition() {
        return sourcePartition;
    }

    public void setSourcePartition(int sourcePartition) {
        this.sourcePartition = sourcePartition;
    }

    public long getSourceOffset() {
        return sourceOffset;
    }

    public void setSourceOffset(long sourceOffset) {
        this.sourceOffset = sourceOffset;
    }

    public String getReason() {
        return reason;
    }

    public void setReason(String reason) {
        this.reason = reason;
    }

    public byte[] getOriginalValue() {
        return originalValue;
    }

    public void setOriginalValue(byte[] originalValue) {
        this.originalValue = originalValue;
    }

    public long getRejectedAtMillis() {
        return rejectedAtMillis;
    }

    public void setRejectedAtMillis(long rejectedAtMillis) {
        this.rejectedAtMillis = rejectedAtMillis;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof DeadLetter)) {
            return false;
        }
        DeadLetter d = (DeadLetter) o;
        return sourcePartition == d.sourcePartition && sourceOffset == d.sourceOffset
                && rejectedAtMillis == d.rejectedAtMillis && Objects.equals(getClipId(), d.getClipId())
                && Objects.equals(sourceTopic, d.sourceTopic) && Objects.equals(reason, d.reason)
                && Arrays.equals(originalValue, d.originalValue);
    }

    @Override
    public int hashCode() {
        return Objects.hash(getClipId(), sourceTopic, sourcePartition, sourceOffset, reason);
    }

    @Override
    public String toString() {
        return "DeadLetter{clipId=" + getClipId() + ", from " + sourceTopic + "-" + sourcePartition + "@" + sourceOffset
                + ", reason=" + reason + "}";
    }
}
