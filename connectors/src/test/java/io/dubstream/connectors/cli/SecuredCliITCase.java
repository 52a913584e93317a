package io.dubstream.connectors.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.dubstream.connectors.kafka.ClipTopics;
import io.dubstream.connectors.kafka.EmbeddedKafkaBroker;
import io.dubstream.connectors.kafka.KafkaClients;
import io.dubstream.connectors.kafka.TopicSetup;
import io.dubstream.connectors.media.SampleClipGenerator;

/** {@code --command-config} against a broker with SASL/SCRAM and ACLs, through the CLI itself. */
class SecuredCliITCase {

    private static EmbeddedKafkaBroker broker;

    @TempDir
    static Path tmp;

    @BeforeAll
    static void startSecuredBroker() throws Exception {
        broker = EmbeddedKafkaBroker.startSecured(EmbeddedKafkaBroker.ANY_PORT, null, "admin-secret");
        broker.createUser("uploader", "up-pw");
        TopicSetup.ensureExist(broker.adminConnection(), List.of(ClipTopics.INPUT.clips(), ClipTopics.INPUT.media(),
                ClipTopics.INPUT.script(), ClipTopics.OUTPUT.clips(), ClipTopics.OUTPUT.media()), 1);
        try (Admin admin = KafkaClients.admin(broker.adminConnection())) {
            admin.createAcls(List.of(
                    allow(ResourceType.TOPIC, "dubstream.", PatternType.PREFIXED, AclOperation.WRITE),
                    allow(ResourceType.TOPIC, ClipTopics.INPUT.clips(), PatternType.LITERAL, AclOperation.READ),
                    allow(ResourceType.TRANSACTIONAL_ID, "dubstream-upload-", PatternType.PREFIXED,
                            AclOperation.WRITE))).all().get(30, TimeUnit.SECONDS);
        }
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    private static AclBinding allow(ResourceType type, String name, PatternType pattern, AclOperation operation) {
        return new AclBinding(new ResourcePattern(type, name, pattern),
                new AccessControlEntry("User:uploader", "*", operation, AclPermissionType.ALLOW));
    }

    private static Path clientConfig(String password) throws Exception {
        Path file = tmp.resolve("uploader-" + password + ".properties");
        StringBuilder lines = new StringBuilder();
        EmbeddedKafkaBroker.scramClientProperties("uploader", password)
                .forEach((k, v) -> lines.append(k).append('=').append(v).append('\n'));
        Files.writeString(file, lines);
        return file;
    }

    @Test
    void uploadWithItsCommandConfigAndNothingMore() throws Exception {
        Path clip = SampleClipGenerator.write(tmp.resolve("cli.mp4"),
                new SampleClipGenerator.Spec(256, 144, 25, 1, 1.0, 16_000, 1));
        String config = clientConfig("up-pw").toString();

        CliRun up = CliRun.of("upload", "--bootstrap", broker.bootstrapServers(), "--command-config", config,
                "--input", clip.toString(), "--clip-id", "cli");
        CliRun down = CliRun.of("download", "--bootstrap", broker.bootstrapServers(), "--command-config", config,
                "--clip-id", "cli", "--output", tmp.resolve("cli-out.mp4").toString(), "--timeout", "5");
        CliRun wrong = CliRun.of("upload", "--bootstrap", broker.bootstrapServers(), "--command-config",
                clientConfig("wrong").toString(), "--input", clip.toString(), "--clip-id", "cli-2");

        assertThat(up.exitCode()).as(up.err()).isEqualTo(DubstreamCli.EXIT_OK);
        assertThat(up.out()).startsWith("uploaded clip cli: 25 frames");
        assertThat(down.exitCode()).isEqualTo(DubstreamCli.EXIT_FAILED);
        assertThat(down.err().strip()).startsWith("dubstream download: error: ")
                .contains("Not authorized to access topics").doesNotContain("\n");
        assertThat(wrong.exitCode()).isEqualTo(DubstreamCli.EXIT_FAILED);
        assertThat(wrong.err()).contains("invalid credentials");
    }
}
