package io.dubstream.job.inference;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;

import io.dubstream.job.records.Chunk;

/**
 * Runs the model on every chunk, off the task thread: Flink's async operator hands chunks to this
 * function, which queues them for one inference thread per subtask that owns the model. A checkpoint
 * barrier therefore never waits behind a long inference queue: the chunks in flight are stored in the
 * checkpoint and run again after a restore.
 *
 * <p>The model is opened in {@link #open} and closed in {@link #close}, one per subtask, never shared.
 * A model that throws (or runs out of memory) fails its chunk: a failure marker with the model's
 * reason goes on to the merger, which finishes the clip as FAILED; the job keeps running. So does a
 * chunk that exceeds the inference timeout. Failure markers from upstream pass through untouched.
 *
 * <p>The model's running counts and peaks ({@link ChunkModel#counts()}, e.g. frames in which the
 * lip-sync stage found a face, and the GPU memory in use) are gauges of this operator, in the Flink
 * web UI and the REST API.
 */
public class ChunkInference extends RichAsyncFunction<Chunk, Chunk> {

    private static final long serialVersionUID = 1L;

    private final ChunkModelFactory models;
    private final int threads;
    private transient ChunkModel model;
    private transient ExecutorService inferenceThread;

    public ChunkInference(ChunkModelFactory models) {
        this(models, 1);
    }

    /**
     * @param threads chunks processed at once (the model must then be thread-safe, as the built-in
     *     ones are: the lip-sync model itself runs on one batching thread)
     */
    public ChunkInference(ChunkModelFactory models, int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("inference threads must be at least 1, got " + threads);
        }
        this.models = models;
        this.threads = threads;
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        model = models.open();
        registerGauges(model);
        String name = "inference-" + model.name() + "-" + getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        inferenceThread = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
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
        try {
            inferenceThread.execute(() -> result.complete(List.of(process(chunk))));
        } catch (RejectedExecutionException e) {
            result.complete(List.of(failed(chunk, "the inference thread has stopped")));
        }
    }

    /** The model's chunk, or a failure marker that says why there is none. */
    Chunk process(Chunk chunk) {
        try {
            Chunk processed = model.process(chunk);
            if (processed.getImages().length != chunk.getImages().length
                    || processed.getSamples().length != chunk.getSamples().length) {
                return failed(chunk, "it returned " + processed.getImages().length + " frames and "
                        + processed.getSamples().length + " sample values for " + chunk.getImages().length + " and "
                        + chunk.getSamples().length);
            }
            return processed;
        } catch (Exception e) {
            return failed(chunk, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        } catch (OutOfMemoryError e) {
            return failed(chunk, "out of memory (" + e.getMessage() + ")");
        }
    }

    @Override
    public void timeout(Chunk chunk, ResultFuture<Chunk> result) {
        result.complete(List.of(failed(chunk, "no result within the inference timeout")));
    }

    private Chunk failed(Chunk chunk, String reason) {
        String name = model == null ? "?" : model.name();
        return Chunk.failure(chunk.getClipId(), chunk.getManifest(), chunk.getIndex(),
                "model " + name + " failed on chunk " + chunk.getIndex() + ": " + reason);
    }

    @Override
    public void close() throws Exception {
        if (inferenceThread != null) {
            inferenceThread.shutdownNow();
            inferenceThread.awaitTermination(30, TimeUnit.SECONDS);
            inferenceThread = null;
        }
        if (model != null) {
            model.close();
            model = null;
        }
    }
}
