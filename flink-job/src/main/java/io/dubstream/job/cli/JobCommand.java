package io.dubstream.job.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import io.dubstream.connectors.cli.DubstreamCli;
import io.dubstream.job.DubstreamJob;
import io.dubstream.job.DubstreamOptions;
import io.dubstream.job.cluster.ClusterRestApi;
import io.dubstream.job.cluster.SavepointStop;

/**
 * {@code dubstream job}: runs the job on a local Flink cluster with its web UI until Ctrl-C, or
 * submits it to a running cluster ({@code --cluster}), from a savepoint when given one
 * ({@code --from-savepoint}); or stops a job on a cluster with a savepoint ({@code --stop}).
 */
@Command(name = "job", mixinStandardHelpOptions = true,
        description = {"Runs the dubstream job on a local Flink cluster (with the Flink web UI) until Ctrl-C, "
                + "reading and writing the dubstream topics of a Kafka cluster; with --cluster, submits it to a "
                + "running Flink cluster instead.",
            "Any job option of docs/configuration.md can be given with --set KEY=VALUE.",
            "Upgrade (e.g. another --model or --voice): job --cluster HOST:PORT --stop JOB_ID prints the savepoint's "
                + "path; job --cluster HOST:PORT --from-savepoint PATH --model NEW ... resumes from it, and the new "
                + "model takes over from the next chunk."})
final class JobCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    /** How long {@code --stop} waits for the savepoint and the job's end. */
    static final Duration STOP_TIMEOUT = Duration.ofMinutes(5);

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT",
            description = "Kafka bootstrap servers (required unless --stop).")
    String bootstrap;

    @Mixin
    JobRunOptions run;

    @Option(names = "--cluster", paramLabel = "HOST:PORT",
            description = "Submit the job to this running Flink cluster (its REST / web UI address, e.g. localhost:8081 "
                    + "of deploy/local-cluster.sh) instead of starting a local one; it checkpoints and restarts as "
                    + "that cluster is configured.")
    String cluster;

    @Option(names = "--jar", paramLabel = "FILE",
            description = "With --cluster: the self-contained job jar to ship (default: the build's "
                    + "flink-job/target/" + ClusterSubmission.JOB_JAR_GLOB + "; Flink's jars are all the cluster needs).")
    Path jar;

    @Option(names = "--detached",
            description = "With --cluster: return once the job is submitted, instead of following it until it ends.")
    boolean detached;

    @Option(names = "--from-savepoint", paramLabel = "PATH",
            description = "Start the job from this savepoint (or retained checkpoint) instead of empty: it goes on with "
                    + "the clips in progress where the savepoint left them. Another --model, --voice or --set may be "
                    + "given than the stopped job's: chunks not yet merged run on the new model.")
    String fromSavepoint;

    @Option(names = "--stop", paramLabel = "JOB_ID",
            description = "With --cluster: stop this job with a savepoint (canonical format; the sinks commit their "
                    + "last output) and print the savepoint's path, for --from-savepoint.")
    String stop;

    @Option(names = "--savepoint-dir", paramLabel = "DIR",
            description = "With --stop: where the savepoint goes (a path or URI the JobManager and TaskManagers can "
                    + "write; default: the cluster's execution.checkpointing.savepoint-dir).")
    String savepointDir;

    @Override
    public Integer call() throws Exception {
        if (stop != null) {
            return stopWithSavepoint();
        }
        if (savepointDir != null) {
            throw new IllegalArgumentException("--savepoint-dir goes with --stop");
        }
        if (bootstrap == null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "Missing required option: '--bootstrap=HOST:PORT'");
        }
        Map<String, String> all = new LinkedHashMap<>(run.settings);
        all.put(DubstreamOptions.BOOTSTRAP_SERVERS.key(), bootstrap);
        all.put(DubstreamOptions.MODEL.key(), run.model);
        all.put(DubstreamOptions.VOICE_MODEL.key(), run.voice);
        all.put(DubstreamOptions.INFERENCE_DEVICE.key(), run.device);
        if (fromSavepoint != null) {
            all.put(StateRecoveryOptions.SAVEPOINT_PATH.key(), fromSavepoint);
        }
        if (cluster != null) {
            return submitToCluster(Configuration.fromMap(all));
        }
        if (jar != null) {
            throw new IllegalArgumentException("--jar goes with --cluster: a local cluster runs the job from this "
                    + "command's classes");
        }
        if (detached) {
            throw new IllegalArgumentException("--detached goes with --cluster: a local cluster lives only as long as "
                    + "this command");
        }
        try (LocalFlinkCluster flink = LocalFlinkCluster.start(run.parallelism)) {
            Configuration conf = flink.withLocalCheckpoints(Configuration.fromMap(all));
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
            env.setParallelism(run.parallelism);
            DubstreamJob.defineKafkaJob(env, conf);
            JobID job = flink.submit(env, "dubstream (" + run.model + ")");
            flink.awaitRunning(job, Duration.ofSeconds(60));
            spec.commandLine().getOut().println("dubstream job " + job + " running with model " + run.model
                    + restoredFrom() + "; Flink web UI at " + flink.webUi() + "; Ctrl-C stops it");
            spec.commandLine().getOut().flush();
            CountDownLatch stop = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "job-shutdown"));
            while (!stop.await(2, java.util.concurrent.TimeUnit.SECONDS)) {
                var status = flink.status(job);
                if (status == JobStatus.FINISHED) {
                    // stopped with a savepoint (job --cluster <this web UI> --stop)
                    spec.commandLine().getOut().println("the job finished (stopped with a savepoint: "
                            + "--from-savepoint resumes from it)");
                    return DubstreamCli.EXIT_OK;
                }
                if (status.isGloballyTerminalState()) {
                    throw new IllegalStateException("the job ended as " + status);
                }
            }
        }
        return 0;
    }

    /** Submits to {@link #cluster}; attached, follows the job until it ends (Ctrl-C leaves it running). */
    private int submitToCluster(Configuration conf) throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        ClusterSubmission submission = new ClusterSubmission(cluster, jar);
        JobClient job = submission.submit(conf, run.parallelism, "dubstream (" + run.model + ")");
        out.println("dubstream job " + job.getJobID() + " submitted to " + submission.webUi() + " with model "
                + run.model + restoredFrom() + " in " + submission.jobJar().getFileName() + "; Flink web UI at "
                + submission.webUi(job));
        if (detached) {
            out.flush();
            return DubstreamCli.EXIT_OK;
        }
        out.println("following the job until it ends; Ctrl-C stops following, the job keeps running on the cluster");
        out.flush();
        out.println("the job ended as " + submission.awaitEnd(job));
        return DubstreamCli.EXIT_OK;
    }

    /** {@code --stop}: the job on {@link #cluster} stopped with a savepoint, whose path is printed. */
    private int stopWithSavepoint() throws Exception {
        if (cluster == null) {
            throw new IllegalArgumentException("--stop goes with --cluster HOST:PORT, the cluster that runs the job");
        }
        if (fromSavepoint != null || detached || jar != null) {
            throw new IllegalArgumentException("--stop stops a job: --from-savepoint, --detached and --jar go with "
                    + "submitting one");
        }
        if (!stop.matches("[0-9a-f]{32}")) {
            throw new IllegalArgumentException("--stop wants a job id (32 hex digits, as job --cluster printed it), got '"
                    + stop + "'");
        }
        ClusterSubmission submission = new ClusterSubmission(cluster);
        PrintWriter out = spec.commandLine().getOut();
        out.println("stopping job " + stop + " on " + submission.webUi() + " with a savepoint");
        out.flush();
        String savepoint = new SavepointStop(new ClusterRestApi(submission.webUi()), STOP_TIMEOUT).stop(stop,
                savepointDir);
        out.println("job " + stop + " stopped with savepoint " + savepoint);
        out.println("resume with: dubstream job --cluster " + cluster + " --from-savepoint " + savepoint
                + " --bootstrap HOST:PORT [--model NAME] [--voice NAME]");
        out.flush();
        return DubstreamCli.EXIT_OK;
    }

    private String restoredFrom() {
        return fromSavepoint == null ? "" : ", from savepoint " + fromSavepoint;
    }
}
