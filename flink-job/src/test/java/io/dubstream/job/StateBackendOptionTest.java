package io.dubstream.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.junit.jupiter.api.Test;

/** {@code dubstream.state.backend}: what the job graph carries to the cluster. */
class StateBackendOptionTest {

    @Test
    void rocksDbComesWithIncrementalCheckpoints() {
        Configuration conf = new Configuration();
        conf.set(DubstreamOptions.STATE_BACKEND, DubstreamOptions.STATE_BACKEND_ROCKSDB);

        Configuration job = graph(conf).getJobConfiguration();
        assertThat(job.get(StateBackendOptions.STATE_BACKEND)).isEqualTo("rocksdb");
        assertThat(job.get(CheckpointingOptions.INCREMENTAL_CHECKPOINTS)).isTrue();
    }

    @Test
    void theHeapBackendByDefault() {
        Configuration job = graph(new Configuration()).getJobConfiguration();
        assertThat(job.get(StateBackendOptions.STATE_BACKEND)).isEqualTo("hashmap");
        assertThat(job.get(CheckpointingOptions.INCREMENTAL_CHECKPOINTS)).isFalse();
    }

    @Test
    void anUnknownBackendIsRefused() {
        Configuration conf = new Configuration();
        conf.set(DubstreamOptions.STATE_BACKEND, "memory");
        assertThatThrownBy(() -> graph(conf)).hasMessage("dubstream.state.backend must be hashmap or rocksdb, got 'memory'");
    }

    private static StreamGraph graph(Configuration conf) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        DubstreamJob.configureCheckpoints(env, conf);
        env.fromData(1, 2).sinkTo(new DiscardingSink<>());
        return env.getStreamGraph();
    }
}
