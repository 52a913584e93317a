package io.dubstream.job.inference;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.metrics.groups.InternalOperatorMetricGroup;
import org.apache.flink.runtime.metrics.util.InterceptingOperatorMetricGroup;
import org.apache.flink.runtime.metrics.util.InterceptingTaskMetricGroup;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.operators.async.AsyncWaitOperatorFactory;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.testutils.logging.LoggerAuditingExtension;
import org.apache.logging.log4j.core.LogEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.event.Level;

import ai.djl.engine.EngineException;

import io.dubstream.connectors.records.ClipManifest;
import io.dubstream.connectors.format.RecordLimits;
import io.dubstream.connectors.records.TestManifests;
import io.dubstream.job.inference.batching.MicroBatcher;
import io.dubstream.job.records.Chunk;
import io.dubstream.job.records.ChunkAttempt;

class ChunkInferenceTest {

    private static final ClipManifest MANIFEST = TestManifests.of("clip", 64, 36, 25, 1, 50, 16_000, 1, 1L);

    /** A model whose behaviour the test sets: it may wait for a latch or throw (an exception or an error). */
    static final class TestModel implements ChunkModel {
        static volatile CountDownLatch gate = new CountDownLatch(0);
        static volatile Throwable failure;
        static final AtomicInteger CALLS = new AtomicInteger();

        @Override
        public String name() {
            return "test";
        }

        @Override
        public Chunk process(Chunk chunk) throws Exception {
            CALLS.incrementAndGet();
            gate.await(30, TimeUnit.SECONDS);
            if (failure instanceof Error error) {
                throw error;
            }
            if (failure != null) {
                throw (Exception) failure;
            }
            short[] louder = chunk.getSamples().clone();
            for (int i = 0; i < louder.length; i++) {
                louder[i] = (short) (louder[i] * 2);
            }
            return chunk.withMedia(chunk.getImages(), louder);
        }
    }

    /** Returns one frame too few the first time it sees a chunk, then the chunk as it is. */
    static final class ShortOnceModel implements ChunkModel {
        static final Set<String> SEEN = ConcurrentHashMap.newKeySet();

        @Override
        public String name() {
            return "short-once";
        }

        @Override
        public Chunk process(Chunk chunk) {
            if (SEEN.add(chunk.getClipId() + ":" + chunk.getIndex())) {
                Chunk cut = Chunk.of(chunk.getManifest(), chunk.getIndex(), chunk.isLast(), chunk.getFirstFrame(),
                        new byte[][] {chunk.getImages()[0]}, chunk.getFirstSample(), chunk.getSamples(),
                        chunk.getNextFirstFrame(), chunk.getNextFirstSample(), chunk.getEnd());
                return cut;
            }
            return chunk;
        }
    }

    /**
     * Hangs on chunk 0 until interrupted (or for 20 s at most, so that a test without the interrupt
     * fails instead of hanging); doubles the samples of other chunks, as {@link TestModel} does.
     */
    static final class HangsOnChunkZero implements ChunkModel {
        static volatile CountDownLatch hanging = new CountDownLatch(1);
        static volatile CountDownLatch interrupted = new CountDownLatch(1);

        @Override
        public String name() {
            return "hangs";
        }

        @Override
        public Chunk process(Chunk chunk) throws Exception {
            if (chunk.getIndex() == 0) {
                hanging.countDown();
                try {
                    new CountDownLatch(1).await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    interrupted.countDown();
                    throw e;
                }
                throw new IllegalStateException("never interrupted");
            }
            return new TestModel().process(chunk);
        }
    }

    /**
     * Hangs on every chunk until {@link #release} opens, and ignores interrupts meanwhile, as a native
     * call that never returns does.
     */
    static final class IgnoresInterrupts implements ChunkModel {
        static volatile CountDownLatch release = new CountDownLatch(1);
        static volatile CountDownLatch hanging = new CountDownLatch(1);

        @Override
        public String name() {
            return "deaf";
        }

        @Override
        public Chunk process(Chunk chunk) {
            hanging.countDown();
            boolean interrupted = false;
            while (release.getCount() > 0) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            return chunk;
        }
    }

    /**
     * Sends each chunk's frames through a {@link MicroBatcher} whose batches of 100 never fill: they
     * wait in its queue (for an hour), as frames wait behind a long batch in production.
     */
    static final class QueuesInABatcher implements ChunkModel {
        static volatile MicroBatcher<byte[], byte[]> batcher;

        QueuesInABatcher() {
            batcher = new MicroBatcher<>(frames -> frames, 100, Duration.ofHours(1), "test-batcher");
        }

        @Override
        public String name() {
            return "batched";
        }

        @Override
        public Chunk process(Chunk chunk) throws Exception {
            List<byte[]> frames = batcher.submitAndWait(List.of(chunk.getImages()));
            return chunk.withMedia(frames.toArray(new byte[0][]), chunk.getSamples());
        }

        @Override
        public void close() throws Exception {
            batcher.close();
        }
    }

    @RegisterExtension
    final LoggerAuditingExtension log = new LoggerAuditingExtension(ChunkInference.class, Level.WARN);

    /** Three attempts, a millisecond or two apart: retries without waiting in tests. */
    private static final RetryPolicy QUICK_RETRIES = new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(2));

    @AfterEach
    void reset() {
        TestModel.gate = new CountDownLatch(0);
        TestModel.failure = null;
        TestModel.CALLS.set(0);
        ShortOnceModel.SEEN.clear();
        HangsOnChunkZero.hanging = new CountDownLatch(1);
        HangsOnChunkZero.interrupted = new CountDownLatch(1);
        IgnoresInterrupts.release.countDown();
        IgnoresInterrupts.release = new CountDownLatch(1);
        IgnoresInterrupts.hanging = new CountDownLatch(1);
    }

    /** Waits up to 10 s for {@code condition}; whether it came true. */
    private static boolean eventually(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(5);
        }
        return true;
    }

    private static OneInputStreamOperatorTestHarness<Chunk, Chunk> harness() throws Exception {
        return harness(new ChunkInference(TestModel::new));
    }

    private static OneInputStreamOperatorTestHarness<Chunk, Chunk> harness(ChunkInference inference) throws Exception {
        TypeSerializer<Chunk> serializer = TypeInformation.of(Chunk.class).createSerializer(new SerializerConfigImpl());
        return new OneInputStreamOperatorTestHarness<>(
                new AsyncWaitOperatorFactory<>(inference, 60_000, 4, AsyncDataStream.OutputMode.UNORDERED), serializer);
    }

    /** A harness whose operator's gauges land in {@code metrics}. */
    private static OneInputStreamOperatorTestHarness<Chunk, Chunk> harness(ChunkInference inference,
            InterceptingOperatorMetricGroup metrics) throws Exception {
        InterceptingTaskMetricGroup task = new InterceptingTaskMetricGroup() {
            @Override
            public InternalOperatorMetricGroup getOrAddOperator(OperatorID id, String name,
                    Map<String, String> additionalVariables) {
                return metrics;
            }
        };
        TypeSerializer<Chunk> serializer = TypeInformation.of(Chunk.class).createSerializer(new SerializerConfigImpl());
        return new OneInputStreamOperatorTestHarness<>(
                new AsyncWaitOperatorFactory<>(inference, 60_000, 4, AsyncDataStream.OutputMode.UNORDERED), serializer,
                new MockEnvironmentBuilder().setMetricGroup(task).build());
    }

    @SuppressWarnings("unchecked")
    private static int gauge(InterceptingOperatorMetricGroup metrics, String name) {
        return ((Gauge<Integer>) metrics.get(name)).getValue();
    }

    /** Everything inference emits for {@code input}, sorted by clip and chunk. */
    private static List<Chunk> run(ChunkInference inference, List<Chunk> input) throws Exception {
        try (OneInputStreamOperatorTestHarness<Chunk, Chunk> h = harness(inference)) {
            h.open();
            for (Chunk c : input) {
                h.processElement(c, 0L);
            }
            h.endInput();
            List<Chunk> out = new ArrayList<>(h.extractOutputValues());
            out.sort(Comparator.comparing(Chunk::getClipId).thenComparing(Chunk::getIndex));
            return out;
        }
    }

    /** Chunks {@code 0 .. count-1} of clip {@code clipId}, each with its own frames and samples. */
    private static List<Chunk> clip(String clipId, int count) {
        ClipManifest m = TestManifests.of(clipId, 64, 36, 25, 1, 50L * count, 16_000, 1, 1L);
        List<Chunk> chunks = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            chunks.add(Chunk.of(m, k, k == count - 1, k * 25L, new byte[][] {{(byte) k, 1}, {(byte) k, 2}},
                    k * 16_000L, new short[] {(short) (10 * k), (short) (-10 * k), 3}, k * 25L + 20, k * 16_000L + 2,
                    null));
        }
        return chunks;
    }

    private static List<Chunk> twoClips() {
        List<Chunk> input = new ArrayList<>(clip("a", 4));
        input.addAll(clip("b", 4));
        return input;
    }

    private static String key(Chunk c) {
        return c.getClipId() + ":" + c.getIndex();
    }

    private static Chunk chunk(int index) {
        return Chunk.of(MANIFEST, index, false, index * 25L, new byte[][] {{1}, {2}}, index * 16_000L,
                new short[] {100, -200, 300}, index * 25L + 20, index * 16_000L + 2, null);
    }

    @Test
    void aCheckpointDoesNotWaitForTheModelAndRestoresTheChunkInFlight() throws Exception {
        TestModel.gate = new CountDownLatch(1);
        OperatorSubtaskState snapshot;
        try (OneInputStreamOperatorTestHarness<Chunk, Chunk> h = harness()) {
            h.open();
            h.processElement(chunk(3), 0L);
            // the model is still blocked: the snapshot holds the chunk instead of waiting for it
            snapshot = h.snapshot(1L, 1L);
            assertThat(TestModel.gate.getCount()).isEqualTo(1);
            assertThat(h.extractOutputValues()).isEmpty();
            TestModel.gate.countDown();
        }

        try (OneInputStreamOperatorTestHarness<Chunk, Chunk> restored = harness()) {
            restored.initializeState(snapshot);
            restored.open();
            restored.endInput();
            assertThat(restored.extractOutputValues()).singleElement().satisfies(c -> {
                assertThat(c.getIndex()).isEqualTo(3);
                assertThat(c.getSamples()).containsExactly(200, -400, 600);
            });
        }
    }

    @Test
    void aModelErrorFailsTheChunkNotTheJob() throws Exception {
        TestModel.failure = new IllegalStateException("shape mismatch [2, 3] vs [2, 4]");
        try (OneInputStreamOperatorTestHarness<Chunk, Chunk> h = harness()) {
            h.open();
            h.processElement(chunk(2), 0L);
            h.endInput();
            assertThat(h.extractOutputValues()).singleElement().satisfies(c -> {
                assertThat(c.isFailure()).isTrue();
                assertThat(c.getIndex()).isEqualTo(2);
                assertThat(c.getFailure()).isEqualTo(
                        "model test failed on chunk 2: shape mismatch [2, 3] vs [2, 4]");
            });
        }
    }

    @Test
    void retriesRunExactlyTheChunksWhoseAttemptFailed() throws Exception {
        List<Chunk> input = twoClips();
        List<Chunk> faultFree = run(new ChunkInference(TestModel::new, 2, QUICK_RETRIES, FaultInjection.NONE), input);
        List<Chunk> faulty = run(new ChunkInference(TestModel::new, 2, QUICK_RETRIES,
                FaultInjection.of(0, "a:1,b:3", 1, false)), input);

        assertThat(faulty).extracting(ChunkInferenceTest::key)
                .containsExactly("a:0", "a:1", "a:2", "a:3", "b:0", "b:1", "b:2", "b:3");
        assertThat(faultFree).allSatisfy(c -> assertThat(c.attemptCount()).isEqualTo(1));
        for (Chunk c : faulty) {
            boolean injected = Set.of("a:1", "b:3").contains(key(c));
            assertThat(c.attemptCount()).as("attempts of %s", key(c)).isEqualTo(injected ? 2 : 1);
            ChunkAttempt[] attempts = c.getAttempts();
            assertThat(attempts[attempts.length - 1].isFailed()).isFalse();
            if (injected) {
                assertThat(attempts[0].getError()).isEqualTo("injected fault: attempt 1 of chunk " + c.getIndex()
                        + " of clip " + c.getClipId());
                assertThat(attempts[1].getNumber()).isEqualTo(2);
                assertThat(attempts[1].getStartedAtMillis()).isGreaterThanOrEqualTo(attempts[0].getEndedAtMillis());
            }
        }
        // the output of a run with retries is the output of a run without faults
        assertThat(faulty).isEqualTo(faultFree);
        assertThat(faulty).noneMatch(Chunk::isFailure);
    }

    @Test
    void aChunkOutOfAttemptsFailsAloneWithEveryAttempt() throws Exception {
        List<Chunk> out = run(new ChunkInference(TestModel::new, 2, QUICK_RETRIES,
                FaultInjection.of(0, "a:1", 3, false)), twoClips());

        assertThat(out).extracting(ChunkInferenceTest::key)
                .containsExactly("a:0", "a:1", "a:2", "a:3", "b:0", "b:1", "b:2", "b:3");
        Chunk failed = out.get(1);
        assertThat(failed.failedInference()).isTrue();
        assertThat(failed.getFailure()).isEqualTo(
                "model test failed on chunk 1 after 3 attempts: injected fault: attempt 3 of chunk 1 of clip a");
        assertThat(failed.getAttempts()).extracting(ChunkAttempt::getError).containsExactly(
                "injected fault: attempt 1 of chunk 1 of clip a", "injected fault: attempt 2 of chunk 1 of clip a",
                "injected fault: attempt 3 of chunk 1 of clip a");
        out.remove(1);
        assertThat(out).allSatisfy(c -> {
            assertThat(c.isFailure()).isFalse();
            assertThat(c.attemptCount()).isEqualTo(1);
        });
    }

    @Test
    void aGpuOutOfMemoryFailsTheAttemptNotTheJob() throws Exception {
        // the injected fault is what DJL throws when CUDA runs out of memory: an EngineException
        List<Chunk> out = run(new ChunkInference(TestModel::new, 1, QUICK_RETRIES,
                FaultInjection.of(0, "a:0", 1, true)), clip("a", 2));

        assertThat(out).extracting(Chunk::attemptCount).containsExactly(2, 1);
        assertThat(out.get(0).getAttempts()[0].getError())
                .isEqualTo("injected fault: CUDA out of memory on attempt 1 of chunk 0 of clip a");
        assertThat(out.get(0).isFailure()).isFalse();
    }

    @Test
    void aJavaOutOfMemoryErrorFailsTheTaskInsteadOfTheChunk() throws Exception {
        OutOfMemoryError heap = new OutOfMemoryError("Java heap space");
        TestModel.failure = heap;
        List<Throwable> taskFailures = new CopyOnWriteArrayList<>();
        try (OneInputStreamOperatorTestHarness<Chunk, Chunk> h = harness(
                new ChunkInference(TestModel::new, 1, QUICK_RETRIES, FaultInjection.NONE))) {
            h.getEnvironment().setExternalFailureCauseConsumer(taskFailures::add);
            h.open();
            h.processElement(chunk(2), 0L);
            h.endInput();

            assertThat(taskFailures).singleElement().satisfies(f -> assertThat(f).hasRootCause(heap));
            assertThat(h.extractOutputValues()).as("no failed chunk: the task fails").isEmpty();
            assertThat(TestModel.CALLS).as("no retry").hasValue(1);
        }
    }

    @Test
    void jvmAndLinkageErrorsAreFatalOtherErrorsBelongToTheChunk() {
        assertThat(List.<Throwable>of(new OutOfMemoryError(), new StackOverflowError(), new InternalError(),
                new NoClassDefFoundError("ai/djl/pytorch/jni/JniUtils"), new UnsatisfiedLinkError("libtorch.so"),
                new ExceptionInInitializerError("static init")))
                .allMatch(ChunkInference::isFatal);
        assertThat(List.<Throwable>of(new AssertionError("x"), new EngineException("CUDA out of memory"),
                new IllegalStateException("shape mismatch"), new InterruptedException()))
                .noneMatch(ChunkInference::isFatal);
    }

    @Test
    @Timeout(30)
    void anErrorThatIsNotFatalFailsTheAttemptAndIsRetried() throws Exception {
        TestModel.failure = new AssertionError("broken invariant");
        List<Chunk> out = run(new ChunkInference(TestModel::new, 1, QUICK_RETRIES, FaultInjection.NONE),
                clip("a", 1));

        assertThat(out).singleElement().satisfies(c -> {
            assertThat(c.failedInference()).isTrue();
            assertThat(c.getAttempts()).extracting(ChunkAttempt::getError).containsExactly("broken invariant",
                    "broken invariant", "broken invariant");
        });
    }

    @Test
    void eachFailedAttemptLogsItsStackTraceOnce() throws Exception {
        IllegalStateException failure = new IllegalStateException("shape mismatch [2, 3] vs [2, 4]");
        TestModel.failure = failure;
        run(new ChunkInference(TestModel::new, 1, QUICK_RETRIES, FaultInjection.NONE), clip("a", 1));

        List<LogEvent> withStack = log.getEvents().stream().filter(e -> e.getThrown() != null).toList();
        assertThat(withStack).hasSize(3).allSatisfy(e -> {
            assertThat(e.getLevel().name()).isEqualTo("WARN");
            assertThat(e.getThrown()).isSameAs(failure);
        });
        assertThat(withStack).extracting(e -> e.getMessage().getFormattedMessage()).containsExactly(
                "Model test failed attempt 1 of chunk 0 of clip a (retrying in 1 ms): shape mismatch [2, 3] vs [2, 4]",
                "Model test failed attempt 2 of chunk 0 of clip a (retrying in 2 ms): shape mismatch [2, 3] vs [2, 4]",
                "Model test failed attempt 3 of chunk 0 of clip a (no attempt left, the chunk fails): shape mismatch"
                        + " [2, 3] vs [2, 4]");
        assertThat(log.getEvents()).as("nothing more when the chunk fails").hasSize(3);
    }

    @Test
    void anOutputOfTheWrongLengthIsAFailedAttempt() throws Exception {
        List<Chunk> out = run(new ChunkInference(ShortOnceModel::new, 1, QUICK_RETRIES, FaultInjection.NONE),
                clip("a", 2));

        assertThat(out).extracting(Chunk::attemptCount).containsExactly(2, 2);
        assertThat(out.get(0).getAttempts()[0].getError()).isEqualTo("it returned 1 frames and 3 sample values for 2"
                + " and 3");
        assertThat(out.stream().map(c -> c.getImages().length).collect(Collectors.toList())).containsExactly(2, 2);
    }

    @Test
    void aFrameLargerThanItsRecordMayHoldIsAFailedAttemptNotASinkFailure() throws Exception {
        // the test model's frames of two bytes against a limit of none: every attempt fails, the chunk fails alone
        List<Chunk> out = run(new ChunkInference(TestModel::new, 1, QUICK_RETRIES, FaultInjection.NONE, 0),
                clip("a", 1));

        assertThat(out).hasSize(1);
        assertThat(out.get(0).failedInference()).isTrue();
        assertThat(out.get(0).getAttempts()).hasSize(3);
        assertThat(out.get(0).getAttempts()[0].getError()).startsWith(
                "it returned frame 0 encoded to 2 bytes, above the 0 a whole frame may have"
                        + " (dubstream.max-whole-frame-bytes");
    }

    @Test
    void aChunkWithoutResultWithinTheTimeoutFailsOnce() throws Exception {
        TestModel.gate = new CountDownLatch(1);
        try (OneInputStreamOperatorTestHarness<Chunk, Chunk> h = harness(
                new ChunkInference(TestModel::new, 1, QUICK_RETRIES, FaultInjection.NONE))) {
            h.open();
            h.processElement(chunk(6), 0L);
            h.setProcessingTime(60_000);
            TestModel.gate.countDown();
            h.endInput();

            assertThat(h.extractOutputValues()).singleElement().satisfies(c -> {
                assertThat(c.getFailure()).isEqualTo("model test failed on chunk 6: " + ChunkInference.TIMEOUT_ERROR);
                assertThat(c.getAttempts()).singleElement()
                        .satisfies(a -> assertThat(a.getError()).isEqualTo(ChunkInference.TIMEOUT_ERROR));
            });
        }
    }

    @Test
    void aTimedOutAttemptIsInterruptedAndItsThreadRunsTheNextChunk() throws Exception {
        try (OneInputStreamOperatorTestHarness<Chunk, Chunk> h = harness(
                new ChunkInference(HangsOnChunkZero::new, 1, QUICK_RETRIES, FaultInjection.NONE))) {
            h.open();
            h.processElement(chunk(0), 0L);
            assertThat(HangsOnChunkZero.hanging.await(10, TimeUnit.SECONDS)).isTrue();
            h.setProcessingTime(30_000);
            // queued behind the hung attempt, on the only inference thread
            h.processElement(chunk(1), 0L);
            h.setProcessingTime(60_000);

            assertThat(HangsOnChunkZero.interrupted.await(10, TimeUnit.SECONDS))
                    .as("the timed-out attempt's thread is interrupted").isTrue();
            h.endInput();
            List<Chunk> out = new ArrayList<>(h.extractOutputValues());
            out.sort(Comparator.comparing(Chunk::getIndex));
            assertThat(out).hasSize(2);
            assertThat(out.get(0).getFailure()).isEqualTo("model hangs failed on chunk 0: "
                    + ChunkInference.TIMEOUT_ERROR);
            assertThat(out.get(1).isFailure()).isFalse();
            assertThat(out.get(1).getSamples()).containsExactly(200, -400, 600);
        }
        assertThat(log.getEvents()).filteredOn(e -> e.getMessage().getFormattedMessage().startsWith(
                "Chunk 0 of clip clip has no result within the inference timeout: it fails, and its attempt 1 is"
                        + " interrupted")).singleElement()
                .satisfies(e -> assertThat(e.getThrown().getStackTrace()).as("where the model hung")
                        .anySatisfy(frame -> assertThat(frame.getClassName())
                                .isEqualTo(HangsOnChunkZero.class.getName())));
    }

    @Test
    void aTimedOutChunkTakesItsFramesOutOfTheBatchersQueue() throws Exception {
        try (OneInputStreamOperatorTestHarness<Chunk, Chunk> h = harness(
                new ChunkInference(QueuesInABatcher::new, 1, QUICK_RETRIES, FaultInjection.NONE))) {
            h.open();
            h.processElement(chunk(4), 0L);
            MicroBatcher<byte[], byte[]> batcher = QueuesInABatcher.batcher;
            assertThat(eventually(() -> batcher.queuedItems() == 2)).as("the chunk's two frames are queued").isTrue();

            h.setProcessingTime(60_000);

            assertThat(eventually(() -> batcher.queuedItems() == 0)).as("the frames leave the queue").isTrue();
            h.endInput();
            assertThat(h.extractOutputValues()).singleElement().satisfies(c -> assertThat(c.getFailure())
                    .isEqualTo("model batched failed on chunk 4: " + ChunkInference.TIMEOUT_ERROR));
            assertThat(batcher.itemsRun()).isZero();
        }
    }

    @Test
    void aTimeoutWhileWaitingToRetryCancelsTheRetry() throws Exception {
        // a backoff of an hour: the retry would wait past the test, and count as awaiting until then
        RetryPolicy slowRetries = new RetryPolicy(2, Duration.ofHours(1), Duration.ofHours(1));
        TestModel.failure = new IllegalStateException("first attempt fails");
        InterceptingOperatorMetricGroup metrics = new InterceptingOperatorMetricGroup();
        try (OneInputStreamOperatorTestHarness<Chunk, Chunk> h = harness(
                new ChunkInference(TestModel::new, 1, slowRetries, FaultInjection.NONE), metrics)) {
            h.open();
            h.processElement(chunk(5), 0L);
            assertThat(eventually(() -> gauge(metrics, "chunksAwaitingRetry") == 1)).isTrue();

            h.setProcessingTime(60_000);

            assertThat(gauge(metrics, "chunksAwaitingRetry")).isZero();
            h.endInput();
            assertThat(h.extractOutputValues()).singleElement().satisfies(c -> assertThat(c.getFailure())
                    .startsWith("model test failed on chunk 5: " + ChunkInference.TIMEOUT_ERROR
                            + " (waiting to retry after attempt 1"));
        }
        assertThat(TestModel.CALLS).hasValue(1);
    }

    @Test
    void aModelThatIgnoresTheInterruptKeepsItsThreadAndTheGaugesShowIt() throws Exception {
        InterceptingOperatorMetricGroup metrics = new InterceptingOperatorMetricGroup();
        try (OneInputStreamOperatorTestHarness<Chunk, Chunk> h = harness(
                new ChunkInference(IgnoresInterrupts::new, 1, QUICK_RETRIES, FaultInjection.NONE), metrics)) {
            h.open();
            h.processElement(chunk(0), 0L);
            assertThat(IgnoresInterrupts.hanging.await(10, TimeUnit.SECONDS)).isTrue();

            h.setProcessingTime(60_000);

            assertThat(gauge(metrics, "attemptsRunning")).isEqualTo(1);
            assertThat(gauge(metrics, "attemptsRunningPastTimeout")).isEqualTo(1);
            IgnoresInterrupts.release.countDown();
            assertThat(eventually(() -> gauge(metrics, "attemptsRunningPastTimeout") == 0)).isTrue();
            assertThat(gauge(metrics, "attemptsRunning")).isZero();
            h.endInput();
            assertThat(h.extractOutputValues()).singleElement()
                    .satisfies(c -> assertThat(c.getFailure()).endsWith(ChunkInference.TIMEOUT_ERROR));
        }
    }

    @Test
    void failureMarkersPassThroughWithoutTheModel() throws Exception {
        TestModel.failure = new IllegalStateException("must not be called");
        Chunk marker = Chunk.failure("clip", MANIFEST, 5, "upload aborted: disk full");
        try (OneInputStreamOperatorTestHarness<Chunk, Chunk> h = harness()) {
            h.open();
            h.processElement(marker, 0L);
            h.endInput();
            assertThat(h.extractOutputValues()).containsExactly(marker);
        }
    }

    /** Sharing asked for, whatever the device. */
    private static final ModelSharing ON = new ModelSharing(ModelSharing.Mode.ON, false, "cpu");

    /** Models opened by {@link #openCounted()}. */
    private static final AtomicInteger OPENED = new AtomicInteger();

    private static ChunkModel openCounted() {
        OPENED.incrementAndGet();
        return new TestModel();
    }

    /** Subtask {@code index} of two of the operator "inference" in {@code job}. */
    private static OneInputStreamOperatorTestHarness<Chunk, Chunk> subtask(ChunkInference inference, JobID job,
            int index) throws Exception {
        TypeSerializer<Chunk> serializer = TypeInformation.of(Chunk.class).createSerializer(new SerializerConfigImpl());
        return new OneInputStreamOperatorTestHarness<>(
                new AsyncWaitOperatorFactory<>(inference, 60_000, 4, AsyncDataStream.OutputMode.UNORDERED), serializer,
                new MockEnvironmentBuilder().setJobID(job).setTaskName("inference").setParallelism(2)
                        .setMaxParallelism(128).setSubtaskIndex(index).build());
    }

    @Test
    void theSubtasksOfATaskManagerShareOneModelWhenAskedToAndTheJobsNextRunOpensItAfresh() throws Exception {
        OPENED.set(0);
        int limit = RecordLimits.DEFAULTS.maxWholeFrameBytes();
        JobID job = new JobID();
        for (int run = 1; run <= 2; run++) {
            try (OneInputStreamOperatorTestHarness<Chunk, Chunk> first = subtask(new ChunkInference(
                    ChunkInferenceTest::openCounted, 1, RetryPolicy.NONE, FaultInjection.NONE, limit, ON), job, 0);
                    OneInputStreamOperatorTestHarness<Chunk, Chunk> second = subtask(new ChunkInference(
                            ChunkInferenceTest::openCounted, 1, RetryPolicy.NONE, FaultInjection.NONE, limit, ON), job, 1)) {
                first.open();
                second.open();
                assertThat(OPENED).hasValue(run);
                first.processElement(chunk(1), 0L);
                second.processElement(chunk(2), 0L);
                first.endInput();
                second.endInput();
                assertThat(first.extractOutputValues()).singleElement()
                        .satisfies(c -> assertThat(c.getSamples()).containsExactly(200, -400, 600));
                assertThat(second.extractOutputValues()).singleElement()
                        .satisfies(c -> assertThat(c.getIndex()).isEqualTo(2));
            }
            assertThat(SharedModels.openKeys()).noneMatch(k -> k.startsWith(job.toString()));
        }
    }

    @Test
    void withoutSharingEachSubtaskOpensItsOwnModel() throws Exception {
        OPENED.set(0);
        int limit = RecordLimits.DEFAULTS.maxWholeFrameBytes();
        JobID job = new JobID();
        try (OneInputStreamOperatorTestHarness<Chunk, Chunk> first = subtask(new ChunkInference(
                ChunkInferenceTest::openCounted, 1, RetryPolicy.NONE, FaultInjection.NONE, limit, ModelSharing.OFF), job, 0);
                OneInputStreamOperatorTestHarness<Chunk, Chunk> second = subtask(new ChunkInference(
                        ChunkInferenceTest::openCounted, 1, RetryPolicy.NONE, FaultInjection.NONE, limit, ModelSharing.OFF), job, 1)) {
            first.open();
            second.open();
            assertThat(OPENED).hasValue(2);
        }
    }
}
