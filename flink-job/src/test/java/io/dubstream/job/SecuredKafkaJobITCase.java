package io.dubstream.job;

import static io.dubstream.connectors.kafka.Acls.allow;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;
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
 * uploader and downloader with theirs.
 */
class SecuredKafkaJobITCase {

    private static final String NAME = "secured";
    private static final String CLIP = "secured-clip";

    @RegisterExtension
    static final MiniClusterExtension FLINK = BoundedJobs.miniCluster();

    @TempDir
    static Path tmp;

    private static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void startSecuredBroker() throws Exception {
        broker = EmbeddedKafkaBroker.startSecured(EmbeddedKafkaBroker.ANY_PORT, null, "admin-secret");
        broker.createUser("uploader", "up-pw");
        broker.createUser("job", "job-pw");
        broker.createUser("downloader", "down-pw");
        ClipTopics output = ClipTopics.withPrefix(NAME + ".out.");
        List<String> jobOutput = new ArrayList<>(output.all());
        jobOutput.add(NAME + ".dlq");
        jobOutput.add(NAME + ".status");
        List<String> all = new ArrayList<>(ClipTopics.INPUT.all());
        all.addAll(jobOutput);
        TopicSetup.ensureExist(broker.adminConnection(), all, 2);

        List<AclBinding> acls = Acls.uploadAndJobInput("uploader", "job", ClipTopics.INPUT, NAME, NAME);
        for (String topic : jobOutput) {
            acls.add(allow("job", ResourceType.TOPIC, topic, PatternType.LITERAL, AclOperation.WRITE));
            // the record size check at start reads the topics' max.message.bytes
            acls.add(allow("job", ResourceType.TOPIC, topic, PatternType.LITERAL, AclOperation.DESCRIBE_CONFIGS));
        }
        for (String topic : output.all()) {
            acls.add(allow("downloader", ResourceType.TOPIC, topic, PatternType.LITERAL, AclOperation.READ));
        }
        acls.add(allow("downloader", ResourceType.TOPIC, NAME + ".status", PatternType.LITERAL, AclOperation.READ));
        Acls.create(broker, acls);
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
        // as in the Flink configuration: one key per client property
        EmbeddedKafkaBroker.scramClientProperties("job", "job-pw")
                .forEach((key, value) -> conf.setString("dubstream.kafka.properties." + key, value));
        BoundedJobs.run(conf);

        ClipDownloader.Result down = new ClipDownloader(as("downloader", "down-pw"), ClipDownloader.Options.defaults()
                .withTopics(ClipTopics.withPrefix(NAME + ".out.")).withStatusTopic(NAME + ".status")
                .withIdleTimeout(Duration.ofSeconds(30)))
                .download(CLIP, tmp.resolve("out.mp4"), TransferProgress.NONE);
        assertThat(down.frames()).isEqualTo(up.frames());
        assertThat(down.samples()).isEqualTo(up.samples());
    }
}
