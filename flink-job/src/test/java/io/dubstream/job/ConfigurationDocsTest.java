package io.dubstream.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.flink.configuration.ConfigOption;
import org.junit.jupiter.api.Test;

/** docs/configuration.md is generated from DubstreamOptions: this fails when they drift apart. */
class ConfigurationDocsTest {

    private static final Path DOC = Path.of("..", "docs", "configuration.md");

    @Test
    void configurationReferenceMatchesTheOptions() throws Exception {
        String generated = ConfigurationDocs.render();
        if (Boolean.getBoolean("dubstream.docs.write")) {
            Files.writeString(DOC, generated, StandardCharsets.UTF_8);
        }
        assertThat(DOC).as("docs/configuration.md; regenerate it as its header says").exists();
        assertThat(Files.readString(DOC, StandardCharsets.UTF_8)).isEqualTo(generated);
    }

    @Test
    void everyOptionIsListedOnceWithADescription() {
        for (ConfigOption<?> option : DubstreamOptions.all()) {
            assertThat(option.key()).startsWith("dubstream.");
            assertThat(ConfigurationDocs.text(option)).hasSizeGreaterThan(20);
            assertThat(ConfigurationDocs.render()).containsOnlyOnce("`" + option.key() + "`");
        }
    }
}
