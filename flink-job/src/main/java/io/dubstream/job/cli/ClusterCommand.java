package io.dubstream.job.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

import org.apache.flink.configuration.MemorySize;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import io.dubstream.connectors.cli.DubstreamCli;
import io.dubstream.job.cluster.ClusterDirectory;
import io.dubstream.job.cluster.FlinkClasspath;
import io.dubstream.job.cluster.LocalClusterSpec;
import io.dubstream.job.cluster.LocalSessionCluster;

/**
 * {@code dubstream cluster start|stop|status|kill-taskmanager|start-taskmanager}: a Flink session
 * cluster of separate JVMs on this machine (a JobManager with the web UI, TaskManagers), for
 * submitting the job with {@code dubstream job --cluster} and killing TaskManagers under it.
 * {@code deploy/local-cluster.sh} runs these commands.
 */
@Command(name = "cluster", mixinStandardHelpOptions = true,
        description = {"A local Flink session cluster of separate processes: a JobManager with the web UI and "
                + "TaskManagers, with only Flink's jars (as Maven resolved them) on their classpath. Submit to it with "
                + "`dubstream job --cluster localhost:8081`."},
        subcommands = {
            ClusterCommand.Start.class,
            ClusterCommand.Stop.class,
            ClusterCommand.Status.class,
            ClusterCommand.KillTaskManager.class,
            ClusterCommand.StartTaskManager.class
        })
final class ClusterCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return DubstreamCli.EXIT_USAGE;
    }

    /** A cluster command: the cluster's directory, and where to print. */
    abstract static class ClusterSubcommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        DirectoryOption dir;

        @Override
        public final Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            run(dir.directory(), out);
            out.flush();
            return DubstreamCli.EXIT_OK;
        }

        abstract void run(ClusterDirectory directory, PrintWriter out) throws Exception;
    }

    /** The cluster's directory, an option of every cluster command. */
    static final class DirectoryOption {
        @Option(names = "--dir", paramLabel = "DIR", defaultValue = "out/local-cluster",
                description = "The cluster's configuration, logs, pid files and checkpoints (default: ${DEFAULT-VALUE}).")
        Path dir;

        ClusterDirectory directory() {
            return new ClusterDirectory(dir);
        }
    }

    @Command(name = "start", mixinStandardHelpOptions = true,
            description = "Starts the JobManager and the TaskManagers and returns once all have registered.")
    static final class Start extends ClusterSubcommand {
        @Option(names = "--rest-port", paramLabel = "PORT", defaultValue = "" + LocalClusterSpec.DEFAULT_REST_PORT,
                description = "The web UI and REST port (default: ${DEFAULT-VALUE}).")
        int restPort;

        @Option(names = "--rpc-port", paramLabel = "PORT", defaultValue = "" + LocalClusterSpec.DEFAULT_RPC_PORT,
                description = "The JobManager's RPC port (default: ${DEFAULT-VALUE}).")
        int rpcPort;

        @Option(names = "--metrics-port", paramLabel = "PORT", defaultValue = "" + LocalClusterSpec.DEFAULT_METRICS_PORT,
                description = "Flink's Prometheus reporter: the JobManager's metrics on this port, TaskManager N's on "
                        + "PORT+N, at http://localhost:PORT/metrics; 0 turns it off (default: ${DEFAULT-VALUE}).")
        int metricsPort;

        @Option(names = "--taskmanagers", paramLabel = "N", defaultValue = "2",
                description = "TaskManagers to start (default: ${DEFAULT-VALUE}).")
        int taskManagers;

        @Option(names = "--slots", paramLabel = "N", defaultValue = "2",
                description = "Slots per TaskManager (default: ${DEFAULT-VALUE}).")
        int slots;

        @Option(names = "--jobmanager-memory", paramLabel = "SIZE", defaultValue = "768m",
                description = "The JobManager's process memory (default: ${DEFAULT-VALUE}).")
        String jobManagerMemory;

        @Option(names = "--taskmanager-memory", paramLabel = "SIZE", defaultValue = "1g",
                description = "Each TaskManager's process memory (default: ${DEFAULT-VALUE}).")
        String taskManagerMemory;

        @Override
        void run(ClusterDirectory directory, PrintWriter out) throws Exception {
            LocalClusterSpec clusterSpec = new LocalClusterSpec(restPort, rpcPort, taskManagers, slots,
                    MemorySize.parse(jobManagerMemory), MemorySize.parse(taskManagerMemory), metricsPort);
            out.println("starting a JobManager and " + taskManagers + " TaskManagers in " + directory.root()
                    + " ...");
            out.flush();
            LocalSessionCluster cluster = LocalSessionCluster.start(directory, clusterSpec, FlinkClasspath.ofBuild(),
                    Optional.of(FlinkClasspath.pluginsOfBuild()));
            cluster.status().lines().forEach(out::println);
            out.println("logs in " + directory.logs() + ", checkpoints in " + directory.checkpoints());
            out.println("submit: deploy/dubstream job --cluster " + cluster.restAddress()
                    + " --bootstrap HOST:PORT; stop: deploy/local-cluster.sh stop");
        }
    }

    @Command(name = "stop", mixinStandardHelpOptions = true,
            description = "Stops every process of the cluster (its jobs end with it); logs and checkpoints stay.")
    static final class Stop extends ClusterSubcommand {
        @Override
        void run(ClusterDirectory directory, PrintWriter out) {
            if (!Files.isRegularFile(directory.configFile())) {
                out.println("no local cluster in " + directory.root());
                return;
            }
            List<String> stopped = LocalSessionCluster.in(directory).stop();
            out.println(stopped.isEmpty() ? "nothing was running in " + directory.root()
                    : "stopped " + String.join(", ", stopped));
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Shows the cluster's processes, the registered TaskManagers and the jobs.")
    static final class Status extends ClusterSubcommand {
        @Override
        void run(ClusterDirectory directory, PrintWriter out) throws Exception {
            LocalSessionCluster.in(directory).status().lines().forEach(out::println);
        }
    }

    @Command(name = "kill-taskmanager", mixinStandardHelpOptions = true,
            description = "Kills TaskManager N with SIGKILL, as a crash would; its jobs restart from their last "
                    + "checkpoint on the slots left.")
    static final class KillTaskManager extends ClusterSubcommand {
        @Parameters(paramLabel = "N", defaultValue = "1", description = "Which TaskManager (default: ${DEFAULT-VALUE}).")
        int n;

        @Override
        void run(ClusterDirectory directory, PrintWriter out) {
            long pid = LocalSessionCluster.in(directory).killTaskManager(n);
            out.println("killed taskmanager-" + n + " (pid " + pid + ") with SIGKILL");
        }
    }

    @Command(name = "start-taskmanager", mixinStandardHelpOptions = true,
            description = "Starts TaskManager N (again) and returns once it has registered.")
    static final class StartTaskManager extends ClusterSubcommand {
        @Parameters(paramLabel = "N", defaultValue = "1", description = "Which TaskManager (default: ${DEFAULT-VALUE}).")
        int n;

        @Override
        void run(ClusterDirectory directory, PrintWriter out) throws Exception {
            String id = LocalSessionCluster.in(directory).startTaskManager(n);
            out.println("taskmanager-" + n + " registered as " + id);
        }
    }
}
