package io.dubstream.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import io.dubstream.connectors.kafka.Acls;
import io.dubstream.connectors.kafka.ClipTopics;

/**
 * deploy/k8s/ and the Grafana dashboard, checked offline (no cluster runs here): the manifests as
 * committed have no problem, and each rule of {@link DeployManifests} finds the mistake it is for.
 */
class DeployManifestsTest {

    private DeployManifests committed;

    @BeforeEach
    void load() throws IOException {
        committed = DeployManifests.load();
    }

    @Test
    void theManifestsAsCommittedHaveNoProblem() {
        assertThat(committed.problems()).isEmpty();
        assertThat(committed.manifests()).extracting(DeployManifests.Manifest::kind)
                .contains("Namespace", "KafkaNodePool", "Kafka", "KafkaTopic", "KafkaUser", "PersistentVolumeClaim",
                        "FlinkDeployment");
    }

    @Test
    void theTopicsAreTheJobsDefaults() {
        Set<String> expected = new TreeSet<>(ClipTopics.INPUT.all());
        expected.addAll(ClipTopics.OUTPUT.all());
        expected.add(ClipTopics.DEAD_LETTER_TOPIC);
        expected.add(ClipTopics.STATUS_TOPIC);
        assertThat(committed.all("KafkaTopic")).extracting(t -> t.path("spec").path("topicName").asText())
                .containsExactlyInAnyOrderElementsOf(expected);
    }

    // --- each rule can fail ---------------------------------------------------------------------

    @Test
    void aMisspeltJobOptionIsAProblem() {
        DeployManifests broken = committed.copy();
        ArrayNode args = args(broken);
        replaceArg(args, "--dubstream.checkpoint-interval", "--dubstream.checkpoint-intervall");

        assertThat(broken.problems()).anySatisfy(p -> assertThat(p)
                .contains("--dubstream.checkpoint-intervall is no option of DubstreamOptions"));
    }

    @Test
    void aJobOptionInTheFlinkConfigurationIsAProblem() {
        DeployManifests broken = committed.copy();
        flinkConfiguration(broken).put("dubstream.model", "identity");

        assertThat(broken.problems()).anySatisfy(p -> assertThat(p)
                .contains("flinkConfiguration sets dubstream.model, which the job never reads"));
    }

    @Test
    void anOptionValueTheJobRefusesIsAProblem() {
        DeployManifests broken = committed.copy();
        // the backoffs of 7 attempts add up to more than a 30 s inference timeout
        args(broken).add("--dubstream.inference.timeout").add("30 s");

        assertThat(broken.problems()).anySatisfy(p -> assertThat(p)
                .contains("the job would refuse to start").contains("dubstream.inference.timeout"));
    }

    @Test
    void aTransactionTimeoutAboveTheBrokersCeilingIsAProblem() {
        DeployManifests broken = committed.copy();
        ((ObjectNode) broker(broken)).put("transaction.max.timeout.ms", 600_000);

        assertThat(broken.problems()).anySatisfy(p -> assertThat(p)
                .contains("dubstream.kafka.transaction-timeout (15 min) is above the brokers' transaction.max.timeout.ms"));
    }

    @Test
    void theBrokersDefaultCeilingCountsWhereTheManifestSetsNone() {
        DeployManifests broken = committed.copy();
        ((ObjectNode) broker(broken)).remove("transaction.max.timeout.ms");
        replaceArg(args(broken), "15 min", "20 min");

        assertThat(broken.problems()).anySatisfy(p -> assertThat(p).contains("(900000 ms)"));
    }

    @Test
    void aTransactionTimeoutShorterThanARestartIsAProblem() {
        DeployManifests broken = committed.copy();
        replaceArg(args(broken), "15 min", "5 min");

        assertThat(broken.problems()).anySatisfy(p -> assertThat(p)
                .contains("dubstream.kafka.transaction-timeout (5 min) must exceed a checkpoint interval plus a restart"));
    }

    @Test
    void aTopicTheJobDoesNotUseIsAProblem() {
        DeployManifests broken = committed.copy();
        ((ObjectNode) broken.one("KafkaTopic", "dubstream-out-status").get("spec")).put("topicName", "dubstream.status");

        assertThat(broken.problems()).contains(
                "no KafkaTopic for dubstream.out.status, a topic the job reads or writes")
                .anySatisfy(p -> assertThat(p).startsWith("KafkaTopic dubstream.status is no topic of the job"));
    }

    @Test
    void aTopicTooSmallForTheJobsFramesIsAProblem() {
        DeployManifests broken = committed.copy();
        ((ObjectNode) broken.one("KafkaTopic", "dubstream-out-media").get("spec").get("config"))
                .put("max.message.bytes", 500_000);

        assertThat(broken.problems()).anySatisfy(p -> assertThat(p)
                .contains("is above topic dubstream.out.media's max.message.bytes=500000"));
    }

    @Test
    void fewerInputPartitionsThanTheParallelismIsAProblem() {
        DeployManifests broken = committed.copy();
        ((ObjectNode) broken.one("KafkaTopic", "dubstream-media").get("spec")).put("partitions", 2);

        assertThat(broken.problems()).anySatisfy(p -> assertThat(p).contains("source subtasks would sit idle"));
    }

    @Test
    void taskManagersWithoutAGpuAreAProblem() {
        DeployManifests broken = committed.copy();
        ObjectNode tm = (ObjectNode) broken.one("FlinkDeployment", null).get("spec").get("taskManager");
        ((ObjectNode) tm.get("podTemplate").get("spec").get("containers").get(0).get("resources").get("limits"))
                .remove(DeployManifests.GPU_RESOURCE);

        assertThat(broken.problems()).anySatisfy(p -> assertThat(p).contains("TaskManagers request no nvidia.com/gpu"));
    }

    @Test
    void checkpointsOffTheSharedVolumeAreAProblem() {
        DeployManifests broken = committed.copy();
        flinkConfiguration(broken).put("execution.checkpointing.dir", "file:///tmp/checkpoints");

        assertThat(broken.problems()).anySatisfy(p -> assertThat(p)
                .contains("execution.checkpointing.dir file:///tmp/checkpoints is on no volume"));
    }

    @Test
    void aFlinkDeploymentForAnotherFlinkOrUpgradeModeIsAProblem() {
        DeployManifests broken = committed.copy();
        ObjectNode spec = (ObjectNode) broken.one("FlinkDeployment", null).get("spec");
        spec.put("flinkVersion", "v1_20");
        ((ObjectNode) spec.get("job")).put("upgradeMode", "stateless");
        ((ObjectNode) spec.get("job")).put("jarURI", "local:///opt/flink/usrlib/other.jar");

        assertThat(broken.problems()).anySatisfy(p -> assertThat(p).contains("spec.flinkVersion must be v2_2"))
                .anySatisfy(p -> assertThat(p).contains("spec.job.upgradeMode must be savepoint"))
                .anySatisfy(p -> assertThat(p).contains("spec.job.jarURI (the Dockerfile's jar) must be"
                        + " local:///opt/flink/usrlib/dubstream-flink-job.jar"));
    }

    @Test
    void anImageWhosePyTorchThreadsSpinIsAProblem() {
        String dockerfile = committed.dockerfile();
        assertThat(dockerfile).contains("OMP_WAIT_POLICY=PASSIVE");

        assertThat(committed.withDockerfile(dockerfile.replace("OMP_WAIT_POLICY=PASSIVE", "OMP_WAIT_POLICY=ACTIVE"))
                .problems()).containsExactly("deploy/docker/Dockerfile: ENV OMP_WAIT_POLICY (PyTorch's threads on the"
                        + " TaskManagers' CPUs) must be PASSIVE, is ACTIVE");
        assertThat(committed.withDockerfile(dockerfile.replace("    OMP_WAIT_POLICY=PASSIVE \\\n", "")).problems())
                .containsExactly("deploy/docker/Dockerfile: ENV OMP_WAIT_POLICY (PyTorch's threads on the"
                        + " TaskManagers' CPUs) must be PASSIVE, is missing");
    }

    // --- secured Kafka: KafkaUsers and the job's credentials ----------------------------------------

    @Test
    void everyRoleHasAKafkaUserWithExactlyTheAclsTheSaslTestsGrantIt() {
        assertThat(committed.all("KafkaUser")).extracting(u -> u.path("metadata").path("name").asText())
                .containsExactlyInAnyOrderElementsOf(KafkaUserManifests.USERS.values());
        // the job's transactional ids and group are its options' defaults
        assertThat(Acls.of(Acls.Role.JOB, "dubstream-job", Acls.Names.defaults())).extracting(KafkaUserManifests::describe)
                .contains("Write on transactional_id prefix dubstream-job", "Read on group dubstream-job",
                        "Describe_configs on topic dubstream.out.media");
    }

    @Test
    void anAclBeyondTheRoleIsAProblem() {
        DeployManifests broken = committed.copy();
        ArrayNode acls = (ArrayNode) broken.one("KafkaUser", "dubstream-downloader").get("spec").get("authorization")
                .get("acls");
        ObjectNode rule = acls.addObject();
        rule.putObject("resource").put("type", "topic").put("name", "dubstream.media").put("patternType", "literal");
        rule.putArray("operations").add("Read");

        assertThat(broken.problems()).containsExactly("KafkaUser dubstream-downloader grants Read on topic"
                + " dubstream.media, which the DOWNLOADER role does not need");
    }

    @Test
    void aMissingAclIsAProblem() {
        DeployManifests broken = committed.copy();
        ArrayNode acls = (ArrayNode) broken.one("KafkaUser", "dubstream-job").get("spec").get("authorization").get("acls");
        acls.remove(acls.size() - 1);

        assertThat(broken.problems()).containsExactly("KafkaUser dubstream-job lacks Write on transactional_id prefix"
                + " dubstream-job, which the JOB role needs");
    }

    @Test
    void theJobsTransactionalIdPrefixAndTopicsMustBeWhatItsUserMayUse() {
        DeployManifests broken = committed.copy();
        args(broken).add("--dubstream.kafka.transactional-id-prefix").add("dubstream-job-2")
                .add("--dubstream.kafka.dead-letter-topic").add("dubstream.dead");

        assertThat(broken.problems())
                .contains("KafkaUser dubstream-job lacks Write on transactional_id prefix dubstream-job-2, which the JOB"
                        + " role needs")
                .contains("KafkaUser dubstream-job grants Write on topic dubstream.dlq, which the JOB role does not need")
                .contains("KafkaUser dubstream-job lacks Write on topic dubstream.dead, which the JOB role needs");
    }

    @Test
    void theJobsCredentialsMustComeFromItsUsersSecretOverTls() {
        DeployManifests broken = committed.copy();
        ObjectNode pod = (ObjectNode) broken.one("FlinkDeployment", null).get("spec").get("podTemplate");
        for (JsonNode volume : pod.get("spec").get("volumes")) {
            if (volume.path("name").asText().equals("kafka-user")) {
                ((ObjectNode) volume.get("secret")).put("secretName", "dubstream-uploader");
            }
        }
        replaceArg(args(broken), "SASL_SSL", "SASL_PLAINTEXT");

        assertThat(broken.problems()).containsExactlyInAnyOrder(
                "FlinkDeployment spec.job.args: dubstream.kafka.properties.security.protocol must be SASL_SSL, is"
                        + " SASL_PLAINTEXT",
                "FlinkDeployment spec.job.args: /etc/dubstream/kafka-user must be the mount of secret dubstream-job in"
                        + " spec.podTemplate (mounted there: secret dubstream-uploader)");
    }

    @Test
    void aPasswordInTheManifestOrAListenerWithoutAuthenticationIsAProblem() {
        DeployManifests broken = committed.copy();
        replaceArg(args(broken), "${dir:/etc/dubstream/kafka-user:sasl.jaas.config}",
                "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"dubstream-job\" password=\"x\";");
        ObjectNode listener = (ObjectNode) broken.one("Kafka", null).get("spec").get("kafka").get("listeners").get(0);
        listener.remove("authentication");

        assertThat(broken.problems())
                .anySatisfy(p -> assertThat(p).contains("sasl.jaas.config must be ${dir:<mount>:sasl.jaas.config}"))
                .contains("Kafka dubstream: listener tls (port 9093) must be TLS with scram-sha-512 authentication");
    }

    // --- the dashboard and the job's metric names -------------------------------------------------

    @Test
    void theDashboardQueriesOnlyMetricsTheJobRegisters() {
        assertThat(DeployManifests.dashboardProblems(committed.dashboard(), committed.documentedMetrics())).isEmpty();
        assertThat(DeployManifests.dashboardMetrics(committed.dashboard()))
                .contains("flink_taskmanager_job_task_operator_chunksPending",
                        "flink_taskmanager_job_task_operator_inferenceLatencyMillis",
                        "flink_taskmanager_job_task_operator_gpuPeakUsedBytes");
    }

    @Test
    void anUnknownMetricInTheDashboardIsAProblem() {
        ObjectNode dashboard = (ObjectNode) committed.dashboard().deepCopy();
        ObjectNode target = (ObjectNode) dashboard.get("panels").get(0).get("targets").get(0);
        target.put("expr", "sum(flink_taskmanager_job_task_operator_chunksPendng)");

        assertThat(DeployManifests.dashboardProblems(dashboard, committed.documentedMetrics())).contains("the dashboard"
                + " queries flink_taskmanager_job_task_operator_chunksPendng, which the metrics table of ../docs/design.md"
                + " does not list")
                .contains("the dashboard shows no chunksPending");
    }

    @Test
    void aMetricOfTheDashboardThatTheDocsLeaveOutIsAProblem() {
        List<MetricNames.Documented> withoutRetries = committed.documentedMetrics().stream()
                .filter(m -> !m.name().equals("retries")).toList();

        assertThat(DeployManifests.dashboardProblems(committed.dashboard(), withoutRetries)).contains("the dashboard"
                + " queries flink_taskmanager_job_task_operator_retries, which the metrics table of ../docs/design.md"
                + " does not list");
    }

    // ---------------------------------------------------------------------------------------------

    private static ArrayNode args(DeployManifests manifests) {
        return (ArrayNode) manifests.one("FlinkDeployment", null).get("spec").get("job").get("args");
    }

    private static ObjectNode flinkConfiguration(DeployManifests manifests) {
        return (ObjectNode) manifests.one("FlinkDeployment", null).get("spec").get("flinkConfiguration");
    }

    private static JsonNode broker(DeployManifests manifests) {
        return manifests.one("Kafka", null).get("spec").get("kafka").get("config");
    }

    private static void replaceArg(ArrayNode args, String from, String to) {
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).asText().equals(from)) {
                args.set(i, TextNode.valueOf(to));
                return;
            }
        }
        throw new AssertionError("no argument " + from + " in " + args);
    }
}
