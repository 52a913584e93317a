package io.dubstream.job.cluster;

import java.nio.file.Path;

/**
 * The files of a {@link LocalSessionCluster}, all under one directory ({@code out/local-cluster} by
 * default): the generated configuration, Flink's plugins, one log and one pid file per process,
 * checkpoints, and the processes' working files.
 */
public record ClusterDirectory(Path root) {

    public ClusterDirectory {
        root = root.toAbsolutePath().normalize();
    }

    /** The configuration directory every process gets as {@code --configDir}. */
    public Path conf() {
        return root.resolve("conf");
    }

    /** Flink's configuration, written at start. */
    public Path configFile() {
        return conf().resolve("config.yaml");
    }

    /** The logging configuration of the processes. */
    public Path loggingFile() {
        return conf().resolve("log4j.properties");
    }

    /**
     * The class path of the processes, written at start, so that a TaskManager started again later
     * (by another command) gets the classes the cluster started with.
     */
    public Path classpathFile() {
        return conf().resolve("classpath");
    }

    /**
     * Flink's plugins directory ({@code FLINK_PLUGINS_DIR} of every process), a copy of the one given at
     * start: one sub-directory per plugin, as in a Flink distribution ({@code metrics-prometheus/}).
     */
    public Path plugins() {
        return root.resolve("plugins");
    }

    public Path logs() {
        return root.resolve("log");
    }

    /** The Flink log of a process ({@code jobmanager}, {@code taskmanager-1}, ...), appended across restarts. */
    public Path logFile(String process) {
        return logs().resolve(process + ".log");
    }

    /** What a process prints to stdout and stderr; Flink's web UI shows it next to the log. */
    public Path stdoutFile(String process) {
        return logs().resolve(process + ".out");
    }

    public Path pidFile(String process) {
        return root.resolve(process + ".pid");
    }

    /** Where jobs on the cluster write their checkpoints, one directory per job id. */
    public Path checkpoints() {
        return root.resolve("checkpoints");
    }

    /** Where a stop with a savepoint writes it when no directory is given ({@code dubstream job --stop}). */
    public Path savepoints() {
        return root.resolve("savepoints");
    }

    /** The processes' working directories and temporary files (blobs, spills); removed on stop. */
    public Path work() {
        return root.resolve("work");
    }
}
