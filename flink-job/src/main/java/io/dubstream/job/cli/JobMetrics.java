package io.dubstream.job.cli;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.flink.api.common.JobID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Reads a running job's operator metrics through Flink's REST API (what the web UI shows), aggregated
 * over the subtasks of a vertex: {@code /jobs/<id>/vertices/<vertex>/subtasks/metrics}. The REST
 * server refreshes metrics from the TaskManagers at most every {@code metrics.fetcher.update-interval},
 * so {@link #readSettled} reads until two reads in a row agree.
 */
final class JobMetrics {

    /** How the subtasks' values combine, as the REST API's {@code agg} parameter. */
    enum Aggregate { SUM, MAX }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final ObjectMapper json = new ObjectMapper();
    private final URI rest;
    private final JobID job;

    JobMetrics(URI rest, JobID job) {
        this.rest = rest;
        this.job = job;
    }

    /**
     * The metrics {@code names} of the operator whose vertex name starts with {@code vertexPrefix},
     * each aggregated as given; a metric the operator does not have is left out.
     */
    Map<String, Long> read(String vertexPrefix, Map<String, Aggregate> names) throws IOException, InterruptedException {
        String vertex = null;
        for (JsonNode v : get("/jobs/" + job).path("vertices")) {
            if (v.path("name").asText().startsWith(vertexPrefix)) {
                vertex = v.path("id").asText();
            }
        }
        if (vertex == null) {
            throw new IOException("job " + job + " has no vertex named " + vertexPrefix + "...");
        }
        String path = "/jobs/" + job + "/vertices/" + vertex + "/subtasks/metrics";
        Map<String, String> ids = new LinkedHashMap<>(); // full metric id (operator name + "." + name) -> name
        for (JsonNode m : get(path)) {
            String id = m.path("id").asText();
            names.keySet().stream().filter(n -> id.equals(n) || id.endsWith("." + n)).findFirst()
                    .ifPresent(n -> ids.put(id, n));
        }
        Map<String, Long> values = new LinkedHashMap<>();
        if (ids.isEmpty()) {
            return values;
        }
        String query = "?get=" + URLEncoder.encode(String.join(",", ids.keySet()), StandardCharsets.UTF_8)
                + "&agg=sum,max";
        for (JsonNode m : get(path + query)) {
            String name = ids.get(m.path("id").asText());
            if (name != null) {
                String agg = names.get(name) == Aggregate.SUM ? "sum" : "max";
                values.put(name, Math.round(m.path(agg).asDouble()));
            }
        }
        return values;
    }

    /**
     * As {@link #read}, repeated {@code interval} apart until two reads in a row agree (at most
     * {@code tries} reads): the REST server may answer the first from before its next fetch.
     */
    Map<String, Long> readSettled(String vertexPrefix, Map<String, Aggregate> names, Duration interval, int tries)
            throws IOException, InterruptedException {
        Map<String, Long> previous = read(vertexPrefix, names);
        for (int i = 1; i < tries; i++) {
            Thread.sleep(interval.toMillis());
            Map<String, Long> latest = read(vertexPrefix, names);
            if (latest.equals(previous)) {
                return latest;
            }
            previous = latest;
        }
        return previous;
    }

    /** Names of {@link #lastCheckpoint()}'s figures. */
    static final String CHECKPOINT_BYTES = "lastCheckpointBytes";
    static final String CHECKPOINT_WRITTEN_BYTES = "lastCheckpointWrittenBytes";
    static final String CHECKPOINTS_COMPLETED = "checkpointsCompleted";
    static final String CHECKPOINT_PEAK_BYTES = "peakCheckpointBytes";
    static final String CHECKPOINT_PEAK_WRITTEN_BYTES = "peakCheckpointWrittenBytes";

    /**
     * The job's last completed checkpoint, from {@code /jobs/<id>/checkpoints}: its whole state size
     * ({@link #CHECKPOINT_BYTES}), what it wrote ({@link #CHECKPOINT_WRITTEN_BYTES}: less than the whole
     * with incremental checkpoints), how many completed, and the largest of them all
     * ({@link #CHECKPOINT_PEAK_BYTES}, {@link #CHECKPOINT_PEAK_WRITTEN_BYTES}: the state with the most
     * in flight); empty when none completed.
     */
    Map<String, Long> lastCheckpoint() throws IOException, InterruptedException {
        JsonNode checkpoints = get("/jobs/" + job + "/checkpoints");
        JsonNode latest = checkpoints.path("latest").path("completed");
        Map<String, Long> figures = new LinkedHashMap<>();
        if (latest.isMissingNode() || latest.isNull()) {
            return figures;
        }
        figures.put(CHECKPOINT_BYTES, latest.path("state_size").asLong());
        figures.put(CHECKPOINT_WRITTEN_BYTES, latest.path("checkpointed_size").asLong());
        figures.put(CHECKPOINTS_COMPLETED, checkpoints.path("counts").path("completed").asLong());
        JsonNode summary = checkpoints.path("summary");
        figures.put(CHECKPOINT_PEAK_BYTES, summary.path("state_size").path("max").asLong());
        figures.put(CHECKPOINT_PEAK_WRITTEN_BYTES, summary.path("checkpointed_size").path("max").asLong());
        return figures;
    }

    private JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(rest.resolve(path))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET " + path + ": HTTP " + response.statusCode() + " " + response.body());
        }
        return json.readTree(response.body());
    }
}
