package io.dubstream.job;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.flink.configuration.Configuration;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.config.provider.DirectoryConfigProvider;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.dubstream.connectors.kafka.Acls;

/**
 * Secured Kafka in the manifests of {@code deploy/k8s/}: the cluster authorizes with ACLs, there is a
 * KafkaUser per {@link Acls.Role role} whose ACLs are exactly the role's ({@link Acls#of}, the table
 * the SASL/SCRAM tests run with) for the job's topic names, consumer group and transactional id
 * prefix, and the job connects to the listener as its own user, its password read from its user's
 * secret by Kafka's {@code DirectoryConfigProvider}, the TLS trust from the cluster's CA secret.
 */
final class KafkaUserManifests {

    /** The KafkaUser of each role. */
    static final Map<Acls.Role, String> USERS = Map.of(Acls.Role.JOB, "dubstream-job", Acls.Role.UPLOADER,
            "dubstream-uploader", Acls.Role.DOWNLOADER, "dubstream-downloader", Acls.Role.STATUS_READER,
            "dubstream-status");
    static final String SCRAM = "scram-sha-512";
    private static final Pattern FROM_DIRECTORY = Pattern.compile("\\$\\{dir:(/[^:}]+):sasl\\.jaas\\.config}");

    private final DeployManifests manifests;
    private final Configuration job;
    private final DeployManifests.Kafka kafka;

    KafkaUserManifests(DeployManifests manifests, Configuration job, DeployManifests.Kafka kafka) {
        this.manifests = manifests;
        this.job = job;
        this.kafka = kafka;
    }

    List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (!kafka.authorization().equals("simple")) {
            problems.add("Kafka " + kafka.name() + ": spec.kafka.authorization.type must be simple, or the brokers"
                    + " enforce none of the KafkaUsers' ACLs");
        }
        for (Map.Entry<Integer, DeployManifests.Listener> listener : kafka.listeners().entrySet()) {
            if (!listener.getValue().authentication().equals(SCRAM) || !listener.getValue().tls()) {
                problems.add("Kafka " + kafka.name() + ": listener " + listener.getValue().name() + " (port "
                        + listener.getKey() + ") must be TLS with " + SCRAM + " authentication");
            }
        }
        checkUsers(problems);
        checkJobCredentials(problems);
        return problems;
    }

    /** One KafkaUser per role, with exactly the role's ACLs, and no other KafkaUser. */
    private void checkUsers(List<String> problems) {
        Acls.Names names = DeployManifests.kafkaNames(job);
        Set<String> expectedUsers = new LinkedHashSet<>(USERS.values());
        for (ObjectNode user : manifests.all("KafkaUser")) {
            String name = user.path("metadata").path("name").asText();
            String where = "KafkaUser " + name;
            Optional<Acls.Role> role = USERS.entrySet().stream().filter(e -> e.getValue().equals(name))
                    .map(Map.Entry::getKey).findFirst();
            if (role.isEmpty()) {
                problems.add(where + " has no role of dubstream's (" + USERS + ")");
                continue;
            }
            expectedUsers.remove(name);
            if (!user.path("apiVersion").asText().equals("kafka.strimzi.io/v1")
                    || !user.path("metadata").path("labels").path("strimzi.io/cluster").asText().equals(kafka.name())) {
                problems.add(where + ": apiVersion kafka.strimzi.io/v1 and label strimzi.io/cluster " + kafka.name()
                        + " are required");
            }
            if (!user.path("spec").path("authentication").path("type").asText().equals(SCRAM)) {
                problems.add(where + ": spec.authentication.type must be " + SCRAM + ", as the listener");
            }
            if (!user.path("spec").path("authorization").path("type").asText().equals("simple")) {
                problems.add(where + ": spec.authorization.type must be simple");
            }
            Set<AclBinding> granted = acls(name, user.path("spec").path("authorization").path("acls"), where, problems);
            Set<AclBinding> needed = new LinkedHashSet<>(Acls.of(role.get(), name, names));
            for (AclBinding acl : granted) {
                if (!needed.contains(acl)) {
                    problems.add(where + " grants " + describe(acl) + ", which the " + role.get() + " role does not need");
                }
            }
            for (AclBinding acl : needed) {
                if (!granted.contains(acl)) {
                    problems.add(where + " lacks " + describe(acl) + ", which the " + role.get() + " role needs");
                }
            }
        }
        for (String missing : expectedUsers) {
            problems.add("no KafkaUser " + missing + " (users.yaml)");
        }
    }

    /**
     * The job reaches the cluster on an authenticating listener as the job's KafkaUser: SASL over TLS
     * with SCRAM, its JAAS line read from the user's secret (mounted in every Flink pod) through
     * Kafka's directory config provider, the trust store from the cluster's CA secret.
     */
    private void checkJobCredentials(List<String> problems) {
        String where = "FlinkDeployment spec.job.args";
        Map<String, String> client = job.get(DubstreamOptions.KAFKA_PROPERTIES);
        String prefix = DubstreamOptions.KAFKA_PROPERTIES.key() + ".";
        ObjectNode deployment = manifests.one("FlinkDeployment", null);
        JsonNode podTemplate = deployment.path("spec").path("podTemplate");
        requireProperty(where, client, "security.protocol", "SASL_SSL", problems);
        requireProperty(where, client, "sasl.mechanism", "SCRAM-SHA-512", problems);
        requireProperty(where, client, "config.providers", "dir", problems);
        requireProperty(where, client, "config.providers.dir.class", DirectoryConfigProvider.class.getName(), problems);
        String jobUser = USERS.get(Acls.Role.JOB);
        Matcher jaas = FROM_DIRECTORY.matcher(client.getOrDefault("sasl.jaas.config", ""));
        if (!jaas.matches()) {
            problems.add(where + ": " + prefix + "sasl.jaas.config must be ${dir:<mount>:sasl.jaas.config}, read from the"
                    + " mounted secret of KafkaUser " + jobUser + ", not written in the manifest");
        } else {
            requireSecretMount(where, podTemplate, jaas.group(1), jobUser, problems);
        }
        requireProperty(where, client, "ssl.truststore.type", "PEM", problems);
        String truststore = client.getOrDefault("ssl.truststore.location", "");
        String caSecret = kafka.name() + "-cluster-ca-cert";
        if (!truststore.endsWith("/ca.crt")) {
            problems.add(where + ": " + prefix + "ssl.truststore.location must be ca.crt of the mounted secret " + caSecret);
        } else {
            requireSecretMount(where, podTemplate, truststore.substring(0, truststore.length() - "/ca.crt".length()),
                    caSecret, problems);
        }
    }

    private static void requireProperty(String where, Map<String, String> client, String key, String expected,
            List<String> problems) {
        if (!expected.equals(client.get(key))) {
            problems.add(where + ": " + DubstreamOptions.KAFKA_PROPERTIES.key() + "." + key + " must be " + expected
                    + ", is " + client.getOrDefault(key, "missing"));
        }
    }

    /** {@code path} must be where the main container of every Flink pod mounts the secret {@code secret}. */
    private static void requireSecretMount(String where, JsonNode podTemplate, String path, String secret,
            List<String> problems) {
        String volume = DeployManifests.volumeMounts(podTemplate).get(path);
        String mounted = null;
        for (JsonNode v : podTemplate.path("spec").path("volumes")) {
            if (v.path("name").asText().equals(volume)) {
                mounted = v.path("secret").path("secretName").asText();
            }
        }
        if (!secret.equals(mounted)) {
            problems.add(where + ": " + path + " must be the mount of secret " + secret + " in spec.podTemplate"
                    + " (mounted there: " + (mounted == null ? "nothing" : "secret " + mounted) + ")");
        }
    }

    /** A KafkaUser's ACL rules as Kafka's bindings, one per operation. */
    private static Set<AclBinding> acls(String user, JsonNode rules, String where, List<String> problems) {
        Set<AclBinding> acls = new LinkedHashSet<>();
        for (JsonNode rule : rules) {
            JsonNode resource = rule.path("resource");
            ResourceType type = switch (resource.path("type").asText()) {
                case "topic" -> ResourceType.TOPIC;
                case "group" -> ResourceType.GROUP;
                case "transactionalId" -> ResourceType.TRANSACTIONAL_ID;
                case "cluster" -> ResourceType.CLUSTER;
                default -> ResourceType.UNKNOWN;
            };
            String name = type == ResourceType.CLUSTER ? "kafka-cluster" : resource.path("name").asText();
            PatternType pattern = resource.path("patternType").asText("literal").equals("prefix") ? PatternType.PREFIXED
                    : PatternType.LITERAL;
            AclPermissionType permission = rule.path("type").asText("allow").equals("deny") ? AclPermissionType.DENY
                    : AclPermissionType.ALLOW;
            List<String> operations = new ArrayList<>();
            rule.path("operations").forEach(o -> operations.add(o.asText()));
            if (type == ResourceType.UNKNOWN || operations.isEmpty()) {
                problems.add(where + ": an ACL rule needs a resource of type topic, group, transactionalId or cluster,"
                        + " and operations: " + rule);
                continue;
            }
            for (String operation : operations) {
                // Strimzi's DescribeConfigs is Kafka's DESCRIBE_CONFIGS
                AclOperation op = AclOperation.fromString(operation.replaceAll("([a-z])([A-Z])", "$1_$2")
                        .toUpperCase(Locale.ROOT));
                acls.add(new AclBinding(new ResourcePattern(type, name, pattern),
                        new AccessControlEntry("User:" + user, rule.path("host").asText("*"), op, permission)));
            }
        }
        return acls;
    }

    /** e.g. "Write on topic dubstream.out.media", "Write on transactionalId prefix dubstream-job". */
    static String describe(AclBinding acl) {
        String operation = acl.entry().operation().name().toLowerCase(Locale.ROOT);
        return (acl.entry().permissionType() == AclPermissionType.DENY ? "deny " : "")
                + Character.toUpperCase(operation.charAt(0)) + operation.substring(1) + " on "
                + acl.pattern().resourceType().name().toLowerCase(Locale.ROOT) + " "
                + (acl.pattern().patternType() == PatternType.PREFIXED ? "prefix " : "") + acl.pattern().name()
                + (acl.entry().host().equals("*") ? "" : " from " + acl.entry().host());
    }
}
