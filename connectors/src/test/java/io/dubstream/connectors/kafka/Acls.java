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

/** Users and their ACLs on a secured {@link EmbeddedKafkaBroker}, for tests. */
public final class Acls {

    private Acls() {}

    /** Allows {@code user} {@code operation} on the resource {@code name} of {@code type}, from any host. */
    public static AclBinding allow(String user, ResourceType type, String name, PatternType pattern,
            AclOperation operation) {
        return new AclBinding(new ResourcePattern(type, name, pattern),
                new AccessControlEntry("User:" + user, "*", operation, AclPermissionType.ALLOW));
    }

    /**
     * What an uploader and the job need on the input topics: the uploader writes them, reads the
     * clips topic (an upload first looks for an earlier manifest of its clip id) and uses its
     * transactional ids; the job reads them in its consumer group and writes in transactions of its own.
     */
    public static List<AclBinding> uploadAndJobInput(String uploader, String job, ClipTopics input, String jobGroup,
            String jobTransactionalIdPrefix) {
        List<AclBinding> acls = new ArrayList<>();
        for (String topic : input.all()) {
            acls.add(allow(uploader, ResourceType.TOPIC, topic, PatternType.LITERAL, AclOperation.WRITE));
            acls.add(allow(job, ResourceType.TOPIC, topic, PatternType.LITERAL, AclOperation.READ));
        }
        acls.add(allow(uploader, ResourceType.TOPIC, input.clips(), PatternType.LITERAL, AclOperation.READ));
        acls.add(allow(uploader, ResourceType.TRANSACTIONAL_ID, "dubstream-upload-", PatternType.PREFIXED,
                AclOperation.WRITE));
        acls.add(allow(job, ResourceType.GROUP, jobGroup, PatternType.LITERAL, AclOperation.READ));
        acls.add(allow(job, ResourceType.TRANSACTIONAL_ID, jobTransactionalIdPrefix, PatternType.PREFIXED,
                AclOperation.WRITE));
        return acls;
    }

    /** Creates {@code acls} as the broker's super user. */
    public static void create(EmbeddedKafkaBroker broker, List<AclBinding> acls) throws Exception {
        try (Admin admin = KafkaClients.admin(broker.adminConnection())) {
            admin.createAcls(acls).all().get(30, TimeUnit.SECONDS);
        }
    }

    /** The broker, as {@code user} with SCRAM credentials. */
    public static KafkaConnection as(EmbeddedKafkaBroker broker, String user, String password) {
        return new KafkaConnection(broker.bootstrapServers(), EmbeddedKafkaBroker.scramClientProperties(user, password));
    }
}
