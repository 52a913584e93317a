package io.dubstream.job.inference;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.operators.async.AsyncWaitOperatorFactory;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.dubstream.connectors.records.ClipManifest;
import io.dubstream.connectors.records.TestManifests;
import io.dubstream.job.records.Chunk;
import io.dubstream.job.records.ChunkAttempt;

class ChunkInferenceTest {

    private static final ClipManifest MANIFEST = TestManifests.of("clip", 64, 36, 25, 1, 50, 16_000, 1, 1L);

    /** A model whose behaviour the test sets: it may wait for a latch or throw. */
    static final class TestModel implements ChunkModel {
        static volatile CountDownLatch gate = new CountDownLatch(0);
        static volatile RuntimeException failure;

        @Override
        public String name() {
            return "test";
        }

        @Override
        public Chunk process(Chunk chunk) throws Exception {
            gate.await(30, TimeUnit.SECONDS);
            if (failure != null) {
                throw failure;
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

    /** Three attempts, a millisecond or two apart: retries without waiting in tests. */
    private static final RetryPolicy QUICK_RETRIES = new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(2));

    @AfterEach
    void reset() {
        TestModel.gate = new CountDownLatch(0);
        TestModel.failure = null;
        ShortOnceModel.SEEN.clear();
    }

    private static OneInputStreamOperatorTestHarness<Chunk, Chunk> harness() throws Exception {
        return harness(new ChunkInference(TestModel::new));
    }

    private static OneInputStreamOperatorTestHarness<Chunk, Chunk> harness(ChunkInference inference) throws Exception {
        TypeSerializer<Chunk> serializer = TypeInformation.of(Chunk.class).createSerializer(new SerializerConfigImpl());
        return new OneInputStreamOperatorTestHarness<>(
                new AsyncWaitOperatorFactory<>(inference, 60_000, 4, AsyncDataStream.OutputMode.UNORDERED), serializer);
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
    void outOfMemoryFailsTheAttemptNotTheJob() throws Exception {
        List<Chunk> out = run(new ChunkInference(TestModel::new, 1, QUICK_RETRIES,
                FaultInjection.of(0, "a:0", 1, true)), clip("a", 2));

        assertThat(out).extracting(Chunk::attemptCount).containsExactly(2, 1);
        assertThat(out.get(0).getAttempts()[0].getError())
                .isEqualTo("out of memory (injected fault: attempt 1 of chunk 0 of clip a)");
        assertThat(out.get(0).isFailure()).isFalse();
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
}
