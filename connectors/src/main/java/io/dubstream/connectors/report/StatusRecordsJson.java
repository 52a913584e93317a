package io.dubstream.connectors.report;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import io.dubstream.connectors.records.ChunkStatus;
import io.dubstream.connectors.records.ClipRecord;
import io.dubstream.connectors.records.ClipStatus;

/**
 * A clip's status records as JSON, so that a demo summary can carry them ({@code statusRecords}) and a
 * report made from summaries alone still has each clip's chart: the demo's in-process broker, and its
 * status topic, are gone when the demo ends.
 */
public final class StatusRecordsJson {

    private StatusRecordsJson() {}

    /** The records as JSON objects (maps, for Jackson to write), in order. */
    public static List<Map<String, Object>> toJson(List<? extends ClipRecord> records) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (ClipRecord r : records) {
            Map<String, Object> m = new LinkedHashMap<>();
            if (r instanceof ChunkStatus s) {
                m.put("chunk", s.getChunkIndex());
                m.put("chunkCount", s.getChunkCount());
                m.put("state", s.getState().name());
                m.put("attempt", s.getAttempt());
                m.put("atMillis", s.getAtMillis());
                m.put("error", s.getError());
                m.put("clipMode", s.getClipMode());
                if (s.hasCore()) {
                    m.put("coreStartMicros", s.getCoreStartMicros());
                    m.put("coreEndMicros", s.getCoreEndMicros());
                    m.put("cut", s.getCut());
                }
                if (s.hasModel()) {
                    m.put("model", s.getModel());
                    m.put("voice", s.getVoice());
                }
            } else if (r instanceof ClipStatus s) {
                m.put("outcome", s.getOutcome().name());
                m.put("chunksMerged", s.getChunksMerged());
                m.put("retries", s.getRetries());
                m.put("atMillis", s.getAtMillis());
                m.put("reason", s.getReason());
            } else {
                continue;
            }
            out.add(m);
        }
        return out;
    }

    /**
     * The records of {@code clipId} from {@link #toJson}'s objects.
     *
     * @throws IOException when an object is neither a chunk's nor a clip's status
     */
    public static List<ClipRecord> fromJson(String clipId, JsonNode array) throws IOException {
        List<ClipRecord> records = new ArrayList<>();
        if (array == null || !array.isArray()) {
            return records;
        }
        for (JsonNode n : array) {
            try {
                if (n.has("state")) {
                    ChunkStatus s = new ChunkStatus(clipId, n.get("chunk").asInt(),
                            n.path("chunkCount").asInt(ChunkStatus.UNKNOWN_COUNT),
                            ChunkStatus.State.valueOf(n.get("state").asText()), n.path("attempt").asInt(),
                            n.path("error").asText(""), n.get("atMillis").asLong(), n.path("clipMode").asText(""));
                    if (n.has("coreEndMicros")) {
                        s = s.withCore(n.get("coreStartMicros").asLong(), n.get("coreEndMicros").asLong(),
                                n.path("cut").asText(""));
                    }
                    if (n.has("model")) {
                        s = s.withModel(n.get("model").asText(), n.path("voice").asText(""));
                    }
                    records.add(s);
                } else if (n.has("outcome")) {
                    records.add(new ClipStatus(clipId, ClipStatus.Outcome.valueOf(n.get("outcome").asText()),
                            n.path("chunksMerged").asInt(), n.path("retries").asInt(), n.path("reason").asText(""),
                            n.get("atMillis").asLong()));
                } else {
                    throw new IOException("a status record of clip " + clipId + " with neither state nor outcome: "
                            + n);
                }
            } catch (NullPointerException | IllegalArgumentException e) {
                throw new IOException("a status record of clip " + clipId + " that is not one: " + n, e);
            }
        }
        return records;
    }
}
