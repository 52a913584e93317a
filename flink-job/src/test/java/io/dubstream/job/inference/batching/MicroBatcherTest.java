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
import java.util.stream.IntStream;

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

    @Test
    void batchedOutputsEqualUnbatchedOutputs() throws Exception {
        Squares batched = new Squares();
        Squares single = new Squares();
        List<Long> a;
        List<Long> b;
        try (MicroBatcher<Integer, Long> batcher = new MicroBatcher<>(batched, 5, Duration.ofMillis(1), "b")) {
            CompletableFuture<List<Long>> fa = batcher.submit(range(0, 13));
            CompletableFuture<List<Long>> fb = batcher.submit(range(7, 20));
            a = fa.get(10, TimeUnit.SECONDS);
            b = fb.get(10, TimeUnit.SECONDS);
        }
        try (MicroBatcher<Integer, Long> batcher = new MicroBatcher<>(single, 1, Duration.ZERO, "s")) {
            assertThat(batcher.submit(range(0, 13)).get(10, TimeUnit.SECONDS)).isEqualTo(a);
            assertThat(batcher.submit(range(7, 20)).get(10, TimeUnit.SECONDS)).isEqualTo(b);
        }
        assertThat(batched.batchSizes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(26);
        assertThat(single.batchSizes).hasSize(26).containsOnly(1);
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
    void aModelReturningTheWrongCountFailsTheBatch() {
        try (MicroBatcher<Integer, Long> batcher = new MicroBatcher<>(batch -> List.of(1L), 4, Duration.ZERO, "c")) {
            assertThatThrownBy(() -> batcher.submit(List.of(1, 2)).get(10, TimeUnit.SECONDS))
                    .hasMessageContaining("the model returned 1 outputs for a batch of 2");
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
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
