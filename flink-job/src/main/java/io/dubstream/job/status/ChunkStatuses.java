package io.dubstream.job.status;

import java.util.ArrayList;
import java.util.List;

import io.dubstream.connectors.records.ChunkStatus;
import io.dubstream.connectors.records.ClipStatus;
import io.dubstream.connectors.records.EndOfClip;
import io.dubstream.job.records.Chunk;
import io.dubstream.job.records.ChunkAttempt;

/** The status records that tell what happened to a chunk, read from the chunk where it passes. */
public final class ChunkStatuses {

    private ChunkStatuses() {}

    /** The chunk was cut from its clip at {@code atMillis} and waits for inference. */
    public static ChunkStatus pending(Chunk chunk, long atMillis) {
        return of(chunk, ChunkStatus.State.PENDING, 0, "", atMillis);
    }

    /**
     * The changes that the chunk's attempts went through, in order: per attempt RUNNING, then DONE
     * (it produced the output), RETRIED (it failed and another followed) or FAILED (it failed and was
     * the last one: the chunk is a failure marker). None for a chunk that carries no attempts.
     */
    public static List<ChunkStatus> inference(Chunk chunk) {
        ChunkAttempt[] attempts = chunk.getAttempts() == null ? new ChunkAttempt[0] : chunk.getAttempts();
        List<ChunkStatus> changes = new ArrayList<>(2 * attempts.length);
        for (int i = 0; i < attempts.length; i++) {
            ChunkAttempt a = attempts[i];
            changes.add(madeBy(a, of(chunk, ChunkStatus.State.RUNNING, a.getNumber(), "", a.getStartedAtMillis())));
            if (!a.isFailed()) {
                changes.add(madeBy(a, of(chunk, ChunkStatus.State.DONE, a.getNumber(), "", a.getEndedAtMillis())));
            } else {
                boolean last = i == attempts.length - 1 && chunk.isFailure();
                changes.add(madeBy(a, of(chunk, last ? ChunkStatus.State.FAILED : ChunkStatus.State.RETRIED,
                        a.getNumber(), a.getError(), a.getEndedAtMillis())));
            }
        }
        return changes;
    }

    /**
     * The chunk's output was merged into its clip at {@code atMillis}. The attempt is the one that
     * produced it (1 for a chunk that carries no attempts), and so are its model and voice.
     */
    public static ChunkStatus merged(Chunk chunk, long atMillis) {
        ChunkStatus merged = of(chunk, ChunkStatus.State.MERGED, Math.max(1, chunk.attemptCount()), "", atMillis);
        ChunkAttempt[] attempts = chunk.getAttempts();
        return attempts == null || attempts.length == 0 ? merged : madeBy(attempts[attempts.length - 1], merged);
    }

    /**
     * The clip ended with {@code end} (the end-of-clip record of its output) after {@code chunksMerged}
     * chunks; the retries are the tracker's to count.
     */
    public static ClipStatus outcome(EndOfClip end, int chunksMerged, long atMillis) {
        return new ClipStatus(end.getClipId(), end.isComplete() ? ClipStatus.Outcome.COMPLETED : ClipStatus.Outcome.FAILED,
                chunksMerged, 0, end.isComplete() ? "" : end.getReason(), atMillis);
    }

    /** The status named after the model and voice that ran {@code attempt}, when the attempt knows them. */
    private static ChunkStatus madeBy(ChunkAttempt attempt, ChunkStatus status) {
        return attempt.getModel() == null ? status
                : status.withModel(attempt.getModel(), attempt.getVoice() == null ? "" : attempt.getVoice());
    }

    private static ChunkStatus of(Chunk chunk, ChunkStatus.State state, int attempt, String error, long atMillis) {
        int count = chunk.isLast() && !chunk.isFailure() ? chunk.getIndex() + 1 : ChunkStatus.UNKNOWN_COUNT;
        String mode = chunk.getMode() == null ? "" : chunk.getMode().label();
        ChunkStatus status = new ChunkStatus(chunk.getClipId(), chunk.getIndex(), count, state, attempt, error,
                atMillis, mode);
        if (chunk.getCoreEndMicros() > chunk.getCoreStartMicros() && !chunk.isFailure()) {
            status = status.withCore(chunk.getCoreStartMicros(), chunk.getCoreEndMicros(), chunk.getCoreCut());
        }
        int[] dub = chunk.getDubLines();
        boolean done = state == ChunkStatus.State.DONE || state == ChunkStatus.State.MERGED;
        return dub != null && done ? status.withDubLines(dub[0], dub[1], dub[2], dub[3]) : status;
    }
}
