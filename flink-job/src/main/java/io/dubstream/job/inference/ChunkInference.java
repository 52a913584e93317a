package io.dubstream.job.inference;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;

import io.dubstream.connectors.format.RecordLimits;
import io.dubstream.job.records.Chunk;

/**
 * Runs the model on every chunk, off the task thread, and retries the attempts that fail: Flink's
 * async operator hands chunks to this function, which queues them for the inference threads of its
 * subtask that own the model. A checkpoint barrier therefore never waits behind a long inference
 * queue: the chunks in flight are stored in the checkpoint and run again, from their first attempt,
 * after a restore.
 *
 * <p>The model is opened in {@link #open} and closed in {@link #close}, one per subtask, never shared.
 *
 * <h2>Attempts and retries</h2>
 * An attempt fails when the model throws (any exception, a non-finite voice output among them), runs
 * out of memory, returns a chunk of another length or a frame that encodes to more than a whole frame
 * may have ({@code dubstream.max-whole-frame-bytes}; a frame above one record's limit goes out in
 * parts), or when
 * {@link FaultInjection} says so. Only
 * that chunk is tried again, after the {@link RetryPolicy}'s backoff, which a timer thread waits out
 * (no inference thread sleeps), up to the policy's attempts. The chunk emitted carries every attempt
 * (start, end, error): the model's output when one attempt succeeded, else a failure marker with the
 * last error, which the merger turns into a FAILED clip; the job keeps running. The async
 * operator's timeout spans the whole chunk, its attempts and backoffs together: a chunk without a
 * result by then fails the same way. Failure markers from upstream pass through untouched.
 *
 * <p>The model's running counts and peaks ({@link ChunkModel#counts()}, e.g. frames in which the
 * lip-sync stage found a face, and the GPU memory in use) are gauges of this operator, in the Flink
 * web UI and the REST API.
 */
public class ChunkInference extends RichAsyncFunction<Chunk, Chunk> {

    private static final long serialVersionUID = 1L;

    static final String TIMEOUT_ERROR = "no result within the inference timeout";

    private final ChunkModelFactory models;
    private final int threads;
    private final RetryPolicy retries;
    private final FaultInjection faults;
    private final int maxWholeFrameBytes;
    private transient ChunkModel model;
    private transient ExecutorService inferenceThreads;
    private transient ScheduledExecutorService retryTimer;
    private transient Map<ResultFuture<Chunk>, InferenceRun> inFlight;
    private transient AtomicInteger attemptsRunning;
    private transient AtomicInteger awaitingRetry;

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
        if (threads < 1) {
            throw new IllegalArgumentException("inference threads must be at least 1, got " + threads);
        }
        this.models = models;
        this.threads = threads;
        this.retries = retries;
        this.faults = faults;
        this.maxWholeFrameBytes = maxWholeFrameBytes;
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        model = models.open();
        registerGauges(model);
        String name = "inference-" + model.name() + "-" + getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        inferenceThreads = Executors.newFixedThreadPool(threads, daemon(name));
        retryTimer = Executors.newSingleThreadScheduledExecutor(daemon(name + "-retry"));
        inFlight = new ConcurrentHashMap<>();
        attemptsRunning = new AtomicInteger();
        awaitingRetry = new AtomicInteger();
        getRuntimeContext().getMetricGroup().gauge("attemptsRunning", (Gauge<Integer>) attemptsRunning::get);
        getRuntimeContext().getMetricGroup().gauge("chunksAwaitingRetry", (Gauge<Integer>) awaitingRetry::get);
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
        InferenceRun run = new InferenceRun(chunk, result, model.name());
        inFlight.put(result, run);
        submit(run);
    }

    private void submit(InferenceRun run) {
        try {
            inferenceThreads.execute(() -> attempt(run));
        } catch (RejectedExecutionException e) {
            long now = System.currentTimeMillis();
            if (run.start(now) > 0 && run.fail("the inference thread has stopped", now)) {
                finish(run, InferenceRun::giveUp);
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
        String error;
        attemptsRunning.incrementAndGet();
        try {
            faults.beforeAttempt(chunk.getClipId(), chunk.getIndex(), attempt);
            output = model.process(chunk);
            error = outputProblem(chunk, output);
        } catch (Exception e) {
            error = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        } catch (OutOfMemoryError e) {
            error = "out of memory (" + e.getMessage() + ")";
        } finally {
            attemptsRunning.decrementAndGet();
        }
        long now = System.currentTimeMillis();
        if (error == null) {
            Chunk result = output;
            finish(run, r -> r.succeed(result, now));
        } else if (run.fail(error, now)) {
            if (retries.retriesAfter(attempt)) {
                retryLater(run, attempt);
            } else {
                finish(run, InferenceRun::giveUp);
            }
        }
    }

    private void retryLater(InferenceRun run, int failedAttempt) {
        awaitingRetry.incrementAndGet();
        try {
            retryTimer.schedule(() -> {
                awaitingRetry.decrementAndGet();
                submit(run);
            }, retries.backoffAfter(failedAttempt).toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            awaitingRetry.decrementAndGet();
            finish(run, InferenceRun::giveUp);
        }
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

    private void finish(InferenceRun run, Consumer<InferenceRun> completion) {
        inFlight.remove(run.result());
        completion.accept(run);
    }

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
        run.timeOut(TIMEOUT_ERROR, System.currentTimeMillis());
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
