package io.dubstream.job.cluster;

import java.io.IOException;
import java.time.Duration;

/**
 * Stops a job on a Flink cluster with a savepoint, through the cluster's REST API: triggers the
 * stop, then polls the trigger until the savepoint is written (or failed) and the job has ended.
 * The savepoint is in the canonical format; the job's sinks commit their last transactions as it
 * stops, so a job restored from it ({@code dubstream job --from-savepoint}) writes each output record
 * once across the stop.
 */
public final class SavepointStop {

    private static final long POLL_MILLIS = 500;

    private final ClusterRestApi rest;
    private final Duration timeout;

    public SavepointStop(ClusterRestApi rest, Duration timeout) {
        this.rest = rest;
        this.timeout = timeout;
    }

    /**
     * Stops {@code jobId} with a savepoint in {@code targetDirectory} (null: the cluster's savepoint
     * directory) and returns the savepoint's path once the job has ended.
     *
     * @throws IllegalStateException when the savepoint fails (the job then keeps running, as Flink
     *     leaves it) or does not complete within the timeout
     * @throws IOException when the cluster does not answer, or does not know the job
     */
    public String stop(String jobId, String targetDirectory) throws IOException, InterruptedException {
        String trigger = rest.stopWithSavepoint(jobId, targetDirectory);
        long deadline = System.nanoTime() + timeout.toNanos();
        ClusterRestApi.SavepointOperation operation = rest.savepointOperation(jobId, trigger);
        while (!operation.completed()) {
            checkTime(deadline, "the savepoint of job " + jobId + " did not complete");
            Thread.sleep(POLL_MILLIS);
            operation = rest.savepointOperation(jobId, trigger);
        }
        if (operation.failed()) {
            throw new IllegalStateException("the savepoint of job " + jobId + " failed, the job goes on: "
                    + operation.failure());
        }
        String state = rest.jobState(jobId);
        while (!state.equals("FINISHED")) {
            if (state.equals("FAILED") || state.equals("CANCELED")) {
                throw new IllegalStateException("job " + jobId + " ended as " + state + " after its savepoint "
                        + operation.location());
            }
            checkTime(deadline, "job " + jobId + " did not end after its savepoint " + operation.location());
            Thread.sleep(POLL_MILLIS);
            state = rest.jobState(jobId);
        }
        return operation.location();
    }

    private void checkTime(long deadline, String what) {
        if (System.nanoTime() > deadline) {
            throw new IllegalStateException(what + " within " + timeout.toSeconds() + " s");
        }
    }
}
