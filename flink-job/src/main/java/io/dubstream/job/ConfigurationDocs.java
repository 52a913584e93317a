package io.dubstream.job;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.description.HtmlFormatter;

/**
 * Generates {@code docs/configuration.md} from {@link DubstreamOptions}; a test fails when the file
 * and the options drift apart. Run {@code main} with the file's path to regenerate it.
 */
public final class ConfigurationDocs {

    private ConfigurationDocs() {}

    public static String render() {
        StringBuilder md = new StringBuilder()
                .append("# Configuration\n\n")
                .append("Generated from `DubstreamOptions` (`flink-job`); do not edit by hand. Regenerate with\n")
                .append("`mvn -q -pl flink-job -am test -Dtest=ConfigurationDocsTest -Ddubstream.docs.write=true\n")
                .append("-Dsurefire.failIfNoSpecifiedTests=false` (the last for the modules `-am` builds, which have no such"
                        + " test).\n\n")
                .append("Set these as `--key value` arguments of the job (`deploy/dubstream job --set key=value`;"
                        + " `spec.job.args` in a FlinkDeployment): the job reads its arguments, not the Flink"
                        + " configuration.\n\n")
                .append("| key | default | type | description |\n")
                .append("|---|---|---|---|\n");
        for (ConfigOption<?> option : DubstreamOptions.all()) {
            md.append("| `").append(option.key()).append("` | ")
                    .append(option.hasDefaultValue() ? "`" + format(option.defaultValue()) + "`" : "(none)")
                    .append(" | ").append(typeName(option)).append(" | ")
                    .append(ConfigurationDocs.text(option).replace("|", "\\|"))
                    .append(" |\n");
        }
        return md.toString();
    }

    /** An option's description as HTML-safe text (Flink's own formatter escapes '<' and '>'). */
    public static String text(ConfigOption<?> option) {
        return new HtmlFormatter().format(option.description());
    }

    private static String format(Object value) {
        if (value instanceof Duration d) {
            return d.toMillis() % 60_000 == 0 ? d.toMinutes() + " min"
                    : d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
        }
        if (value instanceof java.util.Map<?, ?> m && m.isEmpty()) {
            return "(none)";
        }
        return String.valueOf(value);
    }

    private static String typeName(ConfigOption<?> option) {
        Object value = option.hasDefaultValue() ? option.defaultValue() : "";
        return value instanceof java.util.Map ? "Map" : value.getClass().getSimpleName();
    }

    public static void main(String[] args) throws IOException {
        Files.writeString(Path.of(args[0]), render(), StandardCharsets.UTF_8);
    }
}
