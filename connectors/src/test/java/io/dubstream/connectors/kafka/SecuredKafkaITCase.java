package io.dubstream.connectors.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.dubstream.connectors.media.SampleClipGenerator;

/**
 * A broker that authenticates with SASL/SCRAM and authorizes with ACLs: the uploader, the job and
 * the downloader each with their own user, each allowed only the topics, group and transactional
 * ids it needs ({@link Acls#of}, the table docs/operations.md "Secured Kafka" lists and the
 * Kubernetes manifests' KafkaUsers grant).
 */
class SecuredKafkaITCase {

    private static final String ADMIN_PASSWORD = "admin-secret";
    private static final Acls.Names NAMES = Acls.Names.defaults();
    private static final String JOB_GROUP = NAMES.jobGroup();
    private static final String JOB_TRANSACTIONS = NAMES.jobTransactionalIdPrefix();

    private static EmbeddedKafkaBroker broker;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startSecuredBrokerWithUsersAndAcls() throws Exception {
        broker = EmbeddedKafkaBroker.startSecured(EmbeddedKafkaBroker.ANY_PORT, null, ADMIN_PASSWORD);
        List<String> topics = new ArrayList<>(ClipTopics.INPUT.all());
        topics.addAll(ClipTopics.OUTPUT.all());
        topics.add(ClipTopics.STATUS_TOPIC);
        topics.add(ClipTopics.DEAD_LETTER_TOPIC);
        TopicSetup.ensureExist(broker.adminConnection(), topics, 2);

        Acls.createRoleUsers(broker, NAMES);
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    private static KafkaConnection as(String user, String password) {
        return Acls.as(broker, user, password);
    }

    private Path sampleClip(String name) throws Exception {
        return SampleClipGenerator.write(tmp.resolve(name + ".mp4"),
                new SampleClipGenerator.Spec(256, 144, 25, 1, 1.0, 16_000, 1));
    }

    @Test
    void uploadJobAndDownloadEachWithTheirOwnCredentials() throws Exception {
        ClipUploader.Result up = new ClipUploader(as("uploader", "up-pw"), ClipUploader.Options.defaults())
                .upload(sampleClip("secured"), "secured", TransferProgress.NONE);

        int copied = copyInputToOutputAsTheJob(as("job", "job-pw"));

        ClipDownloader.Result down = new ClipDownloader(as("downloader", "down-pw"),
                ClipDownloader.Options.defaults().withIdleTimeout(Duration.ofSeconds(20)))
                .download("secured", tmp.resolve("secured-out.mp4"), TransferProgress.NONE);
        assertThat((long) copied).isGreaterThan(up.frames());
        assertThat(down.frames()).isEqualTo(up.frames());
        assertThat(down.samples()).isEqualTo(up.samples());
    }

    @Test
    void aClientWithoutCredentialsIsRefused() throws Exception {
        // a plaintext client on the SASL listener is disconnected and never gets metadata
        KafkaConnection anonymous = new KafkaConnection(broker.bootstrapServers(), Map.of("max.block.ms", "3000"));

        assertThatThrownBy(() -> new ClipUploader(anonymous, ClipUploader.Options.defaults())
                .upload(sampleClip("anonymous"), "anonymous", TransferProgress.NONE))
                .isInstanceOf(TransferException.class)
                .hasMessageStartingWith("cannot reach Kafka at " + broker.bootstrapServers());
    }

    @Test
    void aWrongPasswordIsRefusedByName() throws Exception {
        assertThatThrownBy(() -> new ClipUploader(as("uploader", "wrong"), ClipUploader.Options.defaults())
                .upload(sampleClip("wrong-password"), "wrong-password", TransferProgress.NONE))
                .isInstanceOf(TransferException.class)
                .hasRootCauseInstanceOf(SaslAuthenticationException.class)
                .hasMessageContaining("invalid credentials");
    }

    @Test
    void theUploaderMayNotReadTheOutputNorWriteIt() throws Exception {
        assertThatThrownBy(() -> new ClipDownloader(as("uploader", "up-pw"), ClipDownloader.Options.defaults()
                        .withIdleTimeout(Duration.ofSeconds(5)))
                .download("secured", tmp.resolve("stolen.mp4"), TransferProgress.NONE))
                .isInstanceOf(TransferException.class)
                .hasMessageContaining("Not authorized to access topics").hasMessageContaining(ClipTopics.OUTPUT.clips());

        assertThatThrownBy(() -> new ClipUploader(as("uploader", "up-pw"),
                        ClipUploader.Options.defaults().withTopics(ClipTopics.OUTPUT))
                .upload(sampleClip("forged"), "forged", TransferProgress.NONE))
                .isInstanceOf(TransferException.class)
                .hasMessageContaining("Not authorized");
    }

    @Test
    void theDownloaderMayNotReadTheInput() {
        assertThatThrownBy(() -> new ClipDownloader(as("downloader", "down-pw"), ClipDownloader.Options.defaults()
                        .withTopics(ClipTopics.INPUT).withIdleTimeout(Duration.ofSeconds(5)))
                .download("secured", tmp.resolve("input.mp4"), TransferProgress.NONE))
                .isInstanceOf(TransferException.class)
                .hasMessageContaining("Not authorized to access topics");
    }

    /**
     * Stands in for the job: reads the input topics in the job's group, committed records only, and
     * writes them unchanged to the output topics in one transaction with the group's offsets, as the
     * job's exactly-once sink would; returns how many records it copied.
     */
    private static int copyInputToOutputAsTheJob(KafkaConnection job) throws Exception {
        Properties c = job.clientProperties();
        c.put(ConsumerConfig.GROUP_ID_CONFIG, JOB_GROUP);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        Map<String, String> outputOf = Map.of(ClipTopics.INPUT.clips(), ClipTopics.OUTPUT.clips(),
                ClipTopics.INPUT.media(), ClipTopics.OUTPUT.media(),
                ClipTopics.INPUT.script(), ClipTopics.OUTPUT.script());
        int copied = 0;
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(c);
                KafkaProducer<String, byte[]> producer = KafkaClients.transactionalProducer(job,
                        JOB_TRANSACTIONS + "-0")) {
            consumer.subscribe(ClipTopics.INPUT.all());
            producer.initTransactions();
            producer.beginTransaction();
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            long idleSince = System.nanoTime();
            while (System.nanoTime() - idleSince < Duration.ofSeconds(3).toNanos()) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    producer.send(new ProducerRecord<>(outputOf.get(r.topic()), r.key(), r.value()));
                    offsets.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
                    copied++;
                    idleSince = System.nanoTime();
                }
            }
            producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
            producer.commitTransaction();
        }
        return copied;
    }

}
