package io.dubstream.job.cluster;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What a Flink cluster's REST API (the one behind its web UI) tells about the cluster and its jobs:
 * the few answers the cluster commands and tests read.
 */
public final class ClusterRestApi {

    /** The cluster as {@code /overview} shows it. */
    public record Overview(String flinkVersion, int taskManagers, int slotsTotal, int slotsAvailable,
            int jobsRunning) {}

    /** One registered TaskManager and its slots ({@code /taskmanagers}). */
    public record TaskManagerSlots(String id, int slots, int freeSlots) {
        /** Whether tasks of a job run in it. */
        public boolean busy() {
            return freeSlots < slots;
        }
    }

    /** One job of {@code /jobs/overview}. */
    public record Job(String id, String name, String state) {}

    /**
     * A savepoint operation ({@code /jobs/:id/savepoints/:trigger}): in progress, or completed with
     * the savepoint's location or, when it failed, why.
     */
    public record SavepointOperation(boolean completed, String location, String failure) {
        public boolean failed() {
            return completed && failure != null;
        }
    }

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private final ObjectMapper json = new ObjectMapper();

    public ClusterRestApi(URI base) {
        this.base = base;
    }

    /** The web UI and REST address, e.g. {@code http://localhost:8081}. */
    public URI base() {
        return base;
    }

    /** The cluster's overview, or empty while nothing answers at the address. */
    public Optional<Overview> overview() throws IOException {
        JsonNode o;
        try {
            o = get("/overview");
        } catch (ConnectException e) {
            return Optional.empty();
        }
        return Optional.of(new Overview(o.path("flink-version").asText(), o.path("taskmanagers").asInt(),
                o.path("slots-total").asInt(), o.path("slots-available").asInt(), o.path("jobs-running").asInt()));
    }

    public List<TaskManagerSlots> taskManagers() throws IOException {
        List<TaskManagerSlots> result = new ArrayList<>();
        for (JsonNode tm : get("/taskmanagers").path("taskmanagers")) {
            result.add(new TaskManagerSlots(tm.path("id").asText(), tm.path("slotsNumber").asInt(),
                    tm.path("freeSlots").asInt()));
        }
        return result;
    }

    public List<Job> jobs() throws IOException {
        List<Job> result = new ArrayList<>();
        for (JsonNode job : get("/jobs/overview").path("jobs")) {
            result.add(new Job(job.path("jid").asText(), job.path("name").asText(), job.path("state").asText()));
        }
        return result;
    }

    /** The job's status, e.g. {@code RUNNING}, {@code RESTARTING}, {@code FAILED}. */
    public String jobState(String jobId) throws IOException {
        return get("/jobs/" + jobId).path("state").asText();
    }

    /** Checkpoints of the job that completed, across its restarts. */
    public long completedCheckpoints(String jobId) throws IOException {
        return get("/jobs/" + jobId + "/checkpoints").path("counts").path("completed").asLong();
    }

    /** How often the job was restored from a checkpoint (once per recovery from a failure). */
    public long restoredCheckpoints(String jobId) throws IOException {
        return get("/jobs/" + jobId + "/checkpoints").path("counts").path("restored").asLong();
    }

    /** The savepoint or checkpoint the job was last restored from, or empty when it never was. */
    public Optional<String> restoredFrom(String jobId) throws IOException {
        JsonNode restored = get("/jobs/" + jobId + "/checkpoints").path("latest").path("restored");
        return restored.isMissingNode() || restored.isNull() ? Optional.empty()
                : Optional.of(restored.path("external_path").asText());
    }

    /**
     * Asks the cluster to stop the job with a savepoint in the canonical format, which any later
     * release restores ({@code POST /jobs/:id/stop}, without draining: the sources stop where they are
     * and a restored job goes on from there).
     *
     * @param targetDirectory where the savepoint goes; null for the cluster's
     *     {@code execution.checkpointing.savepoint-dir}
     * @return the trigger id, for {@link #savepointOperation}
     */
    public String stopWithSavepoint(String jobId, String targetDirectory) throws IOException {
        var body = json.createObjectNode().put("drain", false).put("formatType", "CANONICAL");
        if (targetDirectory != null) {
            body.put("targetDirectory", targetDirectory);
        }
        return send(HttpRequest.newBuilder(base.resolve("/jobs/" + jobId + "/stop")).timeout(TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build()).path("request-id").asText();
    }

    /** Where the savepoint operation {@code triggerId} of the job is. */
    public SavepointOperation savepointOperation(String jobId, String triggerId) throws IOException {
        JsonNode answer = get("/jobs/" + jobId + "/savepoints/" + triggerId);
        if (!"COMPLETED".equals(answer.path("status").path("id").asText())) {
            return new SavepointOperation(false, null, null);
        }
        JsonNode operation = answer.path("operation");
        JsonNode cause = operation.path("failure-cause");
        return cause.isMissingNode() || cause.isNull()
                ? new SavepointOperation(true, operation.path("location").asText(), null)
                : new SavepointOperation(true, null, causeOf(cause.path("stack-trace").asText()));
    }

    /** The first line of a failure's stack trace and the last cause it names: the error and its root. */
    static String causeOf(String stackTrace) {
        List<String> lines = stackTrace.lines().toList();
        if (lines.isEmpty()) {
            return "no reason given";
        }
        String root = null;
        for (String line : lines) {
            if (line.startsWith("Caused by: ")) {
                root = line.substring("Caused by: ".length());
            }
        }
        return root == null || root.equals(lines.get(0)) ? lines.get(0) : lines.get(0) + " (caused by " + root + ")";
    }

    private JsonNode get(String path) throws IOException {
        return send(HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT).GET().build());
    }

    /** Sends the request and reads its JSON answer; an answer other than 200 or 202 is an error with its reason. */
    private JsonNode send(HttpRequest request) throws IOException {
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while asking " + request.uri(), e);
        }
        if (response.statusCode() != 200 && response.statusCode() != 202) {
            throw new IOException(request.uri() + " answered " + response.statusCode() + ": " + errors(response.body()));
        }
        return json.readTree(response.body());
    }

    /** The {@code errors} of Flink's error answer, first lines only, or the body when it has none. */
    private String errors(String body) {
        try {
            List<String> errors = new ArrayList<>();
            for (JsonNode e : json.readTree(body).path("errors")) {
                errors.add(e.asText().lines().findFirst().orElse(""));
            }
            return errors.isEmpty() ? body : String.join("; ", errors);
        } catch (IOException e) {
            return body;
        }
    }
}
