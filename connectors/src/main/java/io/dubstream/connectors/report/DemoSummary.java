package io.dubstream.connectors.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.dubstream.connectors.records.ClipRecord;

/**
 * What {@code dubstream demo} wrote about one run in its JSON summary, as far as the report needs it.
 * Figures a summary lacks (older summaries have no {@code peakRssBytes}) are -1.
 *
 * @param file where it was read from
 * @param status the downloaded end-of-clip's status: {@code COMPLETE}, {@code FAILED}, {@code ABORTED}
 * @param mode how the job ran the clip: {@code chunked}, {@code whole}, or {@code none} without a job
 * @param input the clip file the demo uploaded
 * @param processingSeconds from the upload's start to the download's end
 * @param reason why the run failed, where a summary written for a failed run says; empty otherwise
 * @param statusRecords the clip's records on the demo's status topic ({@link StatusRecordsJson}); empty
 *     in summaries from before the demo kept them, and without a job
 */
public record DemoSummary(Path file, String clipId, String status, String mode, int chunks, String input,
        String model, double clipSeconds, double processingSeconds, long framesIn, long framesOut,
        long audioSamplesIn, long audioSamplesOut, long peakHeapBytes, long peakRssBytes, String reason,
        List<ClipRecord> statusRecords) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public DemoSummary {
        statusRecords = List.copyOf(statusRecords);
    }

    /** A summary without status records. */
    public DemoSummary(Path file, String clipId, String status, String mode, int chunks, String input, String model,
            double clipSeconds, double processingSeconds, long framesIn, long framesOut, long audioSamplesIn,
            long audioSamplesOut, long peakHeapBytes, long peakRssBytes) {
        this(file, clipId, status, mode, chunks, input, model, clipSeconds, processingSeconds, framesIn, framesOut,
                audioSamplesIn, audioSamplesOut, peakHeapBytes, peakRssBytes, "", List.of());
    }

    /**
     * Whether the run counts as a success, as the regression set counts it: the clip completed with
     * every frame and every audio sample.
     */
    public boolean complete() {
        return "COMPLETE".equals(status) && framesOut == framesIn && audioSamplesOut == audioSamplesIn;
    }

    /** The clip's seconds per second of processing, or -1 when either is not known. */
    public double realtimeFactor() {
        return clipSeconds > 0 && processingSeconds > 0 ? clipSeconds / processingSeconds : -1;
    }

    /**
     * Reads one summary.
     *
     * @throws IOException when the file cannot be read, is not JSON, or is no demo summary (no
     *     {@code clipId})
     */
    public static DemoSummary read(Path file) throws IOException {
        JsonNode n;
        try {
            n = JSON.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            throw new IOException(file + " is not JSON: " + e.getOriginalMessage(), e);
        }
        if (n == null || !n.isObject() || !n.path("clipId").isTextual()) {
            throw new IOException(file + " is no demo summary: it has no clipId");
        }
        String clipId = n.get("clipId").asText();
        return new DemoSummary(file, clipId, n.path("status").asText(""),
                n.path("mode").asText(""), n.path("chunks").asInt(0), n.path("input").asText(""),
                n.path("model").asText(""), number(n, "clipSeconds"), number(n, "processingSeconds"),
                n.path("framesIn").asLong(-1), n.path("framesOut").asLong(-1), n.path("audioSamplesIn").asLong(-1),
                n.path("audioSamplesOut").asLong(-1), n.path("peakHeapBytes").asLong(-1),
                n.path("peakRssBytes").asLong(-1), n.path("reason").asText(""),
                StatusRecordsJson.fromJson(clipId, n.get("statusRecords")));
    }

    private static double number(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v != null && v.isNumber() ? v.asDouble() : -1;
    }

    /**
     * The summaries at {@code paths}: a file is read as one; a directory gives its {@code *.json}
     * files, in name order (not its subdirectories).
     */
    public static List<DemoSummary> readAll(List<Path> paths) throws IOException {
        List<DemoSummary> summaries = new ArrayList<>();
        for (Path p : paths) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> files = Files.list(p)) {
                    for (Path f : files.filter(f -> f.getFileName().toString().endsWith(".json"))
                            .filter(Files::isRegularFile).sorted().toList()) {
                        summaries.add(read(f));
                    }
                }
            } else if (Files.isRegularFile(p)) {
                summaries.add(read(p));
            } else {
                throw new IOException("no summary file or directory at " + p);
            }
        }
        return summaries;
    }
}
