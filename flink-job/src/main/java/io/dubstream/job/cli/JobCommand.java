package io.dubstream.job.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import io.dubstream.job.DubstreamJob;
import io.dubstream.job.DubstreamOptions;

/** {@code dubstream job}: runs the job on a local Flink cluster with its web UI until Ctrl-C. */
@Command(name = "job", mixinStandardHelpOptions = true,
        description = {"Runs the dubstream job on a local Flink cluster (with the Flink web UI) until Ctrl-C, "
                + "reading and writing the dubstream topics of a Kafka cluster.",
            "Any job option of docs/configuration.md can be given with --set KEY=VALUE."})
final class JobCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--bootstrap", required = true, paramLabel = "HOST:PORT", description = "Kafka bootstrap servers.")
    String bootstrap;

    @Mixin
    JobRunOptions run;

    @Override
    public Integer call() throws Exception {
        Map<String, String> all = new LinkedHashMap<>(run.settings);
        all.put(DubstreamOptions.BOOTSTRAP_SERVERS.key(), bootstrap);
        all.put(DubstreamOptions.MODEL.key(), run.model);
        all.put(DubstreamOptions.VOICE_MODEL.key(), run.voice);
        all.put(DubstreamOptions.INFERENCE_DEVICE.key(), run.device);
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
}
