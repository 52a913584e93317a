package io.dubstream.job.inference;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.function.Supplier;

import org.apache.flink.streaming.api.functions.async.ResultFuture;

import io.dubstream.job.records.Chunk;
import io.dubstream.job.records.ChunkAttempt;

/**
 * The attempts of the model on one chunk, until the chunk has its result: the chunk's output or,
 * when the attempts ran out or the inference timeout struck, a failure marker. Either carries the
 * attempt history, and is completed exactly once; whatever happens after that (a late model result
 * after a timeout) is ignored. A fatal error instead completes the result exceptionally, which fails
 * the task ({@link #failFatally}).
 *
 * <p>The run also holds the handle of its next step, the attempt queued or running or the retry
 * waiting out its backoff, so that a timeout can cancel it ({@link #timeOut}): the attempt's thread
 * is interrupted, a retry never fires.
 *
 * <p>Thread-safe: attempts run on inference threads, retries come from the timer thread, timeouts
 * from the task thread.
 */
final class InferenceRun {

    /**
     * What a timeout leaves to cancel.
     *
     * @param nextStep the attempt queued or running, or the retry waiting; null when none
     * @param attemptThread the thread of the attempt that was running; null when none was
     * @param attempt the number of that attempt; 0 when none was running
     */
    record TimedOut(Future<?> nextStep, Thread attemptThread, int attempt) {}

    private final Chunk chunk;
    private final ResultFuture<Chunk> result;
    private final String modelName;
    private final String frameModel;
    private final String voice;
    private final List<ChunkAttempt> attempts = new ArrayList<>();
    /** Start of the attempt running now, or -1. */
    private long runningSince = -1;
    /** The thread of the attempt running now, or null. */
    private Thread runningOn;
    /** The attempt queued or running, or the retry waiting; null before the first. */
    private Future<?> nextStep;
    private boolean finished;

    /**
     * @param modelName the model as the failure marker names it (with its voice, {@link ChunkModel#name()})
     * @param frameModel the frame model every attempt records ({@link ChunkModel#modelName()})
     * @param voice the voice every attempt records ({@link ChunkModel#voiceName()}, empty for none)
     */
    InferenceRun(Chunk chunk, ResultFuture<Chunk> result, String modelName, String frameModel, String voice) {
        this.chunk = chunk;
        this.result = result;
        this.modelName = modelName;
        this.frameModel = frameModel;
        this.voice = voice;
    }

    /** A run of {@code model}. */
    InferenceRun(Chunk chunk, ResultFuture<Chunk> result, ChunkModel model) {
        this(chunk, result, model.name(), model.modelName(), model.voiceName());
    }

    Chunk chunk() {
        return chunk;
    }

    ResultFuture<Chunk> result() {
        return result;
    }

    /**
     * Queues the run's next step, an attempt or a retry, unless the run has finished, and keeps its
     * handle for a timeout to cancel. {@code queue} runs under the run's lock, so that a step which
     * starts at once (and could itself queue the step after it) never finds its handle overwritten
     * by its own, older one.
     *
     * @param queue queues the step and returns its handle; what it throws (a refused task) propagates
     * @return whether the step was queued (false when the run has finished)
     */
    synchronized boolean queueNext(Supplier<? extends Future<?>> queue) {
        if (finished) {
            return false;
        }
        nextStep = queue.get();
        return true;
    }

    /**
     * Starts the next attempt on the calling thread: its number, or 0 when the run has finished and
     * nothing is to be run.
     */
    synchronized int start(long now) {
        if (finished) {
            return 0;
        }
        runningSince = now;
        runningOn = Thread.currentThread();
        return attempts.size() + 1;
    }

    /**
     * The attempt running now produced {@code output}: completes the run with it.
     *
     * @return false when the run had finished meanwhile (timed out), and the output is dropped
     */
    synchronized boolean succeed(Chunk output, long now) {
        if (finished) {
            return false;
        }
        attempts.add(ChunkAttempt.succeeded(attempts.size() + 1, runningSince, now).by(frameModel, voice));
        finish(output);
        return true;
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
        attempts.add(ChunkAttempt.failed(attempts.size() + 1, runningSince, now, error).by(frameModel, voice));
        runningSince = -1;
        runningOn = null;
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
     * The attempt running now threw an error the JVM may not survive: completes the result
     * exceptionally with it, which fails the async operator and so the task; Flink restarts the job
     * from its last checkpoint.
     *
     * @return false when the run had finished meanwhile, and the error is not passed on
     */
    synchronized boolean failFatally(Throwable fatal) {
        if (finished) {
            return false;
        }
        finished = true;
        runningSince = -1;
        runningOn = null;
        nextStep = null;
        result.completeExceptionally(fatal);
        return true;
    }

    /**
     * The run took too long: the attempt running now, if any, fails with {@code error}, and the run
     * completes with a failure marker. When it was waiting to retry, the marker gives the last error
     * too. The caller cancels what the run leaves ({@link TimedOut}).
     *
     * @return what to cancel, or null when the run had finished already
     */
    synchronized TimedOut timeOut(String error, long now) {
        if (finished) {
            return null;
        }
        TimedOut left = new TimedOut(nextStep, runningOn, runningOn == null ? 0 : attempts.size() + 1);
        if (runningSince >= 0 || attempts.isEmpty()) {
            attempts.add(ChunkAttempt.failed(attempts.size() + 1, runningSince >= 0 ? runningSince : now, now, error)
                    .by(frameModel, voice));
            finish(marker(error));
        } else {
            ChunkAttempt last = attempts.get(attempts.size() - 1);
            finish(marker(error + " (waiting to retry after attempt " + last.getNumber() + ": " + last.getError()
                    + ")"));
        }
        return left;
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
        runningOn = null;
        nextStep = null;
        result.complete(List.of(output.withAttempts(attempts.toArray(new ChunkAttempt[0]))));
    }
}
