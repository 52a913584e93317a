package io.dubstream.connectors.kafka;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The roles of dubstream's Kafka clients and the ACLs each needs, for the secured broker's tests
 * ({@link EmbeddedKafkaBroker#startSecured}) and for the check of the Kubernetes manifests' KafkaUsers:
 * the one table of who may do what. Read and Write include Describe; no role needs the cluster's
 * IdempotentWrite (Write on a topic implies it since Kafka 3.0) nor Create (topics are created by an
 * administrator, or by the job only when {@code dubstream.kafka.topic-partitions} &gt; 0).
 */
public final class Acls {

    /** A client of dubstream's topics. */
    public enum Role {
        /** Writes a clip to the input topics, in a transaction per clip id; reads the clips topic for an earlier upload. */
        UPLOADER,
        /** The Flink job: reads the input in its group, writes output, status and dead letters in its transactions. */
        JOB,
        /** Reads the output topics and the status topic (the {@code download} command). */
        DOWNLOADER,
        /** Reads the status topic only (the {@code status} and {@code report} commands). */
        STATUS_READER
    }

    /**
     * The names a deployment gives dubstream's topics, the job's consumer group and its transactional
     * id prefix ({@code dubstream.kafka.*} options).
     */
    public record Names(ClipTopics input, ClipTopics output, String statusTopic, String deadLetterTopic,
            String jobGroup, String jobTransactionalIdPrefix) {

        /** The job's defaults. */
        public static Names defaults() {
            return new Names(ClipTopics.INPUT, ClipTopics.OUTPUT, ClipTopics.STATUS_TOPIC, ClipTopics.DEAD_LETTER_TOPIC,
                    "dubstream-job", "dubstream-job");
        }
    }

    private Acls() {}

    /** What {@code role} needs, granted to {@code user}. */
    public static List<AclBinding> of(Role role, String user, Names names) {
        List<AclBinding> acls = new ArrayList<>();
        switch (role) {
            case UPLOADER -> {
                for (String topic : names.input().all()) {
                    acls.add(allow(user, ResourceType.TOPIC, topic, PatternType.LITERAL, AclOperation.WRITE));
                }
                acls.add(allow(user, ResourceType.TOPIC, names.input().clips(), PatternType.LITERAL, AclOperation.READ));
                acls.add(allow(user, ResourceType.TRANSACTIONAL_ID, ClipUploader.transactionalId(""), PatternType.PREFIXED,
                        AclOperation.WRITE));
            }
            case JOB -> {
                for (String topic : names.input().all()) {
                    acls.add(allow(user, ResourceType.TOPIC, topic, PatternType.LITERAL, AclOperation.READ));
                }
                acls.add(allow(user, ResourceType.GROUP, names.jobGroup(), PatternType.LITERAL, AclOperation.READ));
                for (String topic : jobOutput(names)) {
                    acls.add(allow(user, ResourceType.TOPIC, topic, PatternType.LITERAL, AclOperation.WRITE));
                }
                // the record size check at start reads these topics' max.message.bytes
                for (String topic : List.of(names.output().media(), names.deadLetterTopic())) {
                    acls.add(allow(user, ResourceType.TOPIC, topic, PatternType.LITERAL, AclOperation.DESCRIBE_CONFIGS));
                }
                // the output sink's <prefix>-* and the status sink's <prefix>-status-*
                acls.add(allow(user, ResourceType.TRANSACTIONAL_ID, names.jobTransactionalIdPrefix(), PatternType.PREFIXED,
                        AclOperation.WRITE));
            }
            case DOWNLOADER -> {
                for (String topic : names.output().all()) {
                    acls.add(allow(user, ResourceType.TOPIC, topic, PatternType.LITERAL, AclOperation.READ));
                }
                acls.add(allow(user, ResourceType.TOPIC, names.statusTopic(), PatternType.LITERAL, AclOperation.READ));
            }
            case STATUS_READER ->
                    acls.add(allow(user, ResourceType.TOPIC, names.statusTopic(), PatternType.LITERAL, AclOperation.READ));
        }
        return acls;
    }

    /** The topics the job writes: the output, the status and the dead letters. */
    public static List<String> jobOutput(Names names) {
        List<String> topics = new ArrayList<>(names.output().all());
        topics.add(names.statusTopic());
        topics.add(names.deadLetterTopic());
        return topics;
    }

    /** Allows {@code user} {@code operation} on the resource {@code name} of {@code type}, from any host. */
    public static AclBinding allow(String user, ResourceType type, String name, PatternType pattern,
            AclOperation operation) {
        return new AclBinding(new ResourcePattern(type, name, pattern),
                new AccessControlEntry("User:" + user, "*", operation, AclPermissionType.ALLOW));
    }

    /** Creates {@code acls} as the broker's super user. */
    public static void create(EmbeddedKafkaBroker broker, List<AclBinding> acls) throws Exception {
        try (Admin admin = KafkaClients.admin(broker.adminConnection())) {
            admin.createAcls(acls).all().get(30, TimeUnit.SECONDS);
        }
    }

    /**
     * Creates the users {@code uploader} (password {@code up-pw}), {@code job} ({@code job-pw}) and
     * {@code downloader} ({@code down-pw}), each with the ACLs of its role and nothing else.
     */
    public static void createRoleUsers(EmbeddedKafkaBroker broker, Names names) throws Exception {
        broker.createUser("uploader", "up-pw");
        broker.createUser("job", "job-pw");
        broker.createUser("downloader", "down-pw");
        List<AclBinding> acls = new ArrayList<>(of(Role.UPLOADER, "uploader", names));
        acls.addAll(of(Role.JOB, "job", names));
        acls.addAll(of(Role.DOWNLOADER, "downloader", names));
        create(broker, acls);
    }

    /** The broker, as {@code user} with SCRAM credentials. */
    public static KafkaConnection as(EmbeddedKafkaBroker broker, String user, String password) {
        return new KafkaConnection(broker.bootstrapServers(), EmbeddedKafkaBroker.scramClientProperties(user, password));
    }
}
