package io.dubstream.job.inference;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

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

    @AfterEach
    void reset() {
        TestModel.gate = new CountDownLatch(0);
        TestModel.failure = null;
    }

    private static OneInputStreamOperatorTestHarness<Chunk, Chunk> harness() throws Exception {
        TypeSerializer<Chunk> serializer = TypeInformation.of(Chunk.class).createSerializer(new SerializerConfigImpl());
        OneInputStreamOperatorTestHarness<Chunk, Chunk> h = new OneInputStreamOperatorTestHarness<>(
                new AsyncWaitOperatorFactory<>(new ChunkInference(TestModel::new), 60_000, 4,
                        AsyncDataStream.OutputMode.UNORDERED),
                serializer);
        return h;
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
