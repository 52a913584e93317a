package io.dubstream.connectors.records;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Objects;

/**
 * A record that could not be accepted (topic {@code dubstream.dlq}): where it came from, why it was
 * refused, and its original bytes, so that nothing accepted onto Kafka is lost without a trace.
 *
 * <p>The original bytes are kept up to a cap ({@link #keeping}): a dead letter of a record near the
 * record size limit must itself fit under it, or writing it would fail the job over and over on the
 * same record. Its whole length and SHA-256 always come with it, and the source topic, partition
 * and offset say where the whole record still is.
 */
public class DeadLetter extends KeyedByClip {

    /** The original bytes a dead letter keeps by default: 64 KiB. */
    public static final int DEFAULT_MAX_KEPT_BYTES = 65_536;

    /** The length of a SHA-256 digest, in bytes. */
    public static final int SHA256_BYTES = 32;

    private String sourceTopic;
    private int sourcePartition;
    private long sourceOffset;
    private String reason;
    private byte[] originalValue;
    private long rejectedAtMillis;
    private int originalLength;
    private byte[] originalSha256;

    public DeadLetter() {}

    /**
     * A dead letter that keeps the first {@code maxKept} bytes of {@code original} at most, with its
     * whole length and SHA-256.
     */
    public static DeadLetter keeping(String clipId, String sourceTopic, int sourcePartition, long sourceOffset,
            String reason, byte[] original, int maxKept, long rejectedAtMillis) {
        if (maxKept < 0) {
            throw new IllegalArgumentException("the original bytes kept must not be negative, got " + maxKept);
        }
        DeadLetter d = new DeadLetter(clipId, sourceTopic, sourcePartition, sourceOffset, reason,
                original.length <= maxKept ? original : Arrays.copyOf(original, maxKept), rejectedAtMillis);
        d.originalLength = original.length;
        d.originalSha256 = sha256(original);
        return d;
    }

    public DeadLetter(String clipId, String sourceTopic, int sourcePartition, long sourceOffset, String reason,
            byte[] originalValue, long rejectedAtMillis) {
        super(clipId);
        this.sourceTopic = sourceTopic;
        this.sourcePartition = sourcePartition;
        this.sourceOffset = sourceOffset;
        this.reason = reason;
        this.originalValue = originalValue;
        this.rejectedAtMillis = rejectedAtMillis;
        this.originalLength = originalValue.length;
        this.originalSha256 = sha256(originalValue);
    }

    /** The SHA-256 digest of {@code bytes}. */
    public static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /** Whether only the first bytes of the original were kept ({@link #getOriginalLength()} says how many it had). */
    public boolean isOriginalCut() {
        return originalLength > originalValue.length;
    }

    /** The length of the whole original record value, in bytes. */
    public int getOriginalLength() {
        return originalLength;
    }

    public void setOriginalLength(int originalLength) {
        this.originalLength = originalLength;
    }

    /** The SHA-256 of the whole original record value. */
    public byte[] getOriginalSha256() {
        return originalSha256;
    }

    public void setOriginalSha256(byte[] originalSha256) {
        this.originalSha256 = originalSha256;
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
                && rejectedAtMillis == d.rejectedAtMillis && originalLength == d.originalLength
                && Arrays.equals(originalSha256, d.originalSha256) && Objects.equals(getClipId(), d.getClipId())
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
                + ", reason=" + reason + ", original " + originalLength + " bytes" + (isOriginalCut() ? ", first "
                + originalValue.length + " kept" : "") + "}";
    }
}
