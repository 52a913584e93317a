package io.dubstream.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.provider.DirectoryConfigProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.dubstream.connectors.kafka.Acls;
import io.dubstream.connectors.kafka.ClipDownloader;
import io.dubstream.connectors.kafka.ClipTopics;
import io.dubstream.connectors.kafka.ClipUploader;
import io.dubstream.connectors.kafka.EmbeddedKafkaBroker;
import io.dubstream.connectors.kafka.KafkaConnection;
import io.dubstream.connectors.kafka.TopicSetup;
import io.dubstream.connectors.kafka.TransferProgress;
import io.dubstream.connectors.media.SampleClipGenerator;

/**
 * The job on a MiniCluster against a broker with SASL/SCRAM and ACLs, as its own user given through
 * {@code dubstream.kafka.properties.*}, allowed only its topics, group and transactional ids; the
 * uploader and downloader with theirs ({@link Acls#of}, the roles the Kubernetes manifests' KafkaUsers
 * grant). The job's password comes from a file through Kafka's {@code DirectoryConfigProvider}, as
 * {@code deploy/k8s/flink-deployment.yaml} reads it from the mounted secret of its KafkaUser.
 */
class SecuredKafkaJobITCase {

    private static final String NAME = "secured";
    /** The job's topics, group and transactional ids as BoundedJobs names them after {@link #NAME}. */
    private static final Acls.Names NAMES = new Acls.Names(ClipTopics.INPUT, ClipTopics.withPrefix(NAME + ".out."),
            NAME + ".status", NAME + ".dlq", NAME, NAME);
    private static final String CLIP = "secured-clip";

    @RegisterExtension
    static final MiniClusterExtension FLINK = BoundedJobs.miniCluster();

    @TempDir
    static Path tmp;

    private static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void startSecuredBroker() throws Exception {
        broker = EmbeddedKafkaBroker.startSecured(EmbeddedKafkaBroker.ANY_PORT, null, "admin-secret");
        List<String> all = new ArrayList<>(ClipTopics.INPUT.all());
        all.addAll(Acls.jobOutput(NAMES));
        TopicSetup.ensureExist(broker.adminConnection(), all, 2);

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

    @Test
    void theJobRunsAsItsOwnUser() throws Exception {
        Path clip = SampleClipGenerator.write(tmp.resolve("in.mp4"),
                new SampleClipGenerator.Spec(256, 144, 25, 1, 4, 16_000, 1));
        ClipUploader.Result up = new ClipUploader(as("uploader", "up-pw"), ClipUploader.Options.defaults())
                .upload(clip, CLIP, TransferProgress.NONE);

        Configuration conf = BoundedJobs.configuration(broker.bootstrapServers(), NAME, tmp);
        // as in the FlinkDeployment: one key per client property, the JAAS line (with the password) not
        // among them but in a file of a directory, as Strimzi's secret of the user mounted in the pod,
        // read by Kafka's DirectoryConfigProvider
        Path secret = Files.createDirectories(tmp.resolve("kafka-user"));
        EmbeddedKafkaBroker.scramClientProperties("job", "job-pw").forEach((key, value) -> {
            if (key.equals(SaslConfigs.SASL_JAAS_CONFIG)) {
                writeString(secret.resolve(key), value);
                value = "${dir:" + secret + ":" + key + "}";
            }
            conf.setString("dubstream.kafka.properties." + key, value);
        });
        conf.setString("dubstream.kafka.properties.config.providers", "dir");
        conf.setString("dubstream.kafka.properties.config.providers.dir.class", DirectoryConfigProvider.class.getName());
        BoundedJobs.run(conf);

        ClipDownloader.Result down = new ClipDownloader(as("downloader", "down-pw"), ClipDownloader.Options.defaults()
                .withTopics(ClipTopics.withPrefix(NAME + ".out.")).withStatusTopic(NAME + ".status")
                .withIdleTimeout(Duration.ofSeconds(30)))
                .download(CLIP, tmp.resolve("out.mp4"), TransferProgress.NONE);
        assertThat(down.frames()).isEqualTo(up.frames());
        assertThat(down.samples()).isEqualTo(up.samples());
    }

    private static void writeString(Path file, String text) {
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
