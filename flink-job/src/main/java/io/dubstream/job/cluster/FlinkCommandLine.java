package io.dubstream.job.cluster;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessSpec;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessUtils;
import org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint;
import org.apache.flink.runtime.jobmanager.JobManagerProcessSpec;
import org.apache.flink.runtime.jobmanager.JobManagerProcessUtils;
import org.apache.flink.runtime.taskexecutor.TaskManagerRunner;
import org.apache.flink.runtime.util.config.memory.ProcessMemoryUtils;

/**
 * The {@code java} command lines of a JobManager and a TaskManager, as Flink's own start scripts
 * build them: heap, direct and metaspace limits derived from the process memory in the
 * configuration (with Flink's memory model), the derived memory settings as dynamic properties
 * (a TaskManager refuses to start without them), the JDK 17 module openings Flink needs, the log
 * file, then the entry point with {@code --configDir}; a TaskManager's own Prometheus port too.
 */
final class FlinkCommandLine {

    /** Packages of java.base that Flink's serializers reach into on JDK 17 (flink-dist opens them too). */
    private static final List<String> OPENED_PACKAGES = List.of("java.lang", "java.lang.reflect", "java.io", "java.net",
            "java.nio", "sun.nio.ch", "java.text", "java.time", "java.util", "java.util.concurrent",
            "java.util.concurrent.atomic", "java.util.concurrent.locks");
    private static final List<String> EXPORTED_PACKAGES = List.of("java.base/sun.net.util",
            "java.rmi/sun.rmi.registry", "java.security.jgss/sun.security.krb5");

    private FlinkCommandLine() {}

    static List<String> jobManager(ClusterDirectory dir, Configuration conf, String classpath) {
        JobManagerProcessSpec memory = JobManagerProcessUtils.processSpecFromConfig(conf);
        return command(dir, "jobmanager", classpath,
                JobManagerProcessUtils.generateJvmParametersStr(memory, conf),
                StandaloneSessionClusterEntrypoint.class.getName(),
                JobManagerProcessUtils.generateDynamicConfigsStr(memory), List.of());
    }

    static List<String> taskManager(ClusterDirectory dir, Configuration conf, String classpath, String name,
            String resourceId) {
        TaskExecutorProcessSpec memory = TaskExecutorProcessUtils.processSpecFromConfig(conf);
        List<String> properties = new ArrayList<>(
                List.of("-D", TaskManagerOptions.TASK_MANAGER_RESOURCE_ID.key() + "=" + resourceId));
        // its own Prometheus port, beside the JobManager's of the configuration
        PrometheusEndpoints.port(conf, name)
                .ifPresent(port -> properties.addAll(List.of("-D", PrometheusEndpoints.PORT_KEY + "=" + port)));
        return command(dir, name, classpath, ProcessMemoryUtils.generateJvmParametersStr(memory),
                TaskManagerRunner.class.getName(), TaskExecutorProcessUtils.generateDynamicConfigsStr(memory),
                properties);
    }

    /** The value of the dynamic property {@code key} in a command line built here, if it has one. */
    static Optional<String> dynamicProperty(List<String> command, String key) {
        for (int i = 0; i + 1 < command.size(); i++) {
            if (command.get(i).equals("-D") && command.get(i + 1).startsWith(key + "=")) {
                return Optional.of(command.get(i + 1).substring(key.length() + 1));
            }
        }
        return Optional.empty();
    }

    private static List<String> command(ClusterDirectory dir, String name, String classpath, String memoryFlags,
            String mainClass, String memoryProperties, List<String> moreProperties) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(words(memoryFlags));
        for (String pkg : OPENED_PACKAGES) {
            command.add("--add-opens=java.base/" + pkg + "=ALL-UNNAMED");
        }
        for (String pkg : EXPORTED_PACKAGES) {
            command.add("--add-exports=" + pkg + "=ALL-UNNAMED");
        }
        command.add("-Dlog.file=" + dir.logFile(name));
        command.add("-Dlog4j.configurationFile=" + dir.loggingFile().toUri());
        // models come from Maven jars, never from the network
        command.add("-Dai.djl.offline=true");
        command.add("-cp");
        command.add(classpath);
        command.add(mainClass);
        command.add("--configDir");
        command.add(dir.conf().toString());
        // "-D key=value ..." pairs, split the way the start scripts split them
        command.addAll(words(memoryProperties));
        command.addAll(moreProperties);
        return command;
    }

    private static List<String> words(String s) {
        return s.isBlank() ? List.of() : List.of(s.trim().split("\\s+"));
    }
}
