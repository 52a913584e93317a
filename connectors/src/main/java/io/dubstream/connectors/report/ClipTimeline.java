package io.dubstream.connectors.report;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

import io.dubstream.connectors.records.ChunkStatus;
import io.dubstream.connectors.records.ClipStatus;

/**
 * One clip as its records on the status topic tell it: each chunk's way through its states as spans
 * of time (waiting for inference, each attempt and how it ended, the backoffs between attempts, the
 * wait for the merge), the clip's outcome, and the counts the report shows.
 *
 * <p>Records are taken in the order the job published them (a chunk's {@code RUNNING}, {@code RETRIED}
 * and {@code DONE} come together when inference is done with it, each with the time it happened),
 * and each span runs between the times its records state. Heartbeats, which repeat a chunk's state
 * ({@link ChunkStatus#repeats}), change nothing but the clip's last time. Spans still open when the
 * records stop (a clip in progress, or the chunks behind a failed one, whose inference the job drops)
 * end at the clip's last record and are marked open.
 */
public final class ClipTimeline {

    /** What a chunk was doing during a span. */
    public enum SpanKind {
        /** Cut from the clip, waiting for its first attempt. */
        WAITING("waiting"),
        /** An attempt that produced the chunk's output. */
        ATTEMPT_DONE("attempt done"),
        /** An attempt that failed, with another one to follow. */
        ATTEMPT_RETRIED("attempt retried"),
        /** An attempt that failed and was the last allowed: the chunk, and its clip, failed. */
        ATTEMPT_FAILED("attempt failed"),
        /** An attempt whose end the records do not tell (open). */
        ATTEMPT_RUNNING("attempt running"),
        /** Between a failed attempt and the next one. */
        BACKOFF("backoff"),
        /** Output done, waiting for the merge in clip order. */
        MERGE_WAIT("waiting to merge");

        private final String label;

        SpanKind(String label) {
            this.label = label;
        }

        /** Words for a legend. */
        public String label() {
            return label;
        }

        /** The CSS class of the span's shape: {@code attempt-done}, {@code backoff}, ... */
        public String cssClass() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    /**
     * A span of a chunk's time.
     *
     * @param attempt the attempt it belongs to: 0 while waiting, the failed one for a backoff, the
     *     merged one for the merge wait
     * @param open whether the records stop before its end; it then ends at the clip's last record
     * @param error why the attempt failed; empty otherwise
     */
    public record Span(SpanKind kind, int attempt, long startMillis, long endMillis, boolean open, String error) {}

    /** One chunk of the clip. */
    public static final class Chunk {
        private final int index;
        private final List<Span> spans = new ArrayList<>();
        private ChunkStatus last;
        private ChunkStatus.State state;
        private int attempts;
        private int retries;
        private long mergedAtMillis = -1;
        private long failedAtMillis = -1;
        private long coreStartMicros;
        private long coreEndMicros;
        private String cut = "";
        /** When the state now open began, and the attempt it belongs to. */
        private long openSince = -1;
        private int openAttempt;

        Chunk(int index) {
            this.index = index;
        }

        public int index() {
            return index;
        }

        /** The spans in time order. */
        public List<Span> spans() {
            return Collections.unmodifiableList(spans);
        }

        /** The chunk's last state; heartbeats do not change it. */
        public ChunkStatus.State state() {
            return state;
        }

        /** Attempts started. */
        public int attempts() {
            return attempts;
        }

        /** Attempts that failed and were retried. */
        public int retries() {
            return retries;
        }

        /** When its output was merged, or -1. */
        public long mergedAtMillis() {
            return mergedAtMillis;
        }

        /** When its last attempt failed, or -1. */
        public long failedAtMillis() {
            return failedAtMillis;
        }

        /** Whether a record stated the part of the clip the chunk stands for. */
        public boolean hasCore() {
            return coreEndMicros > coreStartMicros;
        }

        public long coreStartMicros() {
            return coreStartMicros;
        }

        public long coreEndMicros() {
            return coreEndMicros;
        }

        /** How the cut at the core's end was chosen ({@code gap}, {@code silence}, ..., {@code end}). */
        public String cut() {
            return cut;
        }

        private boolean add(ChunkStatus s) {
            boolean repeat = s.repeats(last);
            last = s;
            if (s.hasCore()) {
                coreStartMicros = s.getCoreStartMicros();
                coreEndMicros = s.getCoreEndMicros();
                cut = s.getCut();
            }
            if (repeat) {
                return false;
            }
            long at = s.getAtMillis();
            switch (s.getState()) {
                case PENDING -> {
                    if (state != null) {
                        return true; // a late report of a chunk inference already reported: the job drops it too
                    }
                    open(at, 0);
                }
                case RUNNING -> {
                    if (state == ChunkStatus.State.PENDING) {
                        close(SpanKind.WAITING, at, "");
                    } else if (state == ChunkStatus.State.RETRIED) {
                        close(SpanKind.BACKOFF, at, "");
                    }
                    attempts++;
                    open(at, s.getAttempt());
                }
                case RETRIED -> {
                    retries++;
                    closeAttempt(SpanKind.ATTEMPT_RETRIED, s);
                    open(at, s.getAttempt());
                }
                case FAILED -> {
                    closeAttempt(SpanKind.ATTEMPT_FAILED, s);
                    failedAtMillis = at;
                    openSince = -1;
                }
                case DONE -> {
                    closeAttempt(SpanKind.ATTEMPT_DONE, s);
                    open(at, s.getAttempt());
                }
                case MERGED -> {
                    if (state == ChunkStatus.State.DONE) {
                        close(SpanKind.MERGE_WAIT, at, "");
                    }
                    mergedAtMillis = at;
                    openSince = -1;
                }
                default -> throw new IllegalStateException("unknown state " + s.getState());
            }
            state = s.getState();
            return true;
        }

        private void open(long at, int attempt) {
            openSince = at;
            openAttempt = attempt;
        }

        private void close(SpanKind kind, long at, String error) {
            if (openSince >= 0) {
                spans.add(new Span(kind, openAttempt, openSince, Math.max(openSince, at), false, error));
            }
            openSince = -1;
        }

        /** Ends the running attempt; one whose RUNNING the records lack is taken to start at its end. */
        private void closeAttempt(SpanKind kind, ChunkStatus s) {
            if (state != ChunkStatus.State.RUNNING) {
                openSince = s.getAtMillis();
                openAttempt = s.getAttempt();
            }
            close(kind, s.getAtMillis(), s.getError());
        }

        /** Closes what is still open at {@code endMillis}, the clip's last record. */
        private void finish(long endMillis) {
            if (openSince < 0 || state == null) {
                return;
            }
            SpanKind kind = switch (state) {
                case PENDING -> SpanKind.WAITING;
                case RUNNING -> SpanKind.ATTEMPT_RUNNING;
                case RETRIED -> SpanKind.BACKOFF;
                case DONE -> SpanKind.MERGE_WAIT;
                default -> null;
            };
            if (kind != null) {
                spans.add(new Span(kind, openAttempt, openSince, Math.max(openSince, endMillis), true, ""));
            }
            openSince = -1;
        }
    }

    /** How the records leave the clip. */
    public enum Outcome {
        COMPLETED, FAILED, IN_PROGRESS
    }

    private final String clipId;
    private final Map<Integer, Chunk> chunks = new TreeMap<>();
    private int chunkCount = ChunkStatus.UNKNOWN_COUNT;
    private String clipMode = "";
    private final Set<String> models = new LinkedHashSet<>();
    private ClipStatus end;
    private long firstMillis = Long.MAX_VALUE;
    private long lastMillis = Long.MIN_VALUE;
    private int records;
    private int heartbeats;
    private boolean finished;

    public ClipTimeline(String clipId) {
        this.clipId = Objects.requireNonNull(clipId);
    }

    /** Builds the timeline of {@code clipId} from its status records in the order they were published. */
    public static ClipTimeline of(String clipId, List<?> records) {
        ClipTimeline t = new ClipTimeline(clipId);
        for (Object r : records) {
            if (r instanceof ChunkStatus s) {
                t.add(s);
            } else if (r instanceof ClipStatus s) {
                t.add(s);
            }
        }
        return t.finish();
    }

    public void add(ChunkStatus s) {
        requireSameClip(s.getClipId());
        touch(s.getAtMillis());
        if (s.hasChunkCount()) {
            chunkCount = s.getChunkCount();
        }
        if (s.getClipMode() != null && !s.getClipMode().isEmpty()) {
            clipMode = s.getClipMode();
        }
        if (s.getModel() != null && !s.getModel().isEmpty()) {
            models.add(s.getModel());
        }
        if (!chunks.computeIfAbsent(s.getChunkIndex(), Chunk::new).add(s)) {
            heartbeats++;
        }
    }

    public void add(ClipStatus s) {
        requireSameClip(s.getClipId());
        touch(s.getAtMillis());
        end = s;
    }

    /**
     * The models the clip's attempts ran, in the order first seen: one, or more after a model upgrade
     * mid-clip; empty when the records do not say (record formats before 4).
     */
    public List<String> models() {
        return List.copyOf(models);
    }

    /** Closes the spans still open at the clip's last record; call once after the last record. */
    public ClipTimeline finish() {
        if (!finished) {
            finished = true;
            for (Chunk c : chunks.values()) {
                c.finish(lastMillis);
            }
        }
        return this;
    }

    private void touch(long at) {
        records++;
        firstMillis = Math.min(firstMillis, at);
        lastMillis = Math.max(lastMillis, at);
    }

    private void requireSameClip(String id) {
        if (!clipId.equals(id)) {
            throw new IllegalArgumentException("a record of clip " + id + " in the timeline of clip " + clipId);
        }
    }

    public String clipId() {
        return clipId;
    }

    /** The chunks the records name, by index. */
    public List<Chunk> chunks() {
        return List.copyOf(chunks.values());
    }

    /** The clip's chunk count as the job stated it, or {@link ChunkStatus#UNKNOWN_COUNT}. */
    public int chunkCount() {
        return chunkCount;
    }

    /** {@code whole} or {@code chunked} as the job stated it; empty when it did not. */
    public String clipMode() {
        return clipMode;
    }

    public Outcome outcome() {
        if (end == null) {
            return Outcome.IN_PROGRESS;
        }
        return end.isCompleted() ? Outcome.COMPLETED : Outcome.FAILED;
    }

    /** The clip's last record, its outcome, or null while it is in progress. */
    public ClipStatus end() {
        return end;
    }

    /** Why the clip failed; empty otherwise. */
    public String reason() {
        return end == null ? "" : end.getReason();
    }

    public boolean isEmpty() {
        return records == 0;
    }

    public long firstMillis() {
        return firstMillis;
    }

    public long lastMillis() {
        return lastMillis;
    }

    /** From the clip's first status record to its last. */
    public long spanMillis() {
        return isEmpty() ? 0 : lastMillis - firstMillis;
    }

    /** Status records of the clip, heartbeats included. */
    public int records() {
        return records;
    }

    /** Records that repeated a chunk's state to show the clip is being worked on. */
    public int heartbeats() {
        return heartbeats;
    }

    /** Attempts started, on all chunks. */
    public int attempts() {
        return chunks.values().stream().mapToInt(Chunk::attempts).sum();
    }

    /** Attempts retried: the clip status's count when it came, else the RETRIED records'. */
    public int retries() {
        return end != null ? end.getRetries() : chunks.values().stream().mapToInt(Chunk::retries).sum();
    }

    /** Chunks merged: the clip status's count when it came, else the MERGED records'. */
    public int chunksMerged() {
        return end != null ? end.getChunksMerged()
                : (int) chunks.values().stream().filter(c -> c.mergedAtMillis() >= 0).count();
    }

    /**
     * The clip's length in seconds as its last chunk's core tells it (the core's end), or -1 when no
     * record stated it.
     */
    public double clipSeconds() {
        if (chunkCount == ChunkStatus.UNKNOWN_COUNT) {
            return -1;
        }
        Chunk lastChunk = chunks.get(chunkCount - 1);
        return lastChunk != null && lastChunk.hasCore() ? lastChunk.coreEndMicros() / 1e6 : -1;
    }
}
