package io.dubstream.job.cluster;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

import io.dubstream.connectors.kafka.ClipPartitions;
import io.dubstream.connectors.kafka.KafkaClients;

/**
 * Tells how many records of a clip's partition sit in a transaction that is still open: written by
 * the job's sink but not committed yet (the end offset minus the last stable offset).
 */
final class OpenTransactionProbe implements AutoCloseable {

    private final Admin admin;
    private final TopicPartition partition;

    OpenTransactionProbe(String bootstrap, String topic, String clipId) {
        try (var consumer = KafkaClients.committedReader(bootstrap)) {
            this.partition = ClipPartitions.find(consumer, topic, clipId, Duration.ofSeconds(10))
                    .orElseThrow(() -> new IllegalStateException("no topic " + topic));
        }
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    }

    long uncommittedRecords() throws InterruptedException, ExecutionException {
        return endOffset(IsolationLevel.READ_UNCOMMITTED) - endOffset(IsolationLevel.READ_COMMITTED);
    }

    private long endOffset(IsolationLevel isolation) throws InterruptedException, ExecutionException {
        return admin.listOffsets(Map.of(partition, OffsetSpec.latest()), new ListOffsetsOptions(isolation))
                .partitionResult(partition).get().offset();
    }

    @Override
    public void close() {
        admin.close();
    }
}
