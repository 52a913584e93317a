package io.dubstream.job.cluster;

import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.apache.flink.configuration.ConfigConstants;
import org.apache.flink.configuration.TaskManagerOptions;

/**
 * One JVM of a {@link LocalSessionCluster} ({@code jobmanager}, {@code taskmanager-1}, ...), known by
 * its pid file, so that a later command (stop, kill) finds the process that an earlier one started.
 * A pid counts only while its process runs with this cluster's configuration directory: a stale pid
 * file never makes it signal an unrelated process.
 */
final class ClusterProcess {

    private static final Duration EXIT_WAIT = Duration.ofSeconds(15);

    private final ClusterDirectory dir;
    private final String name;

    ClusterProcess(ClusterDirectory dir, String name) {
        this.dir = dir;
        this.name = name;
    }

    String name() {
        return name;
    }

    /** The process, while it runs. */
    Optional<ProcessHandle> running() {
        Path pidFile = dir.pidFile(name);
        if (!Files.isRegularFile(pidFile)) {
            return Optional.empty();
        }
        long pid;
        try {
            pid = Long.parseLong(Files.readString(pidFile).trim());
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
        return ProcessHandle.of(pid).filter(this::isOurs);
    }

    private boolean isOurs(ProcessHandle process) {
        // a process that has exited (a zombie included) has no command line left to show
        return process.isAlive() && commandLine(process).contains(dir.conf().toString());
    }

    /**
     * The process's command line. Linux's {@code /proc/PID/cmdline} has all of it, where
     * {@link ProcessHandle.Info#arguments()} gives nothing for command lines over 4 KiB (a classpath
     * of a hundred jars is longer).
     */
    private static List<String> commandLine(ProcessHandle process) {
        try {
            String cmdline = Files.readString(Path.of("/proc", Long.toString(process.pid()), "cmdline"));
            return cmdline.isEmpty() ? List.of() : List.of(cmdline.split("\0"));
        } catch (IOException e) {
            return process.info().arguments().map(List::of).orElse(List.of());
        }
    }

    /** The TaskManager's resource id (how the JobManager and the web UI name it), while it runs. */
    Optional<String> resourceId() {
        return running().flatMap(p -> FlinkCommandLine.dynamicProperty(commandLine(p),
                TaskManagerOptions.TASK_MANAGER_RESOURCE_ID.key()));
    }

    /**
     * Starts the process with its output appended to its {@code .out} file and writes its pid file.
     * The process outlives this JVM.
     */
    ProcessHandle start(List<String> command) throws IOException {
        running().ifPresent(p -> {
            throw new IllegalStateException(name + " is already running (pid " + p.pid() + ")");
        });
        Files.createDirectories(dir.logs());
        ProcessBuilder builder = new ProcessBuilder(command);
        // where Flink looks for its plugins (the Prometheus reporter): the cluster's, not ./plugins
        builder.environment().put(ConfigConstants.ENV_FLINK_PLUGINS_DIR, dir.plugins().toString());
        Process process = builder
                .redirectErrorStream(true)
                .redirectOutput(Redirect.appendTo(dir.stdoutFile(name).toFile()))
                .start();
        // written whole or not at all: a reader never sees half a pid
        Path written = Files.writeString(dir.pidFile(name).resolveSibling(name + ".pid.new"), process.pid() + "\n");
        Files.move(written, dir.pidFile(name), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return process.toHandle();
    }

    /**
     * Kills the process with SIGKILL, as a crash or the kernel's OOM killer would, and waits until it
     * is gone. The pid file stays: the process still belongs to the cluster, as one that is down.
     */
    long kill() {
        ProcessHandle process = running().orElseThrow(() -> new IllegalStateException(name + " is not running"));
        process.destroyForcibly();
        awaitExit(process, EXIT_WAIT);
        return process.pid();
    }

    /** Whether the process has a pid file, running or not: it is part of the cluster until stopped. */
    boolean belongsToCluster() {
        return Files.isRegularFile(dir.pidFile(name));
    }

    /**
     * Asks the process to shut down (SIGTERM), kills it if it is still there after {@code grace}, and
     * removes its pid file. Returns whether it was running.
     */
    boolean stop(Duration grace) {
        Optional<ProcessHandle> process = running();
        if (process.isPresent()) {
            process.get().destroy();
            if (!awaitExit(process.get(), grace)) {
                process.get().destroyForcibly();
                awaitExit(process.get(), EXIT_WAIT);
            }
        }
        deletePidFile();
        return process.isPresent();
    }

    private boolean awaitExit(ProcessHandle process, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (isOurs(process)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    private void deletePidFile() {
        try {
            Files.deleteIfExists(dir.pidFile(name));
        } catch (IOException e) {
            // a pid file without its process counts as not running anyway
        }
    }
}
