package io.dubstream.job.inference.batching;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;

class MicroBatcherTest {

    /** A deterministic per-item model that records the batch sizes it was given. */
    static final class Squares implements MicroBatcher.BatchModel<Integer, Long> {
        final List<Integer> batchSizes = Collections.synchronizedList(new ArrayList<>());

        @Override
        public List<Long> run(List<Integer> batch) {
            batchSizes.add(batch.size());
            return batch.stream().map(i -> (long) i * i).toList();
        }
    }

    private static List<Integer> range(int from, int to) {
        return IntStream.range(from, to).boxed().toList();
    }

    @Test
    void itemsOfTwoSubmissionsShareBatchesAndComeBackInTheirOwnOrder() throws Exception {
        Squares model = new Squares();
        CountDownLatch hold = new CountDownLatch(1);
        MicroBatcher.BatchModel<Integer, Long> gated = batch -> {
            hold.await();
            return model.run(batch);
        };
        try (MicroBatcher<Integer, Long> batcher = new MicroBatcher<>(gated, 8, Duration.ofSeconds(30), "test")) {
            // the first batch (8 of clip A's 10 items) blocks the worker while B queues behind A's last 2
            CompletableFuture<List<Long>> a = batcher.submit(range(0, 10));
            CompletableFuture<List<Long>> b = batcher.submit(range(100, 106));
            hold.countDown();

            assertThat(a.get(10, TimeUnit.SECONDS)).isEqualTo(range(0, 10).stream().map(i -> (long) i * i).toList());
            assertThat(b.get(10, TimeUnit.SECONDS)).isEqualTo(range(100, 106).stream().map(i -> (long) i * i).toList());
        }
        // 16 items in two full batches of 8: the second holds 2 items of A and 6 of B
        assertThat(model.batchSizes).containsExactly(8, 8);
    }

    /**
     * A model written as tensor models are: the batch packed into one array, row after row, each
     * output computed from the row at its position and split back by position. An item's output
     * depends on the item alone only while the batcher hands each output to the item at that position
     * of that batch; as every item is unique ({@link #row}), an output that reaches another item (of
     * the same submission, in another order, or of the other submission sharing the batch) differs.
     * It records the rows it was given, batch by batch.
     */
    static final class PackedRows implements MicroBatcher.BatchModel<int[], Long> {
        static final int WIDTH = 3;
        final List<List<int[]>> batches = Collections.synchronizedList(new ArrayList<>());

        @Override
        public List<Long> run(List<int[]> batch) {
            batches.add(List.copyOf(batch));
            int[] packed = new int[batch.size() * WIDTH];
            for (int p = 0; p < batch.size(); p++) {
                System.arraycopy(batch.get(p), 0, packed, p * WIDTH, WIDTH);
            }
            return LongStream.range(0, batch.size()).mapToObj(p -> digest(packed, (int) p * WIDTH)).toList();
        }

        /** The output of the row at {@code from}: a polynomial hash of its values. */
        static long digest(int[] values, int from) {
            long h = 17;
            for (int k = 0; k < WIDTH; k++) {
                h = h * 1_000_003 + values[from + k];
            }
            return h;
        }
    }

    /** Item {@code index} of submission {@code submission}: unique among all items of a test. */
    private static int[] row(int submission, int index) {
        return new int[] {submission, index, 1000 * submission + 31 * index + 7};
    }

    private static List<int[]> rows(int submission, int count) {
        return IntStream.range(0, count).mapToObj(i -> row(submission, i)).toList();
    }

    /** What the model gives an item on its own: its row's digest. */
    private static List<Long> expected(List<int[]> items) {
        return items.stream().map(r -> PackedRows.digest(r, 0)).toList();
    }

    @Test
    void batchedOutputsEqualUnbatchedOutputs() throws Exception {
        List<int[]> a = rows(0, 13);
        List<int[]> b = rows(1, 13);
        PackedRows batched = new PackedRows();
        CompletableFuture<List<Long>> fa;
        CompletableFuture<List<Long>> fb;
        // a long max wait: only full batches run until close, so A's last 3 items share a batch with B's first 2
        try (MicroBatcher<int[], Long> batcher = new MicroBatcher<>(batched, 5, Duration.ofHours(1), "b")) {
            fa = batcher.submit(a);
            fb = batcher.submit(b);
        }
        PackedRows single = new PackedRows();
        List<Long> singleA;
        List<Long> singleB;
        try (MicroBatcher<int[], Long> batcher = new MicroBatcher<>(single, 1, Duration.ZERO, "s")) {
            singleA = batcher.submit(a).get(10, TimeUnit.SECONDS);
            singleB = batcher.submit(b).get(10, TimeUnit.SECONDS);
        }

        assertThat(fa.get(10, TimeUnit.SECONDS)).isEqualTo(singleA).isEqualTo(expected(a));
        assertThat(fb.get(10, TimeUnit.SECONDS)).isEqualTo(singleB).isEqualTo(expected(b));
        assertThat(batched.batches).extracting(List::size).containsExactly(5, 5, 5, 5, 5, 1);
        assertThat(batched.batches.get(2)).as("a batch shared by both submissions")
                .extracting(r -> r[0]).containsExactly(0, 0, 0, 1, 1);
        assertThat(batched.batches.stream().flatMap(List::stream).toList()).as("items run in submission order")
                .containsExactlyElementsOf(IntStream.range(0, 26).mapToObj(i -> i < 13 ? a.get(i) : b.get(i - 13))
                        .toList());
        assertThat(single.batches).hasSize(26).allSatisfy(batch -> assertThat(batch).hasSize(1));
    }

    @Test
    void aPartialBatchRunsAfterTheMaxWait() throws Exception {
        Squares model = new Squares();
        try (MicroBatcher<Integer, Long> batcher = new MicroBatcher<>(model, 128, Duration.ofMillis(20), "w")) {
            assertThat(batcher.submit(range(0, 3)).get(10, TimeUnit.SECONDS)).containsExactly(0L, 1L, 4L);
            assertThat(batcher.batchesRun()).isEqualTo(1);
            assertThat(batcher.itemsRun()).isEqualTo(3);
        }
        assertThat(model.batchSizes).containsExactly(3);
    }

    @Test
    void aFailingBatchFailsOnlyTheSubmissionsInIt() throws Exception {
        MicroBatcher.BatchModel<Integer, Long> failsOnNegative = batch -> {
            if (batch.stream().anyMatch(i -> i < 0)) {
                throw new IllegalStateException("negative input");
            }
            return batch.stream().map(i -> (long) i).toList();
        };
        try (MicroBatcher<Integer, Long> batcher = new MicroBatcher<>(failsOnNegative, 4, Duration.ZERO, "f")) {
            CompletableFuture<List<Long>> bad = batcher.submit(List.of(1, -1, 2, 3));
            assertThatThrownBy(() -> bad.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .hasMessageContaining("negative input");
            assertThat(batcher.submit(List.of(5, 6)).get(10, TimeUnit.SECONDS)).containsExactly(5L, 6L);
        }
    }

    @Test
    void aModelReturningTheWrongCountFailsThatBatchOnly() throws Exception {
        MicroBatcher.BatchModel<Integer, Long> dropsTheLastOfABatchWithZero = batch -> {
            List<Long> out = batch.stream().map(i -> (long) i).toList();
            return batch.contains(0) ? out.subList(0, out.size() - 1) : out;
        };
        try (MicroBatcher<Integer, Long> batcher = new MicroBatcher<>(dropsTheLastOfABatchWithZero, 4, Duration.ZERO,
                "c")) {
            assertThatThrownBy(() -> batcher.submit(List.of(0, 2)).get(10, TimeUnit.SECONDS))
                    .hasMessageContaining("the model returned 1 outputs for a batch of 2");
            assertThat(batcher.submit(List.of(5, 6)).get(10, TimeUnit.SECONDS)).containsExactly(5L, 6L);
        }
    }

    /** Fails with {@code error} on a batch that holds a negative item, else returns the items. */
    private static MicroBatcher.BatchModel<Integer, Long> throwingOnNegative(Throwable error) {
        return batch -> {
            if (batch.stream().anyMatch(i -> i < 0)) {
                if (error instanceof Error e) {
                    throw e;
                }
                throw (Exception) error;
            }
            return batch.stream().map(i -> (long) i).toList();
        };
    }

    @Test
    void theWorkerSurvivesAnErrorAndFailsOnlyThatBatch() throws Exception {
        for (Throwable error : List.of(new StackOverflowError("deep"), new AssertionError("broken invariant"),
                new OutOfMemoryError("Java heap space"), new NoClassDefFoundError("ai/djl/Missing"))) {
            try (MicroBatcher<Integer, Long> batcher = new MicroBatcher<>(throwingOnNegative(error), 2, Duration.ZERO,
                    "e")) {
                CompletableFuture<List<Long>> bad = batcher.submit(List.of(-1, 1));
                assertThatThrownBy(() -> bad.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                        .cause().isSameAs(error);
                assertThat(batcher.submit(List.of(5, 6, 7)).get(10, TimeUnit.SECONDS)).as("after %s", error)
                        .containsExactly(5L, 6L, 7L);
            }
        }
    }

    @Test
    void aFailedSubmissionsQueuedItemsDoNotRun() throws Exception {
        List<Integer> seen = Collections.synchronizedList(new ArrayList<>());
        MicroBatcher.BatchModel<Integer, Long> model = batch -> {
            seen.addAll(batch);
            return throwingOnNegative(new IllegalStateException("negative input")).run(batch);
        };
        try (MicroBatcher<Integer, Long> batcher = new MicroBatcher<>(model, 2, Duration.ZERO, "q")) {
            // one submission of three batches: the first fails, so the other two are not worth running
            CompletableFuture<List<Long>> bad = batcher.submit(List.of(-1, 1, 2, 3, 4, 5));
            assertThatThrownBy(() -> bad.get(10, TimeUnit.SECONDS)).hasMessageContaining("negative input");
            assertThat(batcher.submit(List.of(9)).get(10, TimeUnit.SECONDS)).containsExactly(9L);
        }
        assertThat(seen).containsExactly(-1, 1, 9);
    }

    /** A model whose first batch waits for {@code release}; it records every item it is given. */
    private static MicroBatcher.BatchModel<Integer, Long> firstBatchWaitsFor(CountDownLatch release,
            List<Integer> seen) {
        return batch -> {
            boolean first = seen.isEmpty();
            seen.addAll(batch);
            if (first) {
                release.await();
            }
            return batch.stream().map(i -> (long) i).toList();
        };
    }

    @Test
    void itemsRunByTheirSubmissionsPriorityThenInTheOrderTheyCame() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        List<Integer> seen = Collections.synchronizedList(new ArrayList<>());
        List<Integer> batchSizes = Collections.synchronizedList(new ArrayList<>());
        MicroBatcher.BatchModel<Integer, Long> model = firstBatchWaitsFor(release, seen);
        MicroBatcher<Integer, Long> batcher = new MicroBatcher<>(batch -> {
            batchSizes.add(batch.size());
            return model.run(batch);
        }, 2, Duration.ofMillis(20), "p");
        try {
            CompletableFuture<List<Long>> running = batcher.submit(List.of(1, 2), 9);
            awaitSeen(seen, 2);
            // while the first batch runs: a later chunk's frames, then an earlier chunk's, then the later's again
            CompletableFuture<List<Long>> later = batcher.submit(List.of(30, 31, 32), 3);
            CompletableFuture<List<Long>> earlier = batcher.submit(List.of(20, 21, 22), 2);
            CompletableFuture<List<Long>> laterAgain = batcher.submit(List.of(33), 3);
            CompletableFuture<List<Long>> first = batcher.submit(List.of(10), 1);
            release.countDown();

            assertThat(laterAgain.get(10, TimeUnit.SECONDS)).containsExactly(33L);
            assertThat(running.get()).containsExactly(1L, 2L);
            assertThat(first.get()).containsExactly(10L);
            assertThat(earlier.get()).containsExactly(20L, 21L, 22L);
            assertThat(later.get()).containsExactly(30L, 31L, 32L);
        } finally {
            release.countDown();
            batcher.close();
        }
        assertThat(seen).containsExactly(1, 2, 10, 20, 21, 22, 30, 31, 32, 33);
        assertThat(batchSizes).containsExactly(2, 2, 2, 2, 2);
    }

    @Test
    void aCancelledSubmissionsItemsLeaveTheQueueAndNeverRun() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        List<Integer> seen = Collections.synchronizedList(new ArrayList<>());
        MicroBatcher<Integer, Long> batcher = new MicroBatcher<>(firstBatchWaitsFor(release, seen), 2,
                Duration.ofMillis(20), "x");
        try {
            CompletableFuture<List<Long>> running = batcher.submit(List.of(1, 2));
            awaitSeen(seen, 2);
            CompletableFuture<List<Long>> cancelled = batcher.submit(List.of(10, 11, 12));
            CompletableFuture<List<Long>> after = batcher.submit(List.of(20));
            assertThat(batcher.queuedItems()).isEqualTo(4);

            assertThat(cancelled.cancel(true)).isTrue();
            assertThat(batcher.queuedItems()).isEqualTo(1);
            release.countDown();

            assertThat(running.get(10, TimeUnit.SECONDS)).containsExactly(1L, 2L);
            assertThat(after.get(10, TimeUnit.SECONDS)).containsExactly(20L);
            assertThat(cancelled).isCancelled();
        } finally {
            release.countDown();
            batcher.close();
        }
        assertThat(seen).containsExactly(1, 2, 20);
    }

    @Test
    void anInterruptedWaitCancelsItsSubmission() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        List<Integer> seen = Collections.synchronizedList(new ArrayList<>());
        MicroBatcher<Integer, Long> batcher = new MicroBatcher<>(firstBatchWaitsFor(release, seen), 2,
                Duration.ofMillis(20), "i");
        try {
            CompletableFuture<List<Long>> running = batcher.submit(List.of(1, 2));
            awaitSeen(seen, 2);
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            Thread waiter = new Thread(() -> {
                try {
                    batcher.submitAndWait(List.of(10, 11, 12));
                } catch (Throwable t) {
                    thrown.set(t);
                }
            });
            waiter.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (batcher.queuedItems() < 3 && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            waiter.interrupt();
            waiter.join(10_000);

            assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
            assertThat(batcher.queuedItems()).isZero();
            release.countDown();
            assertThat(running.get(10, TimeUnit.SECONDS)).containsExactly(1L, 2L);
        } finally {
            release.countDown();
            batcher.close();
        }
        assertThat(seen).containsExactly(1, 2);
    }

    private static void awaitSeen(List<Integer> seen, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (seen.size() < count && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertThat(seen).hasSize(count);
    }

    @Test
    void closeRunsWhatIsQueuedAndRefusesMore() throws Exception {
        Squares model = new Squares();
        MicroBatcher<Integer, Long> batcher = new MicroBatcher<>(model, 100, Duration.ofHours(1), "c");
        CompletableFuture<List<Long>> queued = batcher.submit(range(0, 3));
        batcher.close();
        assertThat(queued.get(10, TimeUnit.SECONDS)).containsExactly(0L, 1L, 4L);
        assertThatThrownBy(() -> batcher.submit(List.of(1)).get()).hasMessageContaining("closed");
        assertThat(batcher.submit(List.of()).get()).isEmpty();
    }
}
