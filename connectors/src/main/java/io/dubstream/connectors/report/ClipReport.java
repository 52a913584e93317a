package io.dubstream.connectors.report;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.TreeMap;

/**
 * The report on a set of clips: one {@link Row} per clip, from its records on the status topic, its
 * demo summary, or both (matched by clip id), and the figures of the set as the regression set
 * reports them ({@link #setRows()}).
 */
public final class ClipReport {

    /** The mode of a clip that neither its records nor its summary state. */
    public static final String UNKNOWN_MODE = "mode not stated";
    /** The set row over all clips. */
    public static final String ALL = "all";

    /**
     * One clip.
     *
     * @param timeline its status records; null when the report has only its summary
     * @param summary its demo summary; null when the report has only its status records
     */
    public record Row(String clipId, ClipTimeline timeline, DemoSummary summary) {

        public Row {
            Objects.requireNonNull(clipId);
            if (timeline == null && summary == null) {
                throw new IllegalArgumentException("clip " + clipId + ": neither status records nor a summary");
            }
        }

        /** {@code COMPLETED}, {@code FAILED} or {@code IN PROGRESS}. */
        public String outcome() {
            if (timeline != null && !timeline.isEmpty()) {
                return timeline.outcome() == ClipTimeline.Outcome.IN_PROGRESS ? "IN PROGRESS"
                        : timeline.outcome().name();
            }
            return "COMPLETE".equals(summary.status()) ? "COMPLETED" : summary.status();
        }

        /**
         * Whether the clip counts as a success: it completed and, where a summary tells, came back
         * with every frame and audio sample.
         */
        public boolean success() {
            boolean completed = timeline != null && !timeline.isEmpty()
                    ? timeline.outcome() == ClipTimeline.Outcome.COMPLETED
                    : true;
            return completed && (summary == null || summary.complete());
        }

        /** Why it failed: the clip status's reason, or what the summary shows; empty on success. */
        public String reason() {
            if (timeline != null && !timeline.reason().isEmpty()) {
                return timeline.reason();
            }
            if (summary != null && !summary.complete()) {
                if (!summary.reason().isEmpty()) {
                    return summary.reason();
                }
                return "COMPLETE".equals(summary.status())
                        ? "the download got " + summary.framesOut() + " of " + summary.framesIn() + " frames and "
                                + summary.audioSamplesOut() + " of " + summary.audioSamplesIn() + " audio samples"
                        : "the download ended " + summary.status();
            }
            return "";
        }

        /** {@code chunked}, {@code whole}, or {@link #UNKNOWN_MODE}. */
        public String mode() {
            if (summary != null && !summary.mode().isEmpty() && !"none".equals(summary.mode())) {
                return summary.mode();
            }
            if (timeline != null && !timeline.clipMode().isEmpty()) {
                return timeline.clipMode();
            }
            return UNKNOWN_MODE;
        }

        /**
         * The model the clip ran: as its status records name it (several, in order, after an upgrade
         * mid-clip), else as its summary does; empty when neither says.
         */
        public String model() {
            if (timeline != null && !timeline.models().isEmpty()) {
                return String.join(" then ", timeline.models());
            }
            return summary == null ? "" : summary.model();
        }

        /**
         * Seconds of processing: the demo's, from the upload's start to the download's end, when a
         * summary tells; else from the clip's first status record to its last.
         */
        public double processingSeconds() {
            if (summary != null && summary.processingSeconds() >= 0) {
                return summary.processingSeconds();
            }
            return timeline == null || timeline.isEmpty() ? -1 : timeline.spanMillis() / 1e3;
        }

        /** Seconds from the clip's first status record to its last, or -1 without records. */
        public double statusSeconds() {
            return timeline == null || timeline.isEmpty() ? -1 : timeline.spanMillis() / 1e3;
        }

        /** The clip's length in seconds (summary, else the last chunk's core), or -1. */
        public double clipSeconds() {
            if (summary != null && summary.clipSeconds() > 0) {
                return summary.clipSeconds();
            }
            return timeline == null ? -1 : timeline.clipSeconds();
        }

        /** Clip seconds per second of processing ({@link #processingSeconds()}), or -1. */
        public double realtimeFactor() {
            double clip = clipSeconds();
            double processing = processingSeconds();
            return clip > 0 && processing > 0 ? clip / processing : -1;
        }

        /** The clip's chunks: as the job counted them, else as many as the records name, else the summary's. */
        public int chunks() {
            if (timeline != null && timeline.chunkCount() > 0) {
                return timeline.chunkCount();
            }
            if (timeline != null && !timeline.chunks().isEmpty()) {
                return timeline.chunks().size();
            }
            return summary != null ? summary.chunks() : 0;
        }

        /** Attempts started, or -1 without status records. */
        public int attempts() {
            return timeline == null || timeline.isEmpty() ? -1 : timeline.attempts();
        }

        /** Attempts retried, or -1 without status records. */
        public int retries() {
            return timeline == null || timeline.isEmpty() ? -1 : timeline.retries();
        }

        public long peakHeapBytes() {
            return summary == null ? -1 : summary.peakHeapBytes();
        }

        public long peakRssBytes() {
            return summary == null ? -1 : summary.peakRssBytes();
        }
    }

    /**
     * The figures of a group of clips: all of them, or those of one mode.
     *
     * @param averageProcessingSeconds over the clips that succeeded
     * @param peakHeapBytes the largest run's, -1 when no summary tells
     */
    public record SetRow(String group, int clips, int succeeded, OptionalDouble averageProcessingSeconds,
            long peakHeapBytes, long peakRssBytes) {

        public double successRate() {
            return clips == 0 ? 0 : (double) succeeded / clips;
        }
    }

    /**
     * One input run both ways: the chunked run against the whole one.
     *
     * @param input the clip file both runs uploaded
     */
    public record Pair(String input, Row chunked, Row whole) {}

    private final List<Row> rows;

    public ClipReport(List<Row> rows) {
        this.rows = List.copyOf(rows);
    }

    /**
     * The report on {@code timelines} and {@code summaries}: a clip with both gets one row. A summary's
     * own status records (the demo keeps its clip's) make its timeline where the topic has none. When
     * several summaries name one clip id (demos each run their own broker, so ids repeat across
     * them), each is its own row, and the clip's status records on the topic, if any, another.
     */
    public static ClipReport of(Collection<ClipTimeline> timelines, Collection<DemoSummary> summaries) {
        Map<String, List<DemoSummary>> byId = new LinkedHashMap<>();
        for (DemoSummary s : summaries) {
            byId.computeIfAbsent(s.clipId(), k -> new ArrayList<>()).add(s);
        }
        Map<String, ClipTimeline> timelineById = new LinkedHashMap<>();
        for (ClipTimeline t : timelines) {
            timelineById.put(t.clipId(), t);
        }
        List<Row> rows = new ArrayList<>();
        for (Map.Entry<String, List<DemoSummary>> e : byId.entrySet()) {
            boolean one = e.getValue().size() == 1;
            for (DemoSummary s : e.getValue()) {
                ClipTimeline t = one ? timelineById.remove(e.getKey()) : null;
                if (t == null && !s.statusRecords().isEmpty()) {
                    t = ClipTimeline.of(e.getKey(), s.statusRecords());
                }
                rows.add(new Row(e.getKey(), t, s));
            }
        }
        for (ClipTimeline t : timelineById.values()) {
            rows.add(new Row(t.clipId(), t, null));
        }
        return new ClipReport(rows);
    }

    public List<Row> rows() {
        return rows;
    }

    /**
     * The set's figures: one row per mode when the clips ran in more than one, chunked first, then
     * whole, then the rest by name; and the row of all clips last.
     */
    public List<SetRow> setRows() {
        Map<String, List<Row>> byMode = new TreeMap<>(Comparator.comparingInt(ClipReport::modeOrder)
                .thenComparing(Comparator.naturalOrder()));
        for (Row r : rows) {
            byMode.computeIfAbsent(r.mode(), k -> new ArrayList<>()).add(r);
        }
        List<SetRow> out = new ArrayList<>();
        if (byMode.size() > 1) {
            byMode.forEach((mode, group) -> out.add(setRow(mode, group)));
        }
        out.add(setRow(ALL, rows));
        return out;
    }

    private static int modeOrder(String mode) {
        return switch (mode) {
            case "chunked" -> 0;
            case "whole" -> 1;
            case UNKNOWN_MODE -> 3;
            default -> 2;
        };
    }

    private static SetRow setRow(String name, List<Row> members) {
        List<Row> ok = members.stream().filter(Row::success).toList();
        OptionalDouble avg = ok.stream().mapToDouble(Row::processingSeconds).filter(s -> s >= 0).average();
        long heap = members.stream().mapToLong(Row::peakHeapBytes).max().orElse(-1);
        long rss = members.stream().mapToLong(Row::peakRssBytes).max().orElse(-1);
        return new SetRow(name, members.size(), ok.size(), avg, heap, rss);
    }

    /** The inputs that ran both chunked and whole (one summary of each), in the order of their first run. */
    public List<Pair> pairs() {
        Map<String, Row[]> byInput = new LinkedHashMap<>();
        Map<String, Integer> runs = new LinkedHashMap<>();
        for (Row r : rows) {
            if (r.summary() == null || r.summary().input().isEmpty()) {
                continue;
            }
            int slot = switch (r.mode()) {
                case "chunked" -> 0;
                case "whole" -> 1;
                default -> -1;
            };
            if (slot < 0) {
                continue;
            }
            String key = r.summary().input() + "\u0000" + slot;
            runs.merge(key, 1, Integer::sum);
            byInput.computeIfAbsent(r.summary().input(), k -> new Row[2])[slot] = r;
        }
        List<Pair> pairs = new ArrayList<>();
        byInput.forEach((input, both) -> {
            if (both[0] != null && both[1] != null && runs.get(input + "\u00000") == 1
                    && runs.get(input + "\u00001") == 1) {
                pairs.add(new Pair(input, both[0], both[1]));
            }
        });
        return pairs;
    }
}
