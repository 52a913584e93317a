package io.dubstream.connectors.cli;

import java.util.Map;
import java.util.TreeMap;

import io.dubstream.connectors.records.ChunkStatus;
import io.dubstream.connectors.records.ClipStatus;

/**
 * A clip's chunk state table as its status records tell it: per chunk its latest state, attempt,
 * retries, the part of the clip it stands for (its core, in seconds, and how the cut at its end was
 * chosen), after a dub its lines and how they were fitted, the model (and voice) of its latest
 * attempt when the records name it, and last error; printed by
 * {@code dubstream status}.
 */
final class ChunkTable {

    private static final int ERROR_WIDTH = 100;

    private final Map<Integer, Row> rows = new TreeMap<>();
    private int chunkCount = ChunkStatus.UNKNOWN_COUNT;

    private static final class Row {
        ChunkStatus.State state;
        int attempt;
        int retries;
        String lastError = "";
        String core = "";
        String dub = "";
        String model = "";
        ChunkStatus last;
    }

    /**
     * Takes one record in.
     *
     * @return whether it changed its chunk's state; false for a heartbeat, which repeats it
     *     ({@link ChunkStatus#repeats})
     */
    boolean add(ChunkStatus change) {
        Row row = rows.computeIfAbsent(change.getChunkIndex(), k -> new Row());
        boolean repeat = change.repeats(row.last);
        row.last = change;
        if (change.hasChunkCount()) {
            chunkCount = change.getChunkCount();
        }
        if (repeat) {
            return false;
        }
        row.state = change.getState();
        row.attempt = change.getAttempt();
        if (!change.getError().isEmpty()) {
            row.lastError = change.getError();
        }
        if (change.getState() == ChunkStatus.State.RETRIED) {
            row.retries++;
        }
        if (change.hasCore()) {
            row.core = core(change);
        }
        if (change.hasDubLines()) {
            row.dub = dub(change);
        }
        if (change.hasModel()) {
            row.model = model(change);
        }
        return true;
    }

    /** A chunk's dub as {@code 3 lines: 1 extended, 0 stretched, 0 cut}. */
    static String dub(ChunkStatus c) {
        int[] d = c.getDubLines();
        return d[0] + " lines: " + d[1] + " extended, " + d[2] + " stretched, " + d[3] + " cut";
    }

    /** The model of a chunk's attempt, with its voice when it had one: {@code colour-gain, voice voice-identity}. */
    static String model(ChunkStatus c) {
        return c.getModel() + (c.getVoice().isEmpty() ? "" : ", voice " + c.getVoice());
    }

    /** A chunk's core as {@code 9.850-21.400 s gap}. */
    static String core(ChunkStatus c) {
        return String.format(java.util.Locale.ROOT, "%.3f-%.3f s %s", c.getCoreStartMicros() / 1e6,
                c.getCoreEndMicros() / 1e6, c.getCut()).stripTrailing();
    }

    /** One line for a change as it arrives. */
    static String describe(ChunkStatus c) {
        return "chunk " + c.getChunkIndex() + (c.hasChunkCount() ? "/" + c.getChunkCount() : "") + " " + c.getState()
                + (c.getAttempt() > 0 ? " (attempt " + c.getAttempt() + ")" : "")
                + (c.hasModel() && c.getState() == ChunkStatus.State.RUNNING ? ", model " + model(c) : "")
                + (c.hasCore() && c.getState() == ChunkStatus.State.PENDING ? ", core " + core(c) : "")
                + (c.hasDubLines() && c.getState() == ChunkStatus.State.DONE ? ", dub " + dub(c) : "")
                + (c.getError().isEmpty() ? "" : ": " + c.getError());
    }

    /** One line for a heartbeat: the chunk is still where its last change left it. */
    static String describeRepeat(ChunkStatus c) {
        return "chunk " + c.getChunkIndex() + (c.hasChunkCount() ? "/" + c.getChunkCount() : "") + " still "
                + c.getState() + (c.getAttempt() > 0 ? " (attempt " + c.getAttempt() + ")" : "");
    }

    /** One line for the clip's outcome. */
    static String describe(ClipStatus s) {
        return "clip " + s.getClipId() + " " + s.getOutcome() + ": " + s.getChunksMerged() + " chunks merged, "
                + s.getRetries() + " retries" + (s.getReason().isEmpty() ? "" : "; " + s.getReason());
    }

    /** The table, one line per chunk under a header. */
    String render() {
        boolean dubbed = rows.values().stream().anyMatch(r -> !r.dub.isEmpty());
        boolean named = rows.values().stream().anyMatch(r -> !r.model.isEmpty());
        String columns = "%-7s %-8s %-8s %-8s %-28s " + (dubbed ? "%-44s " : "%s") + (named ? "%-36s " : "%s") + "%s";
        StringBuilder b = new StringBuilder(String.format(columns + "%n", "chunk", "state", "attempt", "retries", "core",
                dubbed ? "dub" : "", named ? "model" : "", "last error"));
        for (Map.Entry<Integer, Row> e : rows.entrySet()) {
            Row r = e.getValue();
            String error = r.lastError.length() > ERROR_WIDTH ? r.lastError.substring(0, ERROR_WIDTH - 3) + "..."
                    : r.lastError;
            b.append(String.format(columns, e.getKey() + (chunkCount >= 0 ? "/" + chunkCount : ""), r.state,
                    String.valueOf(r.attempt), String.valueOf(r.retries), r.core, dubbed ? r.dub : "",
                    named ? r.model : "", error).stripTrailing()).append(System.lineSeparator());
        }
        return b.toString();
    }
}
