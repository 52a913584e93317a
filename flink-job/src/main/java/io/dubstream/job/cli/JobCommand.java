package io.dubstream.job.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
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

/**
 * {@code dubstream job}: runs the job on a local Flink cluster with its web UI until Ctrl-C, or
 * submits it to a running cluster ({@code --cluster}).
 */
@Command(name = "job", mixinStandardHelpOptions = true,
        description = {"Runs the dubstream job on a local Flink cluster (with the Flink web UI) until Ctrl-C, "
                + "reading and writing the dubstream topics of a Kafka cluster; with --cluster, submits it to a "
                + "running Flink cluster instead.",
            "Any job option of docs/configuration.md can be given with --set KEY=VALUE."})
final class JobCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--bootstrap", required = true, paramLabel = "HOST:PORT", description = "Kafka bootstrap servers.")
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

    @Override
    public Integer call() throws Exception {
        Map<String, String> all = new LinkedHashMap<>(run.settings);
        all.put(DubstreamOptions.BOOTSTRAP_SERVERS.key(), bootstrap);
        all.put(DubstreamOptions.MODEL.key(), run.model);
        all.put(DubstreamOptions.VOICE_MODEL.key(), run.voice);
        all.put(DubstreamOptions.INFERENCE_DEVICE.key(), run.device);
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
            flink.awaitRunning(job, java.time.Duration.ofSeconds(60));
            spec.commandLine().getOut().println("dubstream job " + job + " running with model " + run.model
                    + "; Flink web UI at " + flink.webUi() + "; Ctrl-C stops it");
            spec.commandLine().getOut().flush();
            CountDownLatch stop = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "job-shutdown"));
            while (!stop.await(2, java.util.concurrent.TimeUnit.SECONDS)) {
                var status = flink.status(job);
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
                + run.model + " in " + submission.jobJar().getFileName() + "; Flink web UI at " + submission.webUi(job));
        if (detached) {
            out.flush();
            return DubstreamCli.EXIT_OK;
        }
        out.println("following the job until it ends; Ctrl-C stops following, the job keeps running on the cluster");
        out.flush();
        out.println("the job ended as " + submission.awaitEnd(job));
        return DubstreamCli.EXIT_OK;
    }
}
