package io.dubstream.job.cli;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import io.dubstream.job.DubstreamJob;

/**
 * Submits the dubstream job ({@link DubstreamJob#defineKafkaJob}) to a running Flink cluster through
 * its REST endpoint, shipping the self-contained job jar ({@code dubstream-flink-job-<version>-job.jar}:
 * the job's classes and every dependency but Flink's), as {@code flink run} would: the cluster needs
 * nothing but Flink.
 */
final class ClusterSubmission {

    /** How the build names the self-contained job jar: {@code dubstream-flink-job-<version>-job.jar}. */
    static final String JOB_JAR_GLOB = "dubstream-flink-job-*-job.jar";

    private final URI cluster;
    private final Path jar;

    /** @param address the cluster's REST (web UI) address: {@code host:port} or {@code http://host:port} */
    ClusterSubmission(String address) {
        this(address, null);
    }

    /**
     * @param address the cluster's REST (web UI) address: {@code host:port} or {@code http://host:port}
     * @param jar the self-contained job jar to ship, or null for the build's ({@link #jobJar()})
     */
    ClusterSubmission(String address, Path jar) {
        this.jar = jar;
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
        String[] jars = {jobJar().toString()};
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
     * The jar shipped with the job: the one given, else the one the build wrote beside the launcher's
     * classes ({@code flink-job/target/}{@value #JOB_JAR_GLOB}).
     */
    Path jobJar() throws IOException {
        if (jar != null) {
            if (!Files.isRegularFile(jar)) {
                throw new IllegalArgumentException("--jar " + jar + ": no such file");
            }
            return jar;
        }
        return jobJarIn(launcherDirectory().orElseThrow(() -> new IllegalArgumentException("cannot tell where the "
                + "launcher's classes are: pass the self-contained job jar with --jar")));
    }

    /** The one self-contained job jar the build wrote into {@code target}. */
    static Path jobJarIn(Path target) throws IOException {
        List<Path> found = new ArrayList<>();
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(target, JOB_JAR_GLOB)) {
            jars.forEach(found::add);
        }
        if (found.size() == 1) {
            return found.get(0);
        }
        if (found.isEmpty()) {
            throw new IllegalArgumentException("no self-contained job jar (" + JOB_JAR_GLOB + ") in " + target
                    + ": build it with `mvn package -pl flink-job -am`, or pass one with --jar");
        }
        throw new IllegalArgumentException("several job jars in " + target + " " + found.stream().map(Path::getFileName)
                .sorted().toList() + ": remove the old ones (mvn clean) or pass one with --jar");
    }

    /**
     * The build's directory ({@code flink-job/target}): the one holding the jar with the launcher's
     * classes, or above the class folder of a build run in place ({@code target/classes}).
     */
    private static Optional<Path> launcherDirectory() {
        try {
            Path location = Path.of(DubstreamJob.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return Optional.ofNullable(location.toAbsolutePath().getParent());
        } catch (URISyntaxException | SecurityException | NullPointerException e) {
            return Optional.empty();
        }
    }
}
