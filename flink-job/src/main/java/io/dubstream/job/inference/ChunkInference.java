package io.dubstream.job.inference;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.dubstream.connectors.format.RecordLimits;
import io.dubstream.job.records.Chunk;

/**
 * Runs the model on every chunk, off the task thread, and retries the attempts that fail: Flink's
 * async operator hands chunks to this function, which queues them for the inference threads of its
 * subtask that own the model. A checkpoint barrier therefore never waits behind a long inference
 * queue: the chunks in flight are stored in the checkpoint and run again, from their first attempt,
 * after a restore.
 *
 * <p>The model is opened in {@link #open} and closed in {@link #close}: one per subtask, or, where
 * {@link ModelSharing} says so, one for the operator's subtasks in a TaskManager ({@link SharedModels}),
 * whose batches then take the frames of all their chunks in flight.
 *
 * <h2>Attempts and retries</h2>
 * An attempt fails when the model throws (any exception, a non-finite voice output or a GPU out of
 * memory among them: DJL reports the latter as an ordinary {@code EngineException}), returns a chunk
 * of another length or a frame that encodes to more than a whole frame may have
 * ({@code dubstream.max-whole-frame-bytes}; a frame above one record's limit goes out in parts), or when {@link FaultInjection}
 * says so. Only that chunk is tried again, after the {@link RetryPolicy}'s backoff, which a timer
 * thread waits out (no inference thread sleeps), up to the policy's attempts. Each failed attempt is
 * logged once, at WARN, with the stack trace of what the model threw. The chunk emitted carries every
 * attempt (start, end, error): the model's output when one attempt succeeded, else a failure marker
 * with the last error, which the merger turns into a FAILED clip; the job keeps running. Failure
 * markers from upstream pass through untouched.
 *
 * <h2>Timeout: hung models</h2>
 * The async operator's timeout spans the whole chunk, its attempts and backoffs together: a chunk
 * without a result by then fails the same way, and what it still has going is cancelled. Its running
 * attempt's thread is interrupted (the log shows where that thread was), a queued attempt or a waiting
 * retry never runs, and a model that waits in a {@code MicroBatcher} takes its items that have not run
 * out of the batcher's queue. So a model that hangs interruptibly (waiting on a lock, a queue, a
 * socket) gives its inference thread back and later chunks go on. A model that ignores interrupts (a
 * native call that never returns) keeps its thread until it returns: Java cannot take it back. The
 * gauge {@code attemptsRunningPastTimeout} counts such attempts, and {@code attemptsRunning} stays up
 * with them; with every inference thread held so, every chunk of the subtask times out, and the
 * TaskManager needs a restart.
 *
 * <h2>Fatal errors</h2>
 * A {@link VirtualMachineError} ({@link OutOfMemoryError} of the Java heap, {@link StackOverflowError},
 * {@link InternalError}) or a {@link LinkageError} (a model class or native library that cannot load,
 * a static initialiser that failed) is not a failed attempt: the JVM or the model's code is broken, not
 * the chunk, and every further chunk would fail alike and quietly turn into FAILED clips. It completes
 * the chunk's result exceptionally, which fails the async operator and its task, and Flink restarts the
 * job from its last checkpoint (its restart strategy applies; a chunk in flight runs again there). Any
 * other {@link Error} (an {@link AssertionError}, say) belongs to the chunk and fails the attempt.
 *
 * <p>The model's running counts and peaks ({@link ChunkModel#counts()}, e.g. frames in which the
 * lip-sync stage found a face, and the GPU memory in use) are gauges of this operator, in the Flink
 * web UI and the REST API, beside the attempts running, past the timeout, and awaiting a retry.
 */
public class ChunkInference extends RichAsyncFunction<Chunk, Chunk> {

    private static final long serialVersionUID = 1L;

    private static final Logger LOG = LoggerFactory.getLogger(ChunkInference.class);

    static final String TIMEOUT_ERROR = "no result within the inference timeout";

    private final ChunkModelFactory models;
    private final int threads;
    private final RetryPolicy retries;
    private final FaultInjection faults;
    private final int maxWholeFrameBytes;
    private final ModelSharing sharing;
    private transient ChunkModel model;
    private transient ExecutorService inferenceThreads;
    /** Null once {@link #close()} began: a retry then is rejected, as by a timer shut down. */
    private transient volatile ScheduledExecutorService retryTimer;
    private transient Map<ResultFuture<Chunk>, InferenceRun> inFlight;
    private transient AtomicInteger attemptsRunning;
    /** Attempts still running although their chunk timed out: models that ignore the interrupt. */
    private transient AtomicInteger attemptsPastTimeout;
    /** Runs whose retry waits out its backoff; a run leaves when the retry fires or is cancelled. */
    private transient Set<InferenceRun> awaitingRetry;
    /** The first fatal error a model threw, when no chunk could carry it to the task yet. */
    private transient volatile Throwable fatalError;

    public ChunkInference(ChunkModelFactory models) {
        this(models, 1);
    }

    /**
     * One attempt per chunk, no fault injection.
     *
     * @param threads chunks processed at once (the model must then be thread-safe, as the built-in
     *     ones are: the lip-sync model itself runs on one batching thread)
     */
    public ChunkInference(ChunkModelFactory models, int threads) {
        this(models, threads, RetryPolicy.NONE, FaultInjection.NONE);
    }

    /**
     * @param retries how often and how soon a chunk whose attempt failed is tried again
     * @param faults attempts made to fail on purpose ({@link FaultInjection#NONE} in production)
     */
    public ChunkInference(ChunkModelFactory models, int threads, RetryPolicy retries, FaultInjection faults) {
        this(models, threads, retries, faults, RecordLimits.DEFAULTS.maxWholeFrameBytes());
    }

    /**
     * @param maxWholeFrameBytes the largest encoded frame the job may write, all its parts together: a
     *     model's larger frame fails its attempt (a frame above one record's limit goes out in parts)
     */
    public ChunkInference(ChunkModelFactory models, int threads, RetryPolicy retries, FaultInjection faults,
            int maxWholeFrameBytes) {
        this(models, threads, retries, faults, maxWholeFrameBytes, ModelSharing.OFF);
    }

    /**
     * @param sharing whether the subtasks of this operator in one TaskManager share one model
     *     ({@link SharedModels}) instead of opening one each
     */
    public ChunkInference(ChunkModelFactory models, int threads, RetryPolicy retries, FaultInjection faults,
            int maxWholeFrameBytes, ModelSharing sharing) {
        if (threads < 1) {
            throw new IllegalArgumentException("inference threads must be at least 1, got " + threads);
        }
        this.models = models;
        this.threads = threads;
        this.retries = retries;
        this.faults = faults;
        this.maxWholeFrameBytes = maxWholeFrameBytes;
        this.sharing = Objects.requireNonNull(sharing, "sharing");
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        model = sharing.shared() ? SharedModels.lease(sharedModelKey(), models) : models.open();
        registerGauges(model);
        String name = "inference-" + model.name() + "-" + getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        inferenceThreads = Executors.newFixedThreadPool(threads, daemon(name));
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, daemon(name + "-retry"));
        // a cancelled retry lets go of its chunk at once, not when its backoff would have ended
        timer.setRemoveOnCancelPolicy(true);
        retryTimer = timer;
        inFlight = new ConcurrentHashMap<>();
        attemptsRunning = new AtomicInteger();
        attemptsPastTimeout = new AtomicInteger();
        awaitingRetry = ConcurrentHashMap.newKeySet();
        fatalError = null;
        var group = getRuntimeContext().getMetricGroup();
        group.gauge("attemptsRunning", (Gauge<Integer>) attemptsRunning::get);
        group.gauge("attemptsRunningPastTimeout", (Gauge<Integer>) attemptsPastTimeout::get);
        group.gauge("chunksAwaitingRetry", (Gauge<Integer>) awaitingRetry::size);
    }

    /**
     * The key under which this operator's subtasks in one TaskManager share a model: the job, the
     * operator and the attempt, so that a restarted job opens its model afresh.
     */
    private String sharedModelKey() {
        var task = getRuntimeContext().getTaskInfo();
        return getRuntimeContext().getJobInfo().getJobId() + "/" + task.getTaskName() + "/attempt-"
                + task.getAttemptNumber();
    }

    private static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /**
     * One gauge per running total of the model ({@link ChunkModel#counts()}, {@link ChunkModel#peaks()}),
     * under its name in this operator's metric group: summed (counts) or maxed (peaks) over the
     * subtasks, they show in the Flink web UI and the REST API.
     */
    private void registerGauges(ChunkModel opened) {
        var group = getRuntimeContext().getMetricGroup();
        for (String name : opened.counts().keySet()) {
            group.<Long, Gauge<Long>>gauge(name, () -> opened.counts().getOrDefault(name, 0L));
        }
        for (String name : opened.peaks().keySet()) {
            group.<Long, Gauge<Long>>gauge(name, () -> opened.peaks().getOrDefault(name, 0L));
        }
    }

    @Override
    public void asyncInvoke(Chunk chunk, ResultFuture<Chunk> result) {
        if (chunk.isFailure()) {
            result.complete(List.of(chunk));
            return;
        }
        Throwable fatal = fatalError;
        if (fatal != null) {
            // a model broke the JVM after its own chunk had timed out: this chunk takes the error to the task
            result.completeExceptionally(fatal);
            return;
        }
        InferenceRun run = new InferenceRun(chunk, result, model);
        inFlight.put(result, run);
        submit(run);
    }

    /** Queues the run's next attempt on the inference threads. */
    private void submit(InferenceRun run) {
        try {
            run.queueNext(() -> inferenceThreads.submit(() -> {
                try {
                    attempt(run);
                } catch (Throwable t) {
                    // the Future would keep it unread: a bug here would look like a hung model
                    LOG.error("Inference of chunk {} of clip {} broke", run.chunk().getIndex(),
                            run.chunk().getClipId(), t);
                }
            }));
        } catch (RejectedExecutionException e) {
            long now = System.currentTimeMillis();
            if (run.start(now) > 0 && run.fail("the inference thread has stopped", now)) {
                giveUp(run);
            }
        }
    }

    /** Runs the model once on the run's chunk; on failure schedules the next attempt or gives up. */
    private void attempt(InferenceRun run) {
        int attempt = run.start(System.currentTimeMillis());
        if (attempt == 0) {
            return;
        }
        Chunk chunk = run.chunk();
        Chunk output = null;
        Throwable thrown = null;
        String error;
        attemptsRunning.incrementAndGet();
        try {
            faults.beforeAttempt(chunk.getClipId(), chunk.getIndex(), attempt);
            output = model.process(chunk);
            error = outputProblem(chunk, output);
        } catch (Throwable e) {
            thrown = e;
            error = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        } finally {
            attemptsRunning.decrementAndGet();
        }
        long now = System.currentTimeMillis();
        if (thrown != null && isFatal(thrown)) {
            failTheTask(run, attempt, thrown);
            return;
        }
        boolean current = error == null ? run.succeed(output, now) : run.fail(error, now);
        if (!current) {
            endedAfterTimeout(run, attempt, error);
        } else if (error == null) {
            inFlight.remove(run.result());
        } else if (retries.retriesAfter(attempt)) {
            long backoff = retries.backoffAfter(attempt).toMillis();
            logFailed(run, attempt, "retrying in " + backoff + " ms", error, thrown);
            retryLater(run, backoff);
        } else {
            logFailed(run, attempt, "no attempt left, the chunk fails", error, thrown);
            giveUp(run);
        }
    }

    /**
     * Whether the model's {@code error} breaks more than the chunk: the JVM itself (out of heap or
     * stack) or the model's code (a class or native library that cannot be loaded). Retrying the chunk
     * cannot help, and turning it into a failed chunk would hide it; see the class comment.
     */
    static boolean isFatal(Throwable error) {
        return error instanceof VirtualMachineError || error instanceof LinkageError;
    }

    /** Logs a failed attempt once, with the stack trace of what the model threw, if it threw. */
    private void logFailed(InferenceRun run, int attempt, String next, String error, Throwable thrown) {
        Chunk chunk = run.chunk();
        String message = "Model {} failed attempt {} of chunk {} of clip {} ({}): {}";
        if (thrown == null) {
            LOG.warn(message, model.name(), attempt, chunk.getIndex(), chunk.getClipId(), next, error);
        } else {
            LOG.warn(message, model.name(), attempt, chunk.getIndex(), chunk.getClipId(), next, error, thrown);
        }
    }

    /** An attempt whose chunk timed out while it ran has ended: its thread is free again. */
    private void endedAfterTimeout(InferenceRun run, int attempt, String error) {
        attemptsPastTimeout.decrementAndGet();
        LOG.info("Attempt {} of chunk {} of clip {} ended after its chunk had timed out{}", attempt,
                run.chunk().getIndex(), run.chunk().getClipId(), error == null ? "" : ": " + error);
    }

    /**
     * Hands {@code fatal} to Flink: the run's result completes exceptionally, which fails the task.
     * When the run had timed out already, the next chunk that arrives carries it instead.
     */
    private void failTheTask(InferenceRun run, int attempt, Throwable fatal) {
        Chunk chunk = run.chunk();
        LOG.error("Model {} threw a fatal error on attempt {} of chunk {} of clip {}: failing the task, so that"
                + " Flink restarts the job from its last checkpoint", model.name(), attempt, chunk.getIndex(),
                chunk.getClipId(), fatal);
        if (run.failFatally(fatal)) {
            inFlight.remove(run.result());
        } else {
            attemptsPastTimeout.decrementAndGet();
            if (fatalError == null) {
                fatalError = fatal;
            }
        }
    }

    private void retryLater(InferenceRun run, long backoffMillis) {
        awaitingRetry.add(run);
        try {
            Runnable retry = () -> {
                if (awaitingRetry.remove(run)) {
                    submit(run);
                }
            };
            if (!run.queueNext(() -> openRetryTimer().schedule(retry, backoffMillis, TimeUnit.MILLISECONDS))) {
                awaitingRetry.remove(run);
            }
        } catch (RejectedExecutionException e) {
            awaitingRetry.remove(run);
            giveUp(run);
        }
    }

    /** The retry timer, or a rejection when the operator is closing (an attempt failed during shutdown). */
    private ScheduledExecutorService openRetryTimer() {
        ScheduledExecutorService timer = retryTimer;
        if (timer == null) {
            throw new RejectedExecutionException("the operator is closing");
        }
        return timer;
    }

    /** No attempt follows: the chunk completes with a failure marker. */
    private void giveUp(InferenceRun run) {
        run.giveUp();
        inFlight.remove(run.result());
    }

    /** Why the model's output cannot stand in for the chunk, or null when it can. */
    private String outputProblem(Chunk chunk, Chunk output) {
        if (output.getImages().length != chunk.getImages().length
                || output.getSamples().length != chunk.getSamples().length) {
            return "it returned " + output.getImages().length + " frames and " + output.getSamples().length
                    + " sample values for " + chunk.getImages().length + " and " + chunk.getSamples().length;
        }
        byte[][] images = output.getImages();
        for (int i = 0; i < images.length; i++) {
            if (images[i] != null && images[i].length > maxWholeFrameBytes) {
                return "it returned frame " + (output.getFirstFrame() + i) + " encoded to " + images[i].length
                        + " bytes, above the " + maxWholeFrameBytes + " a whole frame may have"
                        + " (dubstream.max-whole-frame-bytes; a lower dubstream.output.jpeg-quality makes smaller"
                        + " frames)";
            }
        }
        return null;
    }

    /**
     * The chunk has no result within the async operator's timeout: it fails, and what it still has
     * going is cancelled, its running attempt interrupted (see the class comment).
     */
    @Override
    public void timeout(Chunk chunk, ResultFuture<Chunk> result) {
        InferenceRun run = inFlight.remove(result);
        if (run == null) {
            // not started here (a failure marker completes at once), or completed meanwhile
            result.complete(List.of(Chunk.failure(chunk.getClipId(), chunk.getManifest(), chunk.getMode(), chunk.getIndex(),
                    "model " + (model == null ? "?" : model.name()) + " failed on chunk " + chunk.getIndex() + ": "
                            + TIMEOUT_ERROR)));
            return;
        }
        // counted before the run lets go of its attempt, which may end (and count down) at once
        attemptsPastTimeout.incrementAndGet();
        InferenceRun.TimedOut left = run.timeOut(TIMEOUT_ERROR, System.currentTimeMillis());
        if (left == null || left.attemptThread() == null) {
            attemptsPastTimeout.decrementAndGet();
        }
        if (left == null) {
            return;
        }
        // where the attempt hangs, taken before the interrupt makes its thread move on
        WhereTheThreadWas where = left.attemptThread() == null ? null : WhereTheThreadWas.of(left.attemptThread());
        awaitingRetry.remove(run);
        Future<?> next = left.nextStep();
        if (next != null) {
            next.cancel(true);
        }
        if (where != null) {
            LOG.warn("Chunk {} of clip {} has no result within the inference timeout: it fails, and its attempt {}"
                    + " is interrupted; the attempt's thread was here", chunk.getIndex(), chunk.getClipId(),
                    left.attempt(), where);
        } else {
            LOG.warn("Chunk {} of clip {} has no result within the inference timeout: it fails (no attempt was"
                    + " running)", chunk.getIndex(), chunk.getClipId());
        }
    }

    /** The stack of another thread, to log where a hung attempt was (not an error of its own). */
    private static final class WhereTheThreadWas extends Throwable {
        private static final long serialVersionUID = 1L;

        private WhereTheThreadWas(Thread thread) {
            super("stack of " + thread.getName(), null, false, true);
        }

        static WhereTheThreadWas of(Thread thread) {
            WhereTheThreadWas where = new WhereTheThreadWas(thread);
            where.setStackTrace(thread.getStackTrace());
            return where;
        }
    }

    @Override
    public void close() throws Exception {
        if (retryTimer != null) {
            retryTimer.shutdownNow();
            retryTimer = null;
        }
        if (inferenceThreads != null) {
            inferenceThreads.shutdownNow();
            inferenceThreads.awaitTermination(30, TimeUnit.SECONDS);
            inferenceThreads = null;
        }
        if (model != null) {
            model.close();
            model = null;
        }
    }
}
