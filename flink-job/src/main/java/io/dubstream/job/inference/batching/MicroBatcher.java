package io.dubstream.job.inference.batching;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Runs a model on items from many submissions (the frames of the chunks in flight, across clips) in
 * batches of up to {@code batchSize}, on one worker thread that owns the model.
 *
 * <p>A batch starts as soon as {@code batchSize} items wait, or when the oldest waiting item has
 * waited {@code maxWait}: full batches under load, low latency when idle. Each submission's future
 * completes with its outputs in its own order once its last item has run. When the model throws,
 * every submission with an item in that batch fails with the exception; the others go on.
 *
 * <p>Items are processed in submission order, so a deterministic model gives the same outputs
 * batched as unbatched, whatever the batch boundaries.
 */
public final class MicroBatcher<I, O> implements AutoCloseable {

    /** The model side: a batch of inputs in, exactly one output per input, in order. */
    @FunctionalInterface
    public interface BatchModel<I, O> {
        List<O> run(List<I> batch) throws Exception;
    }

    private final BatchModel<I, O> model;
    private final int batchSize;
    private final long maxWaitNanos;
    private final Thread worker;
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private boolean closed;
    private long batchesRun;
    private long itemsRun;

    public MicroBatcher(BatchModel<I, O> model, int batchSize, Duration maxWait, String threadName) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
        }
        if (maxWait.isNegative()) {
            throw new IllegalArgumentException("max wait must not be negative, got " + maxWait);
        }
        this.model = Objects.requireNonNull(model);
        this.batchSize = batchSize;
        this.maxWaitNanos = maxWait.toNanos();
        this.worker = new Thread(this::work, threadName);
        this.worker.setDaemon(true);
        this.worker.start();
    }

    /** Queues {@code items}; the future completes with one output per item, in order. */
    public CompletableFuture<List<O>> submit(List<I> items) {
        Submission<I, O> submission = new Submission<>(items);
        if (items.isEmpty()) {
            submission.future.complete(List.of());
            return submission.future;
        }
        long now = System.nanoTime();
        synchronized (queue) {
            if (closed) {
                submission.future.completeExceptionally(new IllegalStateException("the batcher is closed"));
                return submission.future;
            }
            for (int i = 0; i < items.size(); i++) {
                queue.add(new Pending(submission, i, now));
            }
            queue.notifyAll();
        }
        return submission.future;
    }

    /** Batches run so far (for metrics and tests). */
    public synchronized long batchesRun() {
        return batchesRun;
    }

    /** Items run so far. */
    public synchronized long itemsRun() {
        return itemsRun;
    }

    private void work() {
        while (true) {
            List<Pending> batch = nextBatch();
            if (batch == null) {
                return;
            }
            run(batch);
        }
    }

    /** Waits for a full batch or for the oldest item's deadline; null once closed and drained. */
    private List<Pending> nextBatch() {
        synchronized (queue) {
            try {
                while (true) {
                    if (queue.size() >= batchSize || (closed && !queue.isEmpty())) {
                        break;
                    }
                    if (queue.isEmpty()) {
                        if (closed) {
                            return null;
                        }
                        queue.wait();
                        continue;
                    }
                    long waitNanos = queue.peekFirst().enqueuedNanos + maxWaitNanos - System.nanoTime();
                    if (waitNanos <= 0) {
                        break;
                    }
                    queue.wait(waitNanos / 1_000_000, (int) (waitNanos % 1_000_000));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
            List<Pending> batch = new ArrayList<>(Math.min(batchSize, queue.size()));
            while (batch.size() < batchSize && !queue.isEmpty()) {
                batch.add(queue.pollFirst());
            }
            return batch;
        }
    }

    private void run(List<Pending> batch) {
        List<I> inputs = new ArrayList<>(batch.size());
        for (Pending p : batch) {
            inputs.add(p.submission.items.get(p.index));
        }
        List<O> outputs;
        try {
            outputs = model.run(inputs);
            if (outputs == null || outputs.size() != inputs.size()) {
                throw new IllegalStateException("the model returned " + (outputs == null ? "nothing" : outputs.size()
                        + " outputs") + " for a batch of " + inputs.size());
            }
        } catch (Exception | OutOfMemoryError e) {
            for (Pending p : batch) {
                p.submission.future.completeExceptionally(e);
            }
            return;
        }
        synchronized (this) {
            batchesRun++;
            itemsRun += batch.size();
        }
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).submission.complete(batch.get(i).index, outputs.get(i));
        }
    }

    /** Runs what is queued, then stops the worker. */
    @Override
    public void close() throws InterruptedException {
        synchronized (queue) {
            closed = true;
            queue.notifyAll();
        }
        worker.join();
    }

    private final class Pending {
        final Submission<I, O> submission;
        final int index;
        final long enqueuedNanos;

        Pending(Submission<I, O> submission, int index, long enqueuedNanos) {
            this.submission = submission;
            this.index = index;
            this.enqueuedNanos = enqueuedNanos;
        }
    }

    private static final class Submission<I, O> {
        final List<I> items;
        final Object[] outputs;
        final CompletableFuture<List<O>> future = new CompletableFuture<>();
        int remaining;

        Submission(List<I> items) {
            this.items = List.copyOf(items);
            this.outputs = new Object[items.size()];
            this.remaining = items.size();
        }

        @SuppressWarnings("unchecked")
        synchronized void complete(int index, O output) {
            if (future.isDone()) {
                return;
            }
            outputs[index] = output;
            if (--remaining == 0) {
                List<O> list = new ArrayList<>(outputs.length);
                for (Object o : outputs) {
                    list.add((O) o);
                }
                future.complete(list);
            }
        }
    }
}
