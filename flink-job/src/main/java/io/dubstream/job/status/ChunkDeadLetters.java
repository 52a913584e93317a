package io.dubstream.job.status;

import io.dubstream.connectors.format.RecordLimits;
import io.dubstream.connectors.records.DeadLetter;
import io.dubstream.job.records.Chunk;
import io.dubstream.job.records.ChunkAttempt;

/**
 * The dead letter for a chunk that inference gave up on. It comes from no Kafka record but from the
 * job's inference stage: its source "topic" is {@link #SOURCE}, partition and offset are -1, the
 * original value is empty (the chunk's frames and audio are still on the input topics), and the
 * reason names the chunk and every attempt's error.
 */
public final class ChunkDeadLetters {

    /** The source of the dead letters of failed chunks. */
    public static final String SOURCE = "chunk-inference";

    private ChunkDeadLetters() {}

    /**
     * @param failed a failure marker with the attempts that failed ({@link Chunk#failedInference()})
     */
    public static DeadLetter of(Chunk failed) {
        if (!failed.failedInference()) {
            throw new IllegalArgumentException("not a chunk that inference gave up on: " + failed);
        }
        StringBuilder reason = new StringBuilder(failed.getFailure()).append(" (");
        ChunkAttempt[] attempts = failed.getAttempts();
        for (int i = 0; i < attempts.length; i++) {
            reason.append(i == 0 ? "" : "; ").append("attempt ").append(attempts[i].getNumber()).append(": ")
                    .append(attempts[i].getError());
        }
        reason.append(')');
        int max = RecordLimits.DEFAULTS.maxTextLength();
        String text = reason.length() <= max ? reason.toString() : reason.substring(0, max - 3) + "...";
        return new DeadLetter(failed.getClipId(), SOURCE, -1, -1, text, new byte[0],
                attempts[attempts.length - 1].getEndedAtMillis());
    }
}
