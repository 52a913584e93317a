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

    private JsonNode get(String path) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT).GET().build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while asking " + request.uri(), e);
        }
        if (response.statusCode() != 200) {
            throw new IOException(request.uri() + " answered " + response.statusCode() + ": " + response.body());
        }
        return json.readTree(response.body());
    }
}
