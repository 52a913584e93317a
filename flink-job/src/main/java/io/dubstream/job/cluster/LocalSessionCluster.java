package io.dubstream.job.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ConfigurationUtils;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.RestOptions;

/**
 * A Flink session cluster of separate JVMs on this machine: one JobManager (with the web UI) and
 * TaskManagers {@code 1..n}, started from this JVM's classpath (the launcher's: the job jar and its
 * {@code lib/}, or a test's) or from a class path given at start (only Flink's jars, as a Flink
 * distribution's {@code lib/}), so that TaskManagers can be killed and restarted one by one as on a
 * real cluster. Unlike {@code LocalFlinkCluster} (a MiniCluster inside the calling JVM), its
 * processes outlive the JVM that starts them; a later command finds them through the pid files in
 * the {@link ClusterDirectory}.
 */
public final class LocalSessionCluster implements AutoCloseable {

    public static final String JOB_MANAGER = "jobmanager";
    /** TaskManager {@code n} is the process {@code taskmanager-n}. */
    public static final String TASK_MANAGER_PREFIX = "taskmanager-";

    /** JVMs start slowly on a small machine, several at once even more. */
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);
    private static final Pattern TASK_MANAGER_PID_FILE = Pattern.compile(TASK_MANAGER_PREFIX + "(\\d+)\\.pid");

    private final ClusterDirectory dir;
    private final Configuration conf;
    private final String classpath;
    private final ClusterRestApi rest;
    private Thread killOnExit;

    private LocalSessionCluster(ClusterDirectory dir) {
        this.dir = dir;
        this.conf = GlobalConfiguration.loadConfiguration(dir.conf().toString());
        this.classpath = readClasspath(dir);
        this.rest = new ClusterRestApi(URI.create("http://localhost:" + conf.get(RestOptions.PORT)));
    }

    /**
     * Writes the cluster's configuration into {@code dir}, starts the JobManager and the
     * TaskManagers, and returns once every TaskManager has registered.
     */
    public static LocalSessionCluster start(ClusterDirectory dir, LocalClusterSpec spec) throws IOException {
        return start(dir, spec, System.getProperty("java.class.path"));
    }

    /**
     * As {@link #start(ClusterDirectory, LocalClusterSpec)}, with the processes on {@code classpath}
     * instead of this JVM's: e.g. only Flink's jars, where every job brings its own dependencies in
     * its jar, as on a cluster of Flink's distribution. No Flink plugins: the spec's Prometheus
     * reporter must be off.
     */
    public static LocalSessionCluster start(ClusterDirectory dir, LocalClusterSpec spec, String classpath)
            throws IOException {
        return start(dir, spec, classpath, Optional.empty());
    }

    /**
     * As {@link #start(ClusterDirectory, LocalClusterSpec, String)}, with the Flink plugins of
     * {@code plugins} (a Flink distribution's {@code plugins/}: one sub-directory per plugin, such as
     * {@code flink-job/target/flink-plugins} that the build lays out), copied into the cluster's
     * directory, where every process finds them.
     */
    public static LocalSessionCluster start(ClusterDirectory dir, LocalClusterSpec spec, String classpath,
            Optional<Path> plugins) throws IOException {
        new ClusterProcess(dir, JOB_MANAGER).running().ifPresent(p -> {
            throw new IllegalStateException("a cluster already runs in " + dir.root() + " (jobmanager pid " + p.pid()
                    + "); stop it first");
        });
        requireFreePort(spec.restPort(), "the web UI / REST port");
        requireFreePort(spec.rpcPort(), "the JobManager's RPC port");
        if (spec.metricsPort() != LocalClusterSpec.NO_METRICS) {
            for (int n = 0; n <= spec.taskManagers(); n++) {
                requireFreePort(spec.metricsPort() + n, "the Prometheus port of the "
                        + (n == 0 ? JOB_MANAGER : TASK_MANAGER_PREFIX + n));
            }
        }
        writeConfiguration(dir, spec.flinkConfiguration(dir), classpath);
        copyPlugins(plugins, dir.plugins());
        if (spec.metricsPort() != LocalClusterSpec.NO_METRICS
                && !Files.isDirectory(dir.plugins().resolve(PrometheusEndpoints.PLUGIN))) {
            throw new IllegalStateException("the Prometheus reporter is on (port " + spec.metricsPort() + ") but the"
                    + " cluster has no " + PrometheusEndpoints.PLUGIN + " plugin: give Flink's plugins directory"
                    + " (the build's flink-job/target/flink-plugins) or turn the reporter off");
        }
        LocalSessionCluster cluster = new LocalSessionCluster(dir);
        try {
            cluster.startProcess(JOB_MANAGER, FlinkCommandLine.jobManager(dir, cluster.conf, cluster.classpath));
            List<LaunchedTaskManager> taskManagers = new ArrayList<>();
            for (int n = 1; n <= spec.taskManagers(); n++) {
                taskManagers.add(cluster.launchTaskManager(n));
            }
            cluster.awaitRegistered(taskManagers);
        } catch (IOException | RuntimeException e) {
            cluster.stop();
            throw e;
        }
        return cluster;
    }

    /** The cluster whose files are in {@code dir}, running or not, for the commands that act on it. */
    public static LocalSessionCluster in(ClusterDirectory dir) {
        if (!Files.isRegularFile(dir.configFile())) {
            throw new IllegalStateException("no local cluster in " + dir.root() + ": start one first");
        }
        return new LocalSessionCluster(dir);
    }

    /**
     * Kills every process of the cluster when this JVM exits, however it exits (for tests: no JVM of
     * the cluster outlives the test run). {@link #close()} takes the hook back.
     */
    public LocalSessionCluster killOnExit() {
        if (killOnExit == null) {
            killOnExit = new Thread(this::killAll, "local-cluster-kill-on-exit");
            Runtime.getRuntime().addShutdownHook(killOnExit);
        }
        return this;
    }

    public ClusterDirectory directory() {
        return dir;
    }

    /** The web UI, e.g. {@code http://localhost:8081}; the REST API answers at the same address. */
    public URI webUi() {
        return rest.base();
    }

    /** {@code host:port} of the REST endpoint, where jobs are submitted. */
    public String restAddress() {
        return rest.base().getHost() + ":" + rest.base().getPort();
    }

    public ClusterRestApi rest() {
        return rest;
    }

    /**
     * Where Prometheus scrapes the metrics of {@code process} ({@code jobmanager},
     * {@code taskmanager-N}), e.g. {@code http://localhost:9250/metrics}; empty when the reporter is off.
     */
    public Optional<URI> metricsEndpoint(String process) {
        return PrometheusEndpoints.port(conf, process).map(PrometheusEndpoints::uri);
    }

    /** Kills TaskManager {@code n} with SIGKILL and returns the pid it had. */
    public long killTaskManager(int n) {
        return taskManager(n).kill();
    }

    /** Starts TaskManager {@code n} (again) and returns its resource id once it has registered. */
    public String startTaskManager(int n) throws IOException {
        LaunchedTaskManager tm = launchTaskManager(n);
        awaitRegistered(List.of(tm));
        return tm.resourceId();
    }

    /** The number of the TaskManager whose resource id is {@code resourceId}, if it is one of this cluster's. */
    public Optional<Integer> taskManagerNumber(String resourceId) {
        return taskManagerNumbers().stream()
                .filter(n -> taskManager(n).resourceId().filter(resourceId::equals).isPresent())
                .findFirst();
    }

    /** The processes and what the REST API says. */
    public ClusterStatus status() throws IOException {
        List<ClusterStatus.ProcessState> processes = new ArrayList<>();
        processes.add(state(new ClusterProcess(dir, JOB_MANAGER)));
        for (int n : taskManagerNumbers()) {
            processes.add(state(taskManager(n)));
        }
        Optional<ClusterRestApi.Overview> overview = rest.overview();
        return new ClusterStatus(dir, webUi(), processes, overview,
                overview.isPresent() ? rest.taskManagers() : List.of(),
                overview.isPresent() ? rest.jobs() : List.of());
    }

    /**
     * Stops the TaskManagers, then the JobManager (SIGTERM, SIGKILL after a grace period), and
     * removes their working files; logs and checkpoints stay. Returns the processes that were running.
     */
    public List<String> stop() {
        List<String> stopped = new ArrayList<>();
        for (int n : taskManagerNumbers()) {
            if (taskManager(n).stop(STOP_GRACE)) {
                stopped.add(taskManager(n).name());
            }
        }
        ClusterProcess jobManager = new ClusterProcess(dir, JOB_MANAGER);
        if (jobManager.stop(STOP_GRACE)) {
            stopped.add(jobManager.name());
        }
        deleteRecursively(dir.work());
        return stopped;
    }

    /** Stops the cluster and takes back the {@link #killOnExit()} hook. */
    @Override
    public void close() {
        stop();
        if (killOnExit != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(killOnExit);
            } catch (IllegalStateException e) {
                // this JVM is exiting: the hook runs anyway
            }
            killOnExit = null;
        }
    }

    private void killAll() {
        for (int n : taskManagerNumbers()) {
            taskManager(n).running().ifPresent(ProcessHandle::destroyForcibly);
        }
        new ClusterProcess(dir, JOB_MANAGER).running().ifPresent(ProcessHandle::destroyForcibly);
    }

    private ClusterProcess taskManager(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("TaskManagers are numbered from 1, got " + n);
        }
        return new ClusterProcess(dir, TASK_MANAGER_PREFIX + n);
    }

    /** TaskManagers with a pid file, running or killed. */
    private List<Integer> taskManagerNumbers() {
        try (Stream<Path> files = Files.list(dir.root())) {
            return files.map(f -> TASK_MANAGER_PID_FILE.matcher(f.getFileName().toString()))
                    .filter(Matcher::matches)
                    .map(m -> Integer.parseInt(m.group(1)))
                    .sorted()
                    .collect(Collectors.toList());
        } catch (IOException e) {
            return List.of();
        }
    }

    /** A TaskManager process that was started and the resource id it registers with. */
    private record LaunchedTaskManager(String name, String resourceId) {}

    /**
     * Starts TaskManager {@code n} without waiting for it. Every start gets a new resource id, so that
     * the JobManager tells a restarted TaskManager from the one that was killed.
     */
    private LaunchedTaskManager launchTaskManager(int n) throws IOException {
        ClusterProcess tm = taskManager(n);
        String id = tm.name() + "-" + Long.toString(System.currentTimeMillis(), 36);
        startProcess(tm.name(), FlinkCommandLine.taskManager(dir, conf, classpath, tm.name(), id));
        return new LaunchedTaskManager(tm.name(), id);
    }

    private void startProcess(String name, List<String> command) throws IOException {
        // Flink writes its temporary files there and fails to start without it
        Files.createDirectories(Path.of(conf.get(CoreOptions.TMP_DIRS)));
        new ClusterProcess(dir, name).start(command);
    }

    private void awaitRegistered(List<LaunchedTaskManager> taskManagers) throws IOException {
        List<String> resourceIds = taskManagers.stream().map(LaunchedTaskManager::resourceId).toList();
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (true) {
            requireRunning(JOB_MANAGER);
            taskManagers.forEach(tm -> requireRunning(tm.name()));
            try {
                Set<String> registered = rest.taskManagers().stream().map(ClusterRestApi.TaskManagerSlots::id)
                        .collect(Collectors.toSet());
                if (registered.containsAll(resourceIds)) {
                    return;
                }
            } catch (IOException e) {
                // the JobManager's REST endpoint is not up yet
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("TaskManagers " + resourceIds + " did not register with the JobManager at "
                        + webUi() + " within " + READY_TIMEOUT.toSeconds() + " s; see the logs in " + dir.logs());
            }
            sleep(250);
        }
    }

    private void requireRunning(String name) {
        if (new ClusterProcess(dir, name).running().isEmpty()) {
            throw new IllegalStateException("the " + name + " exited; see " + dir.logFile(name) + " and "
                    + dir.stdoutFile(name));
        }
    }

    private ClusterStatus.ProcessState state(ClusterProcess process) {
        return new ClusterStatus.ProcessState(process.name(), process.running().map(ProcessHandle::pid),
                process.resourceId(), metricsEndpoint(process.name()));
    }

    /**
     * The class path the cluster started with; for a cluster started before there was a record of it,
     * this JVM's (the launcher's: job jar and lib/).
     */
    private static String readClasspath(ClusterDirectory dir) {
        try {
            return Files.isRegularFile(dir.classpathFile()) ? Files.readString(dir.classpathFile()).strip()
                    : System.getProperty("java.class.path");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + dir.classpathFile(), e);
        }
    }

    private static void writeConfiguration(ClusterDirectory dir, Configuration conf, String classpath)
            throws IOException {
        Files.createDirectories(dir.conf());
        Files.writeString(dir.classpathFile(), classpath + System.lineSeparator());
        Files.createDirectories(dir.checkpoints());
        List<String> lines = new ArrayList<>();
        lines.add("# Written by `deploy/local-cluster.sh start` (dubstream cluster start); rewritten on every start.");
        lines.addAll(ConfigurationUtils.convertConfigToWritableLines(conf, true));
        Files.write(dir.configFile(), lines);
        try (InputStream logging = LocalSessionCluster.class.getResourceAsStream("log4j.properties")) {
            Files.write(dir.loggingFile(), logging.readAllBytes());
        }
    }

    /** Replaces {@code target} with a copy of the plugins directory {@code source}, or an empty one. */
    private static void copyPlugins(Optional<Path> source, Path target) throws IOException {
        deleteRecursively(target);
        Files.createDirectories(target);
        if (source.isEmpty()) {
            return;
        }
        if (!Files.isDirectory(source.get())) {
            throw new IllegalStateException("no Flink plugins directory " + source.get() + ": build with `mvn package"
                    + " -pl flink-job -am` (it lays out Flink's plugins for the local cluster)");
        }
        try (Stream<Path> files = Files.walk(source.get())) {
            for (Path file : files.toList()) {
                Path copy = target.resolve(source.get().relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(copy);
                } else {
                    Files.copy(file, copy);
                }
            }
        }
    }

    private static void requireFreePort(int port, String what) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        } catch (IOException e) {
            throw new IllegalStateException("port " + port + " (" + what + ") is in use on localhost: another Flink "
                    + "cluster, `dubstream demo` or `dubstream job`? Stop it or choose another port");
        }
    }

    private static void deleteRecursively(Path path) {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> files = Files.walk(path)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // leftovers of a killed process; the next start does not need them gone
        }
    }

    private static void sleep(long millis) throws IOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the cluster", e);
        }
    }
}
