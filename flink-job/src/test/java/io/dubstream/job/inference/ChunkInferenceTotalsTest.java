package io.dubstream.job.inference;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.metrics.groups.InternalOperatorMetricGroup;
import org.apache.flink.runtime.metrics.util.InterceptingOperatorMetricGroup;
import org.apache.flink.runtime.metrics.util.InterceptingTaskMetricGroup;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.operators.async.AsyncWaitOperatorFactory;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import io.dubstream.connectors.records.ClipManifest;
import io.dubstream.connectors.records.TestManifests;
import io.dubstream.job.records.Chunk;

/** A model's running counts and peaks become gauges of the inference operator. */
class ChunkInferenceTotalsTest {

    private static final ClipManifest MANIFEST = TestManifests.of("clip", 64, 36, 25, 1, 50, 16_000, 1, 1L);

    /** Counts the frames it sees and keeps the largest chunk as its "peak". */
    static final class CountingModel implements ChunkModel {
        private final AtomicLong frames = new AtomicLong();
        private final AtomicLong largest = new AtomicLong();

        @Override
        public String name() {
            return "counting";
        }

        @Override
        public Chunk process(Chunk chunk) {
            frames.addAndGet(chunk.getImages().length);
            largest.accumulateAndGet(chunk.getImages().length, Math::max);
            return chunk;
        }

        @Override
        public Map<String, Long> counts() {
            return Map.of("frames", frames.get());
        }

        @Override
        public Map<String, Long> peaks() {
            return Map.of("largestChunk", largest.get());
        }
    }

    private static Chunk chunk(int index, int frames) {
        return Chunk.of(MANIFEST, index, false, index * 25L, new byte[frames][], index * 16_000L, new short[0],
                index * 25L + 20, index * 16_000L, null);
    }

    @Test
    void theModelsCountsAndPeaksAreGaugesOfTheOperator() throws Exception {
        InterceptingOperatorMetricGroup metrics = new InterceptingOperatorMetricGroup();
        InterceptingTaskMetricGroup task = new InterceptingTaskMetricGroup() {
            @Override
            public InternalOperatorMetricGroup getOrAddOperator(OperatorID id, String name,
                    Map<String, String> additionalVariables) {
                return metrics;
            }
        };
        try (OneInputStreamOperatorTestHarness<Chunk, Chunk> h = new OneInputStreamOperatorTestHarness<>(
                new AsyncWaitOperatorFactory<>(new ChunkInference(CountingModel::new, 2), 60_000, 4,
                        AsyncDataStream.OutputMode.UNORDERED),
                TypeInformation.of(Chunk.class).createSerializer(new SerializerConfigImpl()),
                new MockEnvironmentBuilder().setMetricGroup(task).build())) {
            h.open();
            h.processElement(chunk(0, 7), 0L);
            h.processElement(chunk(1, 12), 0L);
            h.processElement(chunk(2, 3), 0L);
            h.endInput();

            assertThat(h.extractOutputValues()).hasSize(3);
            assertThat(((Gauge<?>) metrics.get("frames")).getValue()).isEqualTo(22L);
            assertThat(((Gauge<?>) metrics.get("largestChunk")).getValue()).isEqualTo(12L);
        }
    }
}
