package io.dubstream.job;

import java.nio.file.Path;
import java.time.Duration;
import java.util.function.UnaryOperator;

import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;

import io.dubstream.job.kafka.KafkaConnectors;
import io.dubstream.job.records.ClipEvent;

/**
 * The job over what is on the input topics when it starts (a bounded source), at parallelism 2 on
 * the test's MiniCluster, writing under its own names: {@code <name>.out.*}, {@code <name>.dlq},
 * {@code <name>.status}.
 */
final class BoundedJobs {

    private BoundedJobs() {}

    /** The MiniCluster the job's integration tests run on: one TaskManager with 2 slots. */
    static MiniClusterExtension miniCluster() {
        return new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
                .setNumberTaskManagers(1)
                .setNumberSlotsPerTaskManager(2)
                .build());
    }

    /**
     * A run named {@code name}: its own output topics ({@code <name>.status} for status), consumer
     * group, transactions and checkpoints.
     */
    static Configuration configuration(String bootstrap, String name, Path checkpoints) {
        Configuration conf = new Configuration();
        conf.set(DubstreamOptions.BOOTSTRAP_SERVERS, bootstrap);
        conf.set(DubstreamOptions.OUTPUT_TOPIC_PREFIX, name + ".out.");
        conf.set(DubstreamOptions.CONSUMER_GROUP, name);
        conf.set(DubstreamOptions.DEAD_LETTER_TOPIC, name + ".dlq");
        conf.set(DubstreamOptions.STATUS_TOPIC, name + ".status");
        conf.set(DubstreamOptions.TRANSACTIONAL_ID_PREFIX, name);
        conf.set(DubstreamOptions.CHECKPOINT_INTERVAL, Duration.ofMillis(500));
        conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.resolve("checkpoints-" + name).toUri().toString());
        return conf;
    }

    /** Runs the job's whole graph, its status topic included, to the end of its input. */
    static void run(Configuration conf) throws Exception {
        run(conf, UnaryOperator.identity());
    }

    /**
     * Runs the job's whole graph ({@link DubstreamJob#defineKafkaJob}, status topic included) to the
     * end of its input, with {@code beforeWorkflow} between the source and the workflow.
     */
    static void run(Configuration conf, UnaryOperator<DataStream<ClipEvent>> beforeWorkflow) throws Exception {
        // as the job does at start: the source must not start against absent topics (the script topic
        // exists only once a clip with a script was uploaded)
        KafkaConnectors.createMissingTopics(conf);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        DubstreamJob.defineKafkaJob(env, conf, KafkaConnectors.boundedSource(conf), beforeWorkflow);
        env.execute(conf.get(DubstreamOptions.CONSUMER_GROUP));
    }
}
