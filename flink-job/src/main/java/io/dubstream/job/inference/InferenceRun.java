package io.dubstream.job.inference;

import java.util.ArrayList;
import java.util.List;

import org.apache.flink.streaming.api.functions.async.ResultFuture;

import io.dubstream.job.records.Chunk;
import io.dubstream.job.records.ChunkAttempt;

/**
 * The attempts of the model on one chunk, until the chunk has its result: the chunk's output or,
 * when the attempts ran out or the inference timeout struck, a failure marker. Either carries the
 * attempt history, and is completed exactly once; whatever happens after that (a late model result
 * after a timeout) is ignored.
 *
 * <p>Thread-safe: attempts run on inference threads, timeouts come from the task thread.
 */
final class InferenceRun {

    private final Chunk chunk;
    private final ResultFuture<Chunk> result;
    private final String modelName;
    private final List<ChunkAttempt> attempts = new ArrayList<>();
    /** Start of the attempt running now, or -1. */
    private long runningSince = -1;
    private boolean finished;

    InferenceRun(Chunk chunk, ResultFuture<Chunk> result, String modelName) {
        this.chunk = chunk;
        this.result = result;
        this.modelName = modelName;
    }

    Chunk chunk() {
        return chunk;
    }

    ResultFuture<Chunk> result() {
        return result;
    }

    /** Starts the next attempt: its number, or 0 when the run has finished and nothing is to be run. */
    synchronized int start(long now) {
        if (finished) {
            return 0;
        }
        runningSince = now;
        return attempts.size() + 1;
    }

    /** The attempt running now produced {@code output}: completes the run with it. */
    synchronized void succeed(Chunk output, long now) {
        if (finished) {
            return;
        }
        attempts.add(ChunkAttempt.succeeded(attempts.size() + 1, runningSince, now));
        finish(output);
    }

    /**
     * The attempt running now failed for {@code error}.
     *
     * @return whether the run goes on (false when it has finished meanwhile)
     */
    synchronized boolean fail(String error, long now) {
        if (finished) {
            return false;
        }
        attempts.add(ChunkAttempt.failed(attempts.size() + 1, runningSince, now, error));
        runningSince = -1;
        return true;
    }

    /** No attempt follows: completes the run with a failure marker that gives the last error. */
    synchronized void giveUp() {
        if (finished) {
            return;
        }
        finish(marker(attempts.get(attempts.size() - 1).getError()));
    }

    /**
     * The run took too long: the attempt running now, if any, fails with {@code error}, and the run
     * completes with a failure marker. When it was waiting to retry, the marker gives the last error too.
     */
    synchronized void timeOut(String error, long now) {
        if (finished) {
            return;
        }
        if (runningSince >= 0 || attempts.isEmpty()) {
            attempts.add(ChunkAttempt.failed(attempts.size() + 1, runningSince >= 0 ? runningSince : now, now, error));
            finish(marker(error));
        } else {
            ChunkAttempt last = attempts.get(attempts.size() - 1);
            finish(marker(error + " (waiting to retry after attempt " + last.getNumber() + ": " + last.getError()
                    + ")"));
        }
    }

    private Chunk marker(String lastError) {
        int n = attempts.size();
        String reason = "model " + modelName + " failed on chunk " + chunk.getIndex()
                + (n > 1 ? " after " + n + " attempts" : "") + ": " + lastError;
        return Chunk.failure(chunk.getClipId(), chunk.getManifest(), chunk.getMode(), chunk.getIndex(), reason);
    }

    private void finish(Chunk output) {
        finished = true;
        runningSince = -1;
        result.complete(List.of(output.withAttempts(attempts.toArray(new ChunkAttempt[0]))));
    }
}
