package io.dubstream.job.cluster;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The class path of a cluster with nothing but Flink on it, as a Flink distribution's {@code lib/}:
 * Flink's modules, their dependencies and log4j, as the build resolved them into
 * {@code flink-job/target/flink-classpath/} ({@code mvn package}). A job brings everything else in its
 * jar, as on any cluster.
 */
public final class FlinkClasspath {

    /** The build's lists: Flink's modules (provided scope) and the dependencies they share with the job. */
    static final List<String> LISTS = List.of("provided.txt", "shared.txt");

    private FlinkClasspath() {}

    /** The class path the build wrote beside the launcher's classes ({@code flink-job/target/flink-classpath}). */
    public static String ofBuild() {
        return in(buildDirectory().resolve("flink-classpath"));
    }

    /**
     * Flink's plugins directory the build laid out beside it ({@code flink-job/target/flink-plugins}, one
     * sub-directory per plugin: {@code metrics-prometheus/}); on no class path, as in a Flink distribution.
     */
    public static Path pluginsOfBuild() {
        return buildDirectory().resolve("flink-plugins");
    }

    /** The build's {@code target/}, where the launcher's classes are. */
    private static Path buildDirectory() {
        try {
            return Path.of(FlinkClasspath.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                    .toAbsolutePath().getParent();
        } catch (URISyntaxException | SecurityException | NullPointerException e) {
            throw new IllegalStateException("cannot tell where the launcher's classes are, nor so Flink's class path");
        }
    }

    /** The class path listed in {@code dir}. */
    static String in(Path dir) {
        List<String> entries = new ArrayList<>();
        for (String list : LISTS) {
            Path file = dir.resolve(list);
            if (!Files.isRegularFile(file)) {
                throw new IllegalStateException("no " + file + ": build with `mvn package -pl flink-job -am` "
                        + "(it lists Flink's jars for the local cluster)");
            }
            try {
                for (String entry : Files.readString(file).strip().split(File.pathSeparator)) {
                    if (!entry.isBlank()) {
                        entries.add(entry);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
        }
        return String.join(File.pathSeparator, entries);
    }
}
