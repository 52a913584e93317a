package io.dubstream.connectors.kafka;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import java.util.Map;
import java.util.TreeMap;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates dubstream's topics that do not exist yet, so that a job never starts against missing
 * topics (Flink's Kafka source fails over until they appear) and a cluster without topic
 * auto-creation works. Existing topics are left as they are.
 */
public final class TopicSetup {

    private static final long TIMEOUT_SECONDS = 60;

    private TopicSetup() {}

    /**
     * Creates the missing ones of {@code topics} with {@code partitions} partitions and a
     * replication factor of at most 3 (fewer on clusters with fewer brokers).
     *
     * @return the topics that were created
     */
    public static List<String> ensureExist(String bootstrap, Collection<String> topics, int partitions)
            throws TransferException {
        return ensureExist(KafkaConnection.of(bootstrap), topics, partitions);
    }

    /** {@link #ensureExist(String, Collection, int)} with the connection's client properties. */
    public static List<String> ensureExist(KafkaConnection connection, Collection<String> topics, int partitions)
            throws TransferException {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be positive, got " + partitions);
        }
        try (Admin admin = KafkaClients.admin(connection)) {
            Set<String> existing = admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            int brokers = admin.describeCluster().nodes().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).size();
            short replication = (short) Math.max(1, Math.min(3, brokers));
            List<NewTopic> missing = new ArrayList<>();
            for (String topic : topics) {
                if (!existing.contains(topic)) {
                    missing.add(new NewTopic(topic, partitions, replication));
                }
            }
            List<String> created = new ArrayList<>();
            var results = admin.createTopics(missing).values();
            for (var entry : results.entrySet()) {
                try {
                    entry.getValue().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                    created.add(entry.getKey());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
            return created;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransferException("interrupted while creating topics", e);
        } catch (Exception e) {
            throw new TransferException("cannot create the dubstream topics " + topics + " at " + connection.bootstrap() + ": "
                    + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()), e);
        }
    }

    /**
     * Each of {@code topics}' {@code max.message.bytes}: the largest record batch its brokers accept.
     *
     * @throws TransferException when the cluster cannot say (unreachable, or not allowed to describe them)
     */
    public static Map<String, Integer> maxMessageBytes(String bootstrap, Collection<String> topics)
            throws TransferException {
        return maxMessageBytes(KafkaConnection.of(bootstrap), topics);
    }

    /** {@link #maxMessageBytes(String, Collection)} with the connection's client properties. */
    public static Map<String, Integer> maxMessageBytes(KafkaConnection connection, Collection<String> topics)
            throws TransferException {
        List<ConfigResource> resources = new ArrayList<>();
        for (String topic : topics) {
            resources.add(new ConfigResource(ConfigResource.Type.TOPIC, topic));
        }
        try (Admin admin = KafkaClients.admin(connection)) {
            Map<ConfigResource, Config> configs = admin.describeConfigs(resources).all()
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            Map<String, Integer> limits = new TreeMap<>();
            for (var entry : configs.entrySet()) {
                ConfigEntry max = entry.getValue().get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
                if (max != null && max.value() != null) {
                    limits.put(entry.getKey().name(), Integer.parseInt(max.value()));
                }
            }
            return limits;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransferException("interrupted while describing topics", e);
        } catch (Exception e) {
            throw new TransferException("cannot describe the topics " + topics + " at " + connection.bootstrap() + ": "
                    + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()), e);
        }
    }
}
