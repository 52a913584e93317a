package io.dubstream.job.inference.batching;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Runs a model on items from many submissions (the frames of the chunks in flight, across clips) in
 * batches of up to {@code batchSize}, on one worker thread that owns the model.
 *
 * <p>A batch starts as soon as {@code batchSize} items wait, or when the oldest waiting item has
 * waited {@code maxWait}: full batches under load, low latency when idle. Each submission's future
 * completes with its outputs in its own order once its last item has run.
 *
 * <p><b>Failures.</b> Whatever the model throws, an {@link Error} included, and a batch that comes
 * back with another number of outputs than it had inputs, fails every submission with an item in
 * that batch, with the cause; their items still queued leave the queue, and the worker goes on with
 * the other submissions. The batcher does not judge errors: an {@link OutOfMemoryError} reaches the
 * submitters as the cause of their failure like any exception, and they decide (ChunkInference fails
 * the job on it).
 *
 * <p><b>Cancelling.</b> Cancelling a submission's future ({@link CompletableFuture#cancel}) takes its
 * items that have not run out of the queue, so that a chunk whose attempt was given up holds no place
 * in later batches; {@link #submitAndWait} does so when its thread is interrupted. Items already in
 * the batch that runs now run to the end (the batch serves other submissions too); their outputs are
 * dropped. A model that never returns therefore holds the worker, and every submission behind it
 * waits: its submitters' timeouts, not the batcher, give them up.
 *
 * <p><b>Order.</b> Items run by their submission's priority, lowest first, and in submission order
 * among equal priorities ({@link #submit(List)}: all equal, first in first out). The job gives each
 * chunk's frames the order in which the chunk reached the stage, so that the earliest chunk in flight
 * gets the model first and finishes first: its output can be merged and sent on while later chunks
 * run, instead of every chunk in flight finishing at about the same time. A deterministic model gives
 * the same outputs batched as unbatched, whatever the batch boundaries and the order.
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
    private final PriorityQueue<Pending> queue = new PriorityQueue<>(
            Comparator.<Pending>comparingLong(p -> p.priority).thenComparingLong(p -> p.sequence));
    private long sequence;
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

    /**
     * Queues {@code items} behind every item queued before them; the future completes with one output
     * per item, in order. Cancelling it takes the items that have not run out of the queue.
     */
    public CompletableFuture<List<O>> submit(List<I> items) {
        return submit(items, 0);
    }

    /**
     * Queues {@code items} ahead of queued items of a higher {@code priority} and behind those of a lower
     * or the same one; otherwise as {@link #submit(List)}.
     */
    public CompletableFuture<List<O>> submit(List<I> items, long priority) {
        Submission submission = new Submission(items);
        if (items.isEmpty()) {
            submission.complete(List.of());
            return submission;
        }
        long now = System.nanoTime();
        synchronized (queue) {
            if (closed) {
                submission.completeExceptionally(new IllegalStateException("the batcher is closed"));
                return submission;
            }
            for (int i = 0; i < items.size(); i++) {
                queue.add(new Pending(submission, i, priority, sequence++, now));
            }
            queue.notifyAll();
        }
        return submission;
    }

    /**
     * Queues {@code items} and waits for their outputs, one per item, in order.
     *
     * @throws InterruptedException when the calling thread is interrupted while it waits (its chunk's
     *     attempt was cancelled): the submission is cancelled first, so its items that have not run
     *     leave the queue
     * @throws ExecutionException when the batch of one of the items failed; the cause is what the
     *     model threw
     */
    public List<O> submitAndWait(List<I> items) throws InterruptedException, ExecutionException {
        CompletableFuture<List<O>> outputs = submit(items);
        try {
            return outputs.get();
        } catch (InterruptedException e) {
            outputs.cancel(true);
            throw e;
        }
    }

    /** Batches run so far (for metrics and tests). */
    public synchronized long batchesRun() {
        return batchesRun;
    }

    /** Items run so far. */
    public synchronized long itemsRun() {
        return itemsRun;
    }

    /** Items waiting for a batch now (not those of the batch that runs). */
    public int queuedItems() {
        synchronized (queue) {
            return queue.size();
        }
    }

    private void work() {
        try {
            while (true) {
                List<Pending> batch = nextBatch();
                if (batch == null) {
                    return;
                }
                run(batch);
            }
        } finally {
            refuseWhatIsLeft();
        }
    }

    /**
     * When the worker stops (closed and drained, or interrupted), nothing queued may wait for it
     * forever: what is left fails, and later submissions are refused.
     */
    private void refuseWhatIsLeft() {
        List<Pending> left;
        synchronized (queue) {
            closed = true;
            left = new ArrayList<>(queue);
            queue.clear();
        }
        IllegalStateException stopped = new IllegalStateException("the batcher's worker stopped");
        for (Pending p : left) {
            p.submission.completeExceptionally(stopped);
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
                    long waitNanos = oldestEnqueuedNanos() + maxWaitNanos - System.nanoTime();
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
                batch.add(queue.poll());
            }
            return batch;
        }
    }

    /** When the item that has waited longest was queued (it need not be the next to run). */
    private long oldestEnqueuedNanos() {
        Pending oldest = null;
        for (Pending p : queue) {
            if (oldest == null || p.sequence < oldest.sequence) {
                oldest = p;
            }
        }
        return oldest.enqueuedNanos;
    }

    /** Runs one batch; whatever goes wrong fails the batch's submissions, never the worker. */
    private void run(List<Pending> batch) {
        List<O> outputs;
        try {
            List<I> inputs = new ArrayList<>(batch.size());
            for (Pending p : batch) {
                inputs.add(p.submission.items.get(p.index));
            }
            outputs = model.run(inputs);
            if (outputs == null || outputs.size() != inputs.size()) {
                throw new IllegalStateException("the model returned " + (outputs == null ? "nothing" : outputs.size()
                        + " outputs") + " for a batch of " + inputs.size());
            }
        } catch (Throwable e) {
            for (Pending p : batch) {
                p.submission.completeExceptionally(e);
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

    /** One item of a submission, waiting in the queue. */
    private final class Pending {
        final Submission submission;
        final int index;
        final long priority;
        /** Queued items' order of arrival, unique. */
        final long sequence;
        final long enqueuedNanos;

        Pending(Submission submission, int index, long priority, long sequence, long enqueuedNanos) {
            this.submission = submission;
            this.index = index;
            this.priority = priority;
            this.sequence = sequence;
            this.enqueuedNanos = enqueuedNanos;
        }
    }

    /**
     * One call's items and their outputs as they come, and the future the caller holds: once it is
     * done (all outputs in, a batch failed, or cancelled) its items still queued leave the queue.
     */
    private final class Submission extends CompletableFuture<List<O>> {
        final List<I> items;
        final Object[] outputs;
        int remaining;

        Submission(List<I> items) {
            this.items = List.copyOf(items);
            this.outputs = new Object[items.size()];
            this.remaining = items.size();
        }

        @SuppressWarnings("unchecked")
        synchronized void complete(int index, O output) {
            if (isDone()) {
                return;
            }
            outputs[index] = output;
            if (--remaining == 0) {
                List<O> list = new ArrayList<>(outputs.length);
                for (Object o : outputs) {
                    list.add((O) o);
                }
                complete(list);
            }
        }

        @Override
        public boolean completeExceptionally(Throwable error) {
            boolean failed = super.completeExceptionally(error);
            if (failed) {
                unqueue();
            }
            return failed;
        }

        /** Cancels the submission: its items that have not run leave the queue; {@code interrupt} has no effect. */
        @Override
        public boolean cancel(boolean interrupt) {
            boolean cancelled = super.cancel(interrupt);
            if (cancelled) {
                unqueue();
            }
            return cancelled;
        }

        private void unqueue() {
            synchronized (queue) {
                queue.removeIf(p -> p.submission == this);
            }
        }
    }
}
