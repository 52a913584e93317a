package io.dubstream.job;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.util.ParameterTool;
import org.apache.flink.util.TimeUtils;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import io.dubstream.connectors.kafka.Acls;
import io.dubstream.connectors.kafka.ClipTopics;
import io.dubstream.job.chunking.AssemblerSettings;
import io.dubstream.job.chunking.ChunkAssembler;
import io.dubstream.job.inference.OpenMpWaitPolicy;
import io.dubstream.job.inference.lipsync.LipSyncStage;
import io.dubstream.job.kafka.KafkaConnectors;
import io.dubstream.job.kafka.RecordSizes;
import io.dubstream.job.status.ChunkStateTracker;
import io.dubstream.job.status.DeadLetterCounter;

/**
 * The Kubernetes manifests of {@code deploy/k8s/} and the Grafana dashboard of {@code deploy/grafana/},
 * checked offline against the job: what a cluster would only show at deployment (a misspelt job
 * option, a topic the job does not use, transaction timeouts the broker refuses, TaskManagers without
 * a GPU) is a {@link #problems() problem} here, one line each.
 *
 * <p>The YAML parser is Jackson's, on the test classpath with Kafka's broker (a runtime dependency of
 * the {@code broker} command); it is not declared here, since a test-scoped declaration would take it
 * off the runtime classpath.
 */
final class DeployManifests {

    static final Path DEPLOY = Path.of("..", "deploy");
    static final Path K8S = DEPLOY.resolve("k8s");
    static final Path DOCKERFILE = DEPLOY.resolve("docker").resolve("Dockerfile");
    static final Path DASHBOARD = DEPLOY.resolve("grafana").resolve("dubstream-dashboard.json");

    /** Where the FlinkDeployment's main container is, in its pod templates. */
    static final String MAIN_CONTAINER = "flink-main-container";
    static final String GPU_RESOURCE = "nvidia.com/gpu";
    static final String PROMETHEUS_FACTORY = "org.apache.flink.metrics.prometheus.PrometheusReporterFactory";

    /**
     * What a restart costs on top of the checkpoint interval, the heartbeat timeout and the restart
     * backoff: a new TaskManager pod scheduled on a GPU node, the CUDA image pulled, PyTorch's natives
     * unpacked. A transaction of the last checkpoint must still be open when the restored job commits it.
     */
    static final Duration POD_RESTART_ALLOWANCE = Duration.ofMinutes(5);

    /** Kafka's defaults where the manifests leave a broker setting out. */
    static final long KAFKA_DEFAULT_TRANSACTION_MAX_TIMEOUT_MS = Duration.ofMinutes(15).toMillis();
    static final int KAFKA_DEFAULT_MESSAGE_MAX_BYTES = 1_048_588;
    static final int KAFKA_DEFAULT_MIN_INSYNC_REPLICAS = 1;
    /** Flink's defaults where the FlinkDeployment leaves them out. */
    static final Duration FLINK_DEFAULT_HEARTBEAT_TIMEOUT = Duration.ofSeconds(50);
    static final Duration FLINK_DEFAULT_EXPONENTIAL_MAX_BACKOFF = Duration.ofMinutes(1);
    static final Duration FLINK_DEFAULT_FIXED_DELAY = Duration.ofSeconds(1);

    /** What the dashboard must show: chunks by state, retries, dead letters, latency, batches, frames, GPU memory. */
    static final Set<String> DASHBOARD_MUST_SHOW = Set.of(ChunkStateTracker.CHUNKS_PENDING, ChunkStateTracker.CHUNKS_DONE,
            ChunkStateTracker.CHUNKS_FAILED, ChunkStateTracker.CHUNKS_MERGED, ChunkStateTracker.RETRIES,
            DeadLetterCounter.METRIC, ChunkStateTracker.INFERENCE_LATENCY, LipSyncStage.BATCHES,
            LipSyncStage.BATCHED_FRAMES, ChunkAssembler.CHUNK_FRAMES, LipSyncStage.GPU_PEAK_USED_BYTES);

    /** One YAML document and the file it came from. */
    record Manifest(String file, ObjectNode doc) {
        String kind() {
            return doc.path("kind").asText();
        }

        String name() {
            return doc.path("metadata").path("name").asText();
        }

        @Override
        public String toString() {
            return file + ": " + kind() + " " + name();
        }
    }

    private final List<Manifest> manifests;
    private final String dockerfile;
    private final JsonNode dashboard;
    private final List<MetricNames.Documented> documentedMetrics;

    DeployManifests(List<Manifest> manifests, String dockerfile, JsonNode dashboard,
            List<MetricNames.Documented> documentedMetrics) {
        this.manifests = manifests;
        this.dockerfile = dockerfile;
        this.dashboard = dashboard;
        this.documentedMetrics = documentedMetrics;
    }

    /** Every {@code *.yaml} under {@code deploy/k8s/}, the Dockerfile, the dashboard and the docs' metrics, as committed. */
    static DeployManifests load() throws IOException {
        YAMLMapper yaml = new YAMLMapper();
        List<Manifest> all = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> listed = Files.list(K8S)) {
            files = listed.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList();
        }
        for (Path file : files) {
            try (var docs = yaml.readerFor(JsonNode.class).<JsonNode>readValues(file.toFile())) {
                while (docs.hasNext()) {
                    JsonNode doc = docs.next();
                    if (doc == null || doc.isMissingNode() || doc.isNull()) {
                        continue;
                    }
                    if (!(doc instanceof ObjectNode object)) {
                        throw new IOException(file + ": a document that is not a mapping");
                    }
                    all.add(new Manifest(file.getFileName().toString(), object));
                }
            }
        }
        return new DeployManifests(all, Files.readString(DOCKERFILE), new ObjectMapper().readTree(DASHBOARD.toFile()),
                MetricNames.documented());
    }

    List<Manifest> manifests() {
        return manifests;
    }

    String dockerfile() {
        return dockerfile;
    }

    JsonNode dashboard() {
        return dashboard;
    }

    List<MetricNames.Documented> documentedMetrics() {
        return documentedMetrics;
    }

    /** A deep copy, for tests that break one thing and look for the problem it makes. */
    DeployManifests copy() {
        return new DeployManifests(manifests.stream().map(m -> new Manifest(m.file(), m.doc().deepCopy())).toList(),
                dockerfile, dashboard.deepCopy(), documentedMetrics);
    }

    /** A copy with another Dockerfile. */
    DeployManifests withDockerfile(String text) {
        return new DeployManifests(manifests, text, dashboard, documentedMetrics);
    }

    /** The one manifest of {@code kind} (named {@code name}, when given). */
    ObjectNode one(String kind, String name) {
        List<Manifest> found = manifests.stream()
                .filter(m -> m.kind().equals(kind) && (name == null || m.name().equals(name))).toList();
        if (found.size() != 1) {
            throw new IllegalStateException("expected one " + kind + (name == null ? "" : " " + name) + ", found " + found);
        }
        return found.get(0).doc();
    }

    List<ObjectNode> all(String kind) {
        return manifests.stream().filter(m -> m.kind().equals(kind)).map(Manifest::doc).toList();
    }

    // ---------------------------------------------------------------------------------------------
    // the checks

    /** Everything wrong with the manifests and the dashboard, one line each; empty when they are fine. */
    List<String> problems() {
        List<String> problems = new ArrayList<>();
        for (Manifest m : manifests) {
            if (m.doc().path("apiVersion").asText().isEmpty() || m.kind().isEmpty() || m.name().isEmpty()) {
                problems.add(m + ": apiVersion, kind and metadata.name are required");
            }
            if (!m.kind().equals("Namespace") && !m.doc().path("metadata").path("namespace").asText().equals("dubstream")) {
                problems.add(m + ": metadata.namespace must be dubstream, where the operators look");
            }
        }
        List<ObjectNode> deployments = all("FlinkDeployment");
        List<ObjectNode> kafkas = all("Kafka");
        if (deployments.size() != 1 || kafkas.size() != 1) {
            problems.add("expected one FlinkDeployment and one Kafka, found " + deployments.size() + " and " + kafkas.size());
            return problems;
        }
        ObjectNode deployment = deployments.get(0);
        ObjectNode kafka = kafkas.get(0);
        Configuration job = jobConfiguration(deployment, problems);
        Kafka cluster = checkKafka(kafka, problems);
        checkFlinkDeployment(deployment, problems);
        checkJobOptions(job, deployment, cluster, problems);
        checkTransactionTimeouts(job, deployment, cluster, problems);
        checkTopics(job, deployment, cluster, problems);
        problems.addAll(new KafkaUserManifests(this, job, cluster).problems());
        problems.addAll(dashboardProblems(dashboard, documentedMetrics));
        return problems;
    }

    /** What the Kafka manifests say about the cluster, for the other checks. */
    record Kafka(String name, int brokers, long transactionMaxTimeoutMs, int messageMaxBytes, int minInsyncReplicas,
            Map<Integer, Listener> listeners, String authorization) {}

    /** A listener of the Kafka cluster: TLS or not, and how clients authenticate ("" when they do not). */
    record Listener(String name, boolean tls, String authentication) {}

    private Kafka checkKafka(ObjectNode kafka, List<String> problems) {
        String name = kafka.path("metadata").path("name").asText();
        String where = "Kafka " + name;
        requireEquals(where, "apiVersion", kafka.path("apiVersion").asText(), "kafka.strimzi.io/v1", problems);
        if (!kafka.path("spec").path("zookeeper").isMissingNode()) {
            problems.add(where + ": spec.zookeeper: Strimzi 1.x runs KRaft only");
        }
        int brokers = 0;
        boolean controllers = false;
        for (ObjectNode pool : all("KafkaNodePool")) {
            String poolName = "KafkaNodePool " + pool.path("metadata").path("name").asText();
            requireEquals(poolName, "apiVersion", pool.path("apiVersion").asText(), "kafka.strimzi.io/v1", problems);
            if (!pool.path("metadata").path("labels").path("strimzi.io/cluster").asText().equals(name)) {
                problems.add(poolName + ": label strimzi.io/cluster must be " + name);
                continue;
            }
            Set<String> roles = new TreeSet<>();
            pool.path("spec").path("roles").forEach(r -> roles.add(r.asText()));
            int replicas = pool.path("spec").path("replicas").asInt(0);
            if (roles.isEmpty() || replicas < 1 || pool.path("spec").path("storage").isMissingNode()) {
                problems.add(poolName + ": spec.roles, spec.replicas and spec.storage are required");
            }
            if (roles.contains("broker")) {
                brokers += replicas;
            }
            controllers |= roles.contains("controller") && replicas > 0;
        }
        if (brokers == 0 || !controllers) {
            problems.add(where + ": KRaft needs node pools with the controller and the broker roles");
        }
        Map<Integer, Listener> listeners = new TreeMap<>();
        for (JsonNode listener : kafka.path("spec").path("kafka").path("listeners")) {
            listeners.put(listener.path("port").asInt(), new Listener(listener.path("name").asText(),
                    listener.path("tls").asBoolean(false), listener.path("authentication").path("type").asText()));
        }
        JsonNode config = kafka.path("spec").path("kafka").path("config");
        long maxTimeout = config.path("transaction.max.timeout.ms").asLong(KAFKA_DEFAULT_TRANSACTION_MAX_TIMEOUT_MS);
        int minIsr = config.path("min.insync.replicas").asInt(KAFKA_DEFAULT_MIN_INSYNC_REPLICAS);
        int txnLogReplicas = config.path("transaction.state.log.replication.factor").asInt(3);
        int txnLogMinIsr = config.path("transaction.state.log.min.isr").asInt(2);
        if (txnLogReplicas > brokers || txnLogMinIsr >= txnLogReplicas) {
            problems.add(where + ": transaction.state.log.replication.factor (" + txnLogReplicas + ") must be at most"
                    + " the brokers (" + brokers + ") and above transaction.state.log.min.isr (" + txnLogMinIsr
                    + "), or the exactly-once sinks stop when a broker does");
        }
        return new Kafka(name, brokers, maxTimeout, config.path("message.max.bytes").asInt(KAFKA_DEFAULT_MESSAGE_MAX_BYTES),
                minIsr, listeners, kafka.path("spec").path("kafka").path("authorization").path("type").asText());
    }

    private void checkFlinkDeployment(ObjectNode deployment, List<String> problems) {
        String where = "FlinkDeployment " + deployment.path("metadata").path("name").asText();
        JsonNode spec = deployment.path("spec");
        requireEquals(where, "apiVersion", deployment.path("apiVersion").asText(), "flink.apache.org/v1beta1", problems);
        requireEquals(where, "spec.flinkVersion", spec.path("flinkVersion").asText(), "v2_2", problems);
        requireEquals(where, "spec.job.upgradeMode", spec.path("job").path("upgradeMode").asText(), "savepoint", problems);
        requireEquals(where, "spec.job.entryClass", spec.path("job").path("entryClass").asText(),
                DubstreamJob.class.getName(), problems);
        for (String field : List.of("image", "serviceAccount")) {
            if (spec.path(field).asText().isEmpty()) {
                problems.add(where + ": spec." + field + " is required");
            }
        }
        for (String role : List.of("jobManager", "taskManager")) {
            if (spec.path(role).path("resource").path("memory").asText().isEmpty()) {
                problems.add(where + ": spec." + role + ".resource.memory is required");
            }
        }
        if (spec.path("job").path("parallelism").asInt(0) < 1) {
            problems.add(where + ": spec.job.parallelism must be set");
        }
        Matcher copied = Pattern.compile("(/opt/flink/usrlib/[^\\s]+\\.jar)").matcher(dockerfile);
        String jar = copied.find() ? "local://" + copied.group(1) : "(no jar copied to /opt/flink/usrlib/ in the Dockerfile)";
        requireEquals(where, "spec.job.jarURI (the Dockerfile's jar)", spec.path("job").path("jarURI").asText(), jar, problems);
        Matcher waitPolicy = Pattern.compile(OpenMpWaitPolicy.VARIABLE + "=(\\S+)").matcher(dockerfile);
        requireEquals("deploy/docker/Dockerfile", "ENV " + OpenMpWaitPolicy.VARIABLE + " (PyTorch's threads on the"
                + " TaskManagers' CPUs)", waitPolicy.find() ? waitPolicy.group(1) : null, OpenMpWaitPolicy.RECOMMENDED,
                problems);

        Map<String, String> flink = flinkConfiguration(deployment);
        for (String key : flink.keySet()) {
            if (key.startsWith("dubstream.")) {
                problems.add(where + ": flinkConfiguration sets " + key + ", which the job never reads: DubstreamJob.main"
                        + " takes its options from its arguments, so it belongs in spec.job.args");
            }
        }
        if (flink.containsKey("execution.checkpointing.interval")) {
            problems.add(where + ": flinkConfiguration sets execution.checkpointing.interval, which the job's own"
                    + " dubstream.checkpoint-interval overrides: set that in spec.job.args");
        }
        requireEquals(where, "high-availability.type", flink.get("high-availability.type"), "kubernetes", problems);
        requireEquals(where, "metrics.reporter.prom.factory.class", flink.get("metrics.reporter.prom.factory.class"),
                PROMETHEUS_FACTORY, problems);
        if (!flink.containsKey("metrics.reporter.prom.port")) {
            problems.add(where + ": metrics.reporter.prom.port must be set, the port Prometheus scrapes");
        }

        // checkpoints, savepoints and HA metadata on a volume every pod mounts
        Map<String, String> mounts = volumeMounts(spec.path("podTemplate"));
        for (String key : List.of("execution.checkpointing.dir", "execution.checkpointing.savepoint-dir",
                "high-availability.storageDir")) {
            String dir = flink.get(key);
            if (dir == null) {
                problems.add(where + ": " + key + " must be set");
            } else if (dir.startsWith("file://")) {
                String path = dir.substring("file://".length());
                String volume = mounts.entrySet().stream().filter(e -> path.startsWith(e.getKey() + "/"))
                        .map(Map.Entry::getValue).findFirst().orElse(null);
                if (volume == null) {
                    problems.add(where + ": " + key + " " + dir + " is on no volume that spec.podTemplate mounts in "
                            + MAIN_CONTAINER + ", so JobManager and TaskManagers do not share it");
                } else {
                    checkSharedClaim(where, key, volume, spec.path("podTemplate"), problems);
                }
            }
        }

        // a GPU for every TaskManager: the pod template's resource limit, or Flink's external resources
        boolean podTemplateGpu = false;
        for (JsonNode container : spec.path("taskManager").path("podTemplate").path("spec").path("containers")) {
            if (container.path("name").asText().equals(MAIN_CONTAINER)
                    && container.path("resources").path("limits").path(GPU_RESOURCE).asInt(0) >= 1) {
                podTemplateGpu = true;
            }
        }
        boolean externalGpu = flink.getOrDefault("external-resources", "").contains("gpu")
                && Integer.parseInt(flink.getOrDefault("external-resource.gpu.amount", "0")) >= 1
                && GPU_RESOURCE.equals(flink.get("external-resource.gpu.kubernetes.config-key"));
        if (!podTemplateGpu && !externalGpu) {
            problems.add(where + ": TaskManagers request no " + GPU_RESOURCE + ", neither in"
                    + " spec.taskManager.podTemplate (" + MAIN_CONTAINER + " resources.limits) nor through"
                    + " external-resource.gpu.*");
        }
    }

    /** The named volume of the pod template must be a claim of this namespace that many pods can write. */
    private void checkSharedClaim(String where, String key, String volume, JsonNode podTemplate, List<String> problems) {
        for (JsonNode v : podTemplate.path("spec").path("volumes")) {
            if (!v.path("name").asText().equals(volume)) {
                continue;
            }
            String claim = v.path("persistentVolumeClaim").path("claimName").asText();
            if (claim.isEmpty()) {
                problems.add(where + ": " + key + " is on volume " + volume + ", which is no PersistentVolumeClaim:"
                        + " it would not outlive the pods");
                return;
            }
            List<ObjectNode> claims = all("PersistentVolumeClaim").stream()
                    .filter(c -> c.path("metadata").path("name").asText().equals(claim)).toList();
            if (claims.size() != 1) {
                problems.add(where + ": " + key + " is on claim " + claim + ", which no manifest defines");
            } else if (!claims.get(0).path("spec").path("accessModes").toString().contains("ReadWriteMany")) {
                problems.add(where + ": " + key + " is on claim " + claim + ", which must be ReadWriteMany:"
                        + " TaskManagers write state files the JobManager reads");
            }
            return;
        }
        problems.add(where + ": " + key + ": volume " + volume + " is mounted but not defined");
    }

    /** The job's topics, consumer group and transactional id prefix, from its options. */
    static Acls.Names kafkaNames(Configuration job) {
        return new Acls.Names(ClipTopics.withPrefix(job.get(DubstreamOptions.INPUT_TOPIC_PREFIX)),
                ClipTopics.withPrefix(job.get(DubstreamOptions.OUTPUT_TOPIC_PREFIX)), job.get(DubstreamOptions.STATUS_TOPIC),
                job.get(DubstreamOptions.DEAD_LETTER_TOPIC), job.get(DubstreamOptions.CONSUMER_GROUP),
                job.get(DubstreamOptions.TRANSACTIONAL_ID_PREFIX));
    }

    /** What ParameterTool makes of a --key without a value. */
    private static final String NO_VALUE = "__NO_VALUE_KEY";

    /** The job's options as DubstreamJob.main reads them: spec.job.args through ParameterTool. */
    private static Configuration jobConfiguration(ObjectNode deployment, List<String> problems) {
        List<String> args = new ArrayList<>();
        deployment.path("spec").path("job").path("args").forEach(a -> args.add(a.asText()));
        Map<String, String> parsed;
        try {
            parsed = ParameterTool.fromArgs(args.toArray(String[]::new)).toMap();
        } catch (RuntimeException e) {
            problems.add("FlinkDeployment spec.job.args: not --key value pairs: " + e.getMessage());
            parsed = Map.of();
        }
        Set<String> known = new TreeSet<>();
        for (ConfigOption<?> option : DubstreamOptions.all()) {
            known.add(option.key());
        }
        Map<String, String> options = new HashMap<>();
        for (Map.Entry<String, String> arg : parsed.entrySet()) {
            // a Kafka client property: dubstream.kafka.properties.<client property>
            boolean clientProperty = arg.getKey().startsWith(DubstreamOptions.KAFKA_PROPERTIES.key() + ".");
            if (!known.contains(arg.getKey()) && !clientProperty) {
                problems.add("FlinkDeployment spec.job.args: --" + arg.getKey() + " is no option of DubstreamOptions"
                        + " (misspelt?); the job would ignore it");
            } else if (NO_VALUE.equals(arg.getValue())) {
                problems.add("FlinkDeployment spec.job.args: --" + arg.getKey() + " has no value");
            } else {
                options.put(arg.getKey(), arg.getValue());
            }
        }
        return Configuration.fromMap(options);
    }

    /** Every option the job reads parses, and the job's own start-up checks pass. */
    private static void checkJobOptions(Configuration job, ObjectNode deployment, Kafka kafka, List<String> problems) {
        String where = "FlinkDeployment spec.job.args";
        for (ConfigOption<?> option : DubstreamOptions.all()) {
            try {
                job.get(option);
            } catch (RuntimeException e) {
                problems.add(where + ": " + option.key() + ": " + e.getMessage());
                return;
            }
        }
        List<Runnable> startChecks = List.of(
                () -> AssemblerSettings.of(job),
                () -> DubstreamJob.finishedRetention(job),
                () -> DubstreamJob.retryPolicy(job, job.get(DubstreamOptions.INFERENCE_TIMEOUT)),
                () -> DubstreamOptions.dubSettings(job),
                () -> KafkaConnectors.limits(job));
        for (Runnable check : startChecks) {
            try {
                check.run();
            } catch (RuntimeException e) {
                problems.add(where + ": the job would refuse to start: " + e.getMessage());
            }
        }
        String backend = job.get(DubstreamOptions.STATE_BACKEND);
        if (!Set.of(DubstreamOptions.STATE_BACKEND_HASHMAP, DubstreamOptions.STATE_BACKEND_ROCKSDB).contains(backend)) {
            problems.add(where + ": the job would refuse to start: " + DubstreamOptions.STATE_BACKEND.key() + " '"
                    + backend + "'");
        }
        String bootstrap = job.getOptional(DubstreamOptions.BOOTSTRAP_SERVERS).orElse("");
        Matcher m = Pattern.compile("([a-z0-9-]+)-kafka-bootstrap(\\.dubstream(\\.svc(\\.[a-z0-9.-]+)?)?)?:(\\d+)")
                .matcher(bootstrap);
        if (!m.matches() || !m.group(1).equals(kafka.name()) || !kafka.listeners().containsKey(Integer.parseInt(m.group(5)))) {
            problems.add(where + ": " + DubstreamOptions.BOOTSTRAP_SERVERS.key() + " '" + bootstrap + "' must be the"
                    + " bootstrap service of Kafka " + kafka.name() + " on one of its listeners: " + kafka.name()
                    + "-kafka-bootstrap:" + kafka.listeners().keySet());
        }
        if (job.get(DubstreamOptions.TOPIC_PARTITIONS) != 0) {
            problems.add(where + ": " + DubstreamOptions.TOPIC_PARTITIONS.key() + " must be 0: the topics are"
                    + " KafkaTopics, with their own partitions and retention");
        }
    }

    /**
     * The job's transaction timeout must be at most the brokers' ceiling, or its producers fail at
     * their first transaction, and must outlast a checkpoint interval plus a restart, or the restored
     * job finds the transactions of its last checkpoint aborted by the broker and their output lost.
     */
    private void checkTransactionTimeouts(Configuration job, ObjectNode deployment, Kafka kafka, List<String> problems) {
        Duration timeout = job.get(DubstreamOptions.TRANSACTION_TIMEOUT);
        if (timeout.toMillis() > kafka.transactionMaxTimeoutMs()) {
            problems.add(DubstreamOptions.TRANSACTION_TIMEOUT.key() + " (" + TimeUtils.formatWithHighestUnit(timeout)
                    + ") is above the brokers' transaction.max.timeout.ms (" + kafka.transactionMaxTimeoutMs()
                    + " ms): the exactly-once sinks' producers would be refused");
        }
        Map<String, String> flink = flinkConfiguration(deployment);
        Duration heartbeat = duration(flink, "heartbeat.timeout", FLINK_DEFAULT_HEARTBEAT_TIMEOUT, problems);
        String strategy = flink.getOrDefault("restart-strategy.type", "");
        Duration backoff;
        switch (strategy) {
            case "exponential-delay" -> backoff = duration(flink, "restart-strategy.exponential-delay.max-backoff",
                    FLINK_DEFAULT_EXPONENTIAL_MAX_BACKOFF, problems);
            case "fixed-delay" -> backoff = duration(flink, "restart-strategy.fixed-delay.delay",
                    FLINK_DEFAULT_FIXED_DELAY, problems);
            default -> {
                problems.add("FlinkDeployment: restart-strategy.type must be exponential-delay or fixed-delay (got '"
                        + strategy + "'): the job restarts after a lost TaskManager, within the transaction timeout");
                backoff = Duration.ZERO;
            }
        }
        Duration restart = job.get(DubstreamOptions.CHECKPOINT_INTERVAL).plus(heartbeat).plus(backoff)
                .plus(POD_RESTART_ALLOWANCE);
        if (timeout.compareTo(restart) <= 0) {
            problems.add(DubstreamOptions.TRANSACTION_TIMEOUT.key() + " (" + TimeUtils.formatWithHighestUnit(timeout)
                    + ") must exceed a checkpoint interval plus a restart: " + DubstreamOptions.CHECKPOINT_INTERVAL.key()
                    + " + heartbeat.timeout + the restart backoff + " + POD_RESTART_ALLOWANCE.toMinutes()
                    + " min for a new TaskManager pod = " + TimeUtils.formatWithHighestUnit(restart));
        }
    }

    /** The KafkaTopics are exactly the job's topics, with partitions for its parallelism and room for its records. */
    private void checkTopics(Configuration job, ObjectNode deployment, Kafka kafka, List<String> problems) {
        Acls.Names names = kafkaNames(job);
        List<String> input = names.input().all();
        ClipTopics output = names.output();
        Set<String> expected = new LinkedHashSet<>(input);
        expected.addAll(Acls.jobOutput(names));

        int parallelism = deployment.path("spec").path("job").path("parallelism").asInt(1);
        Map<String, Integer> maxMessageBytes = new HashMap<>();
        Set<String> found = new TreeSet<>();
        for (ObjectNode topic : all("KafkaTopic")) {
            String resource = topic.path("metadata").path("name").asText();
            String name = topic.path("spec").path("topicName").asText(resource);
            String where = "KafkaTopic " + resource + " (" + name + ")";
            found.add(name);
            requireEquals(where, "apiVersion", topic.path("apiVersion").asText(), "kafka.strimzi.io/v1", problems);
            if (!topic.path("metadata").path("labels").path("strimzi.io/cluster").asText().equals(kafka.name())) {
                problems.add(where + ": label strimzi.io/cluster must be " + kafka.name());
            }
            int partitions = topic.path("spec").path("partitions").asInt(0);
            int replicas = topic.path("spec").path("replicas").asInt(0);
            JsonNode config = topic.path("spec").path("config");
            int minIsr = config.path("min.insync.replicas").asInt(kafka.minInsyncReplicas());
            if (partitions < 1 || replicas < 1) {
                problems.add(where + ": spec.partitions and spec.replicas are required");
            }
            if (replicas > kafka.brokers() || replicas <= minIsr) {
                problems.add(where + ": " + replicas + " replicas must be at most the " + kafka.brokers()
                        + " brokers and above min.insync.replicas (" + minIsr + "), or a broker down stops writes");
            }
            if (config.path("retention.ms").isMissingNode() && config.path("retention.bytes").isMissingNode()) {
                problems.add(where + ": state its retention (retention.ms), chosen for what the topic holds");
            }
            if (input.contains(name) && partitions < parallelism) {
                problems.add(where + ": " + partitions + " partitions for a job of parallelism " + parallelism
                        + ": source subtasks would sit idle");
            }
            maxMessageBytes.put(name, config.path("max.message.bytes").asInt(kafka.messageMaxBytes()));
        }
        for (String name : expected) {
            if (!found.contains(name)) {
                problems.add("no KafkaTopic for " + name + ", a topic the job reads or writes");
            }
        }
        for (String name : found) {
            if (!expected.contains(name)) {
                problems.add("KafkaTopic " + name + " is no topic of the job (its topics: " + expected + ")");
            }
        }
        // the largest frame and dead letter the job writes fit the topics, as the job checks at start
        String deadLetters = job.get(DubstreamOptions.DEAD_LETTER_TOPIC);
        try {
            RecordSizes.check(KafkaConnectors.limits(job), job.get(DubstreamOptions.DEAD_LETTER_MAX_ORIGINAL_BYTES),
                    job.get(DubstreamOptions.KAFKA_MAX_REQUEST_SIZE), maxMessageBytes, output.media(), deadLetters);
            // uploads write frames of the same limits to the input media topic
            RecordSizes.check(KafkaConnectors.limits(job), 0, Integer.MAX_VALUE, maxMessageBytes,
                    ClipTopics.withPrefix(job.get(DubstreamOptions.INPUT_TOPIC_PREFIX)).media(), deadLetters);
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
    }

    // ---------------------------------------------------------------------------------------------
    // the dashboard

    private static final Pattern METRIC = Pattern.compile("\\bflink_[A-Za-z0-9_]+");

    /** The metrics the dashboard's queries name, under their Prometheus names. */
    static Set<String> dashboardMetrics(JsonNode dashboard) {
        Set<String> names = new TreeSet<>();
        collect(dashboard, node -> node.has("expr"), node -> {
            Matcher m = METRIC.matcher(node.path("expr").asText());
            while (m.find()) {
                names.add(m.group());
            }
        });
        return names;
    }

    /**
     * Every metric a query names must be one the docs' metrics table lists, under its Prometheus name
     * (a table that {@link MetricNames#tableProblems} holds to what the job registers), and the
     * dashboard must show what it is for.
     */
    static List<String> dashboardProblems(JsonNode dashboard, List<MetricNames.Documented> documented) {
        List<String> problems = new ArrayList<>();
        Map<String, String> byPrometheusName = new HashMap<>();
        documented.forEach(m -> byPrometheusName.put(m.prometheusName(), m.name()));
        Set<String> shown = new TreeSet<>();
        Set<String> metrics = dashboardMetrics(dashboard);
        if (metrics.isEmpty()) {
            problems.add("the dashboard queries no flink_ metric");
        }
        for (String metric : metrics) {
            // Flink's reporter exports a histogram as a summary, with _count and _sum beside the quantiles
            String base = metric.replaceAll("_(count|sum)$", "");
            String name = byPrometheusName.getOrDefault(metric, byPrometheusName.get(base));
            if (name == null) {
                problems.add("the dashboard queries " + metric + ", which the metrics table of " + MetricNames.DOCS
                        + " does not list");
            } else {
                shown.add(name);
            }
        }
        for (String name : new TreeSet<>(DASHBOARD_MUST_SHOW)) {
            if (!shown.contains(name)) {
                problems.add("the dashboard shows no " + name);
            }
        }
        return problems;
    }

    private static void collect(JsonNode node, Predicate<JsonNode> match, java.util.function.Consumer<JsonNode> found) {
        if (match.test(node)) {
            found.accept(node);
        }
        node.forEach(child -> collect(child, match, found));
    }

    // ---------------------------------------------------------------------------------------------

    static Map<String, String> flinkConfiguration(ObjectNode deployment) {
        Map<String, String> conf = new HashMap<>();
        deployment.path("spec").path("flinkConfiguration").properties()
                .forEach(e -> conf.put(e.getKey(), e.getValue().asText()));
        return conf;
    }

    /** Mount path to volume name, of the main container of a pod template. */
    static Map<String, String> volumeMounts(JsonNode podTemplate) {
        Map<String, String> mounts = new HashMap<>();
        for (JsonNode container : podTemplate.path("spec").path("containers")) {
            if (container.path("name").asText().equals(MAIN_CONTAINER)) {
                container.path("volumeMounts").forEach(m -> mounts.put(m.path("mountPath").asText().replaceAll("/$", ""),
                        m.path("name").asText()));
            }
        }
        return mounts;
    }

    private static Duration duration(Map<String, String> conf, String key, Duration fallback, List<String> problems) {
        String value = conf.get(key);
        if (value == null) {
            return fallback;
        }
        try {
            return TimeUtils.parseDuration(value);
        } catch (IllegalArgumentException e) {
            problems.add("FlinkDeployment: " + key + " '" + value + "' is no duration");
            return fallback;
        }
    }

    private static void requireEquals(String where, String what, String actual, String expected, List<String> problems) {
        if (!expected.equals(actual)) {
            problems.add(where + ": " + what + " must be " + expected + ", is " + (actual == null || actual.isEmpty()
                    ? "missing" : actual));
        }
    }
}
