package io.dubstream.job.chunking;

import java.io.Serializable;
import java.math.BigDecimal;
import java.time.Duration;

import io.dubstream.connectors.records.EndOfClip;

/**
 * The clocks by which {@link ChunkAssembler} gives up on a clip, and when a finished clip's marker
 * goes. A clip must time out only when its input has really stopped: not because the job was down
 * (its records wait in Kafka meanwhile), nor because the job reads slowly (a model slower than real
 * time holds the source back, and a clip's next record may sit behind minutes of other clips').
 *
 * <ul>
 *   <li><b>Idle timeout, in the input's time.</b> A record's input time is its Kafka timestamp, or the
 *       assembler's watermark where that is later (an uploader whose clock is behind). The watermark
 *       is the least of the input partitions' timestamps read so far: it moves only as records are
 *       read, from every partition that has any, so a clip times out when the input went on for the
 *       timeout without it, never while its records wait in a backlog or through a downtime. An
 *       event-time timer per clip, at its last record's input time plus the timeout, moved forward
 *       when it fires early.</li>
 *   <li><b>Stalled input, in processing time.</b> When no partition has anything to read, the
 *       watermark stands still and no idle timeout can strike. So a clip also fails when the subtask
 *       has received no record at all, of any clip, for the stalled-input timeout, counted from the
 *       subtask's start or restore at the earliest (downtime does not count). A backpressured
 *       subtask still receives records, slowly, so it never stalls. A processing-time timer per
 *       clip, moved forward when it fires early.</li>
 *   <li><b>Finished markers, in processing time.</b> A marker goes once the retention has passed
 *       since the clip's last record, counted from the subtask's start or restore at the earliest, so
 *       that stragglers still in Kafka after a downtime are refused too.</li>
 * </ul>
 *
 * What the subtask has seen (its start, its last record) lives in memory: after a restore it starts
 * again, which is what makes downtime not count.
 */
final class ClipTimeouts implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Why a clip in progress is given up. */
    enum Cause {
        /** No record of the clip while the input went on for the idle timeout. */
        IDLE,
        /** No record of any clip reached the subtask for the stalled-input timeout. */
        STALLED,
        /** The input ended (a bounded input read to its end, its watermark at the end of time). */
        INPUT_ENDED
    }

    private final long idleMillis;
    private final long stalledMillis;
    private final long retentionMillis;

    private transient boolean started;
    private transient long startedAt;
    private transient long lastRecordAt;

    ClipTimeouts(Duration idle, Duration stalled, Duration retention) {
        this.idleMillis = idle.toMillis();
        this.stalledMillis = stalled.toMillis();
        this.retentionMillis = retention.toMillis();
    }

    /** Notes that the subtask is running at {@code now}: the first call after a (re)start starts its clocks. */
    void running(long now) {
        if (!started) {
            started = true;
            startedAt = now;
            lastRecordAt = now;
        }
    }

    /** Notes that a record reached the subtask at {@code now} (processing time). */
    void recordArrived(long now) {
        running(now);
        lastRecordAt = now;
    }

    /**
     * The input time of a record: its timestamp, or the watermark where that is later;
     * {@link Long#MIN_VALUE} when neither is known (no timestamp, no watermark yet).
     */
    static long inputTime(Long timestamp, long watermark) {
        return Math.max(timestamp == null ? Long.MIN_VALUE : timestamp, watermark);
    }

    /** When a clip whose last record had input time {@code lastInputAt} times out, in input time. */
    long idleDue(long lastInputAt) {
        return lastInputAt + idleMillis;
    }

    /** When the subtask's input counts as stalled if no record arrives before (processing time). */
    long stalledDue() {
        return lastRecordAt + stalledMillis;
    }

    /** The first deadline of the stalled-input check of a clip whose record arrived at {@code now}. */
    long stalledDueFrom(long now) {
        return now + stalledMillis;
    }

    /** When the marker of a clip finished with its last record at {@code lastSeenAt} expires. */
    long markerExpiry(long lastSeenAt) {
        return Math.max(lastSeenAt, startedAt) + retentionMillis;
    }

    /**
     * The reason a clip in progress is given up, for its failure marker and dead letter.
     *
     * @param end the clip's end-of-clip record, null if none came
     * @param received what arrived of the clip, e.g. {@code 11 frames, 16000 samples received}
     */
    String reason(Cause cause, EndOfClip end, String received) {
        String head = switch (cause) {
            case IDLE -> end == null ? "no end-of-clip record within " + seconds(idleMillis) + " s of the last record"
                    : "clip incomplete " + seconds(idleMillis) + " s after its last record";
            case STALLED -> (end == null ? "no end-of-clip record" : "clip incomplete")
                    + " and the input stopped (no record of any clip for " + seconds(stalledMillis) + " s)";
            case INPUT_ENDED -> end == null ? "no end-of-clip record before the input ended"
                    : "clip incomplete when the input ended";
        };
        String totals = end == null ? ""
                : ": the end-of-clip record says " + end.getFramesSent() + " frames and " + end.getSamplesSent()
                        + " samples";
        return head + totals + " (" + received + ")";
    }

    private static String seconds(long millis) {
        return BigDecimal.valueOf(millis, 3).stripTrailingZeros().toPlainString();
    }
}
