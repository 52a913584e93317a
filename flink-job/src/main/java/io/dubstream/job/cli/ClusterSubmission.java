package io.dubstream.job.cli;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import io.dubstream.job.DubstreamJob;

/**
 * Submits the dubstream job ({@link DubstreamJob#defineKafkaJob}) to a running Flink cluster through
 * its REST endpoint, shipping the jar that holds the job's classes, as {@code flink run} would.
 */
final class ClusterSubmission {

    private final URI cluster;

    /** @param address the cluster's REST (web UI) address: {@code host:port} or {@code http://host:port} */
    ClusterSubmission(String address) {
        URI uri = URI.create(address.contains("://") ? address : "http://" + address);
        if (uri.getHost() == null || uri.getPort() < 0) {
            throw new IllegalArgumentException("--cluster wants HOST:PORT (the REST address of the Flink cluster, "
                    + "e.g. localhost:8081), got '" + address + "'");
        }
        this.cluster = URI.create("http://" + uri.getHost() + ":" + uri.getPort());
    }

    /** The cluster's web UI. */
    URI webUi() {
        return cluster;
    }

    /** Where the web UI shows {@code job}. */
    URI webUi(JobClient job) {
        return URI.create(cluster + "/#/job/running/" + job.getJobID() + "/overview");
    }

    /** Submits the job and returns once the cluster has accepted it. */
    JobClient submit(Configuration conf, int parallelism, String jobName) throws Exception {
        String[] jars = jobJar().map(jar -> new String[] {jar.toString()}).orElse(new String[0]);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createRemoteEnvironment(cluster.getHost(),
                cluster.getPort(), conf, jars);
        env.setParallelism(parallelism);
        DubstreamJob.defineKafkaJob(env, conf);
        return env.executeAsync(jobName);
    }

    /**
     * Follows the job until it ends and returns how: {@code FINISHED} or {@code CANCELED}; a job that
     * failed (its restart strategy gave up) is an error.
     */
    JobStatus awaitEnd(JobClient job) throws Exception {
        while (true) {
            JobStatus status = job.getJobStatus().get(30, TimeUnit.SECONDS);
            if (status == JobStatus.FAILED) {
                throw new IllegalStateException("the job failed; its exceptions are in the web UI at " + webUi(job));
            }
            if (status.isGloballyTerminalState()) {
                return status;
            }
            Thread.sleep(2000);
        }
    }

    /**
     * The jar with the job's classes ({@code dubstream-flink-job.jar}), shipped with the job; its
     * dependencies ({@code lib/}) must be on the cluster's classpath. Empty when the classes are not
     * in a jar (run from an IDE's class folder), in which case the cluster must have them too.
     */
    static Optional<Path> jobJar() {
        try {
            Path location = Path.of(DubstreamJob.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return Files.isRegularFile(location) && location.getFileName().toString().endsWith(".jar")
                    ? Optional.of(location) : Optional.empty();
        } catch (URISyntaxException | SecurityException e) {
            return Optional.empty();
        }
    }
}
