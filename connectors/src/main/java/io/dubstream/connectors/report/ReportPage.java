package io.dubstream.connectors.report;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * The clip report as one self-contained HTML page: inline CSS and SVG, no script and nothing fetched
 * (its Content-Security-Policy forbids both, so even a string that escaped escaping could not run).
 * Every string that comes from records or summaries (clip ids, errors, reasons, file names) is
 * HTML-escaped.
 *
 * <p>The page has: the set's figures ({@code table.set}, one {@code tr.set-row} per mode and one for
 * all clips) and, where inputs ran both chunked and whole, the two side by side ({@code table.pairs});
 * the clips ({@code table.clips}, one {@code tr.clip} per clip); and per clip with status records a
 * chart of its chunks over time ({@code svg.timeline}, one {@code g.chunk} per chunk holding a
 * {@code rect.span} per span and a {@code path.mark} where it was merged or failed).
 */
public final class ReportPage {

    static final int CHART_WIDTH = 960;
    static final int LABEL_WIDTH = 90;
    static final int ROW_HEIGHT = 16;
    static final int ROW_GAP = 6;
    static final int AXIS_HEIGHT = 24;
    private static final double MIB = 1024.0 * 1024.0;
    private static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS 'UTC'",
            Locale.ROOT).withZone(ZoneOffset.UTC);

    private static final String STYLE = """
            body{font-family:system-ui,sans-serif;margin:1.5em;color:#1f2328;max-width:1200px}
            h1{font-size:1.5em}h2{font-size:1.2em;margin-top:1.6em}h3{font-size:1em;margin:1.2em 0 .3em}
            table{border-collapse:collapse;font-size:.9em}
            th,td{border:1px solid #d0d7de;padding:.25em .6em;text-align:right;vertical-align:top}
            th{background:#f6f8fa}td.text,th.text{text-align:left}td.clip-id{white-space:nowrap}
            tr.failed td.outcome{color:#cf222e;font-weight:600}tr.completed td.outcome{color:#1a7f37}
            tr.in-progress td.outcome{color:#0969da}
            .reason{font-size:.85em;font-weight:normal;color:#57606a;max-width:28em;overflow-wrap:anywhere}
            .meta,.note{color:#57606a;font-size:.85em}
            svg text{font-size:11px;fill:#1f2328}svg .tick line{stroke:#d0d7de}
            .span{stroke:#fff;stroke-width:.5}.span.open,.key.open{stroke:#1f2328;stroke-dasharray:3 2}
            .waiting{fill:#d0d7de}.attempt-done{fill:#2da44e}.attempt-retried{fill:#d4a72c}
            .attempt-failed{fill:#cf222e}.attempt-running{fill:#54aeff}.backoff{fill:#f5e0a3}
            .merge-wait{fill:#aceebb}.mark{stroke-width:2;fill:none}.mark.merged{stroke:#8250df}
            .mark.failed{stroke:#cf222e}
            """;

    private ReportPage() {}

    /**
     * The page.
     *
     * @param sources one line each on where the figures came from (topic, summaries)
     * @param generated when the report was made
     */
    public static String render(ClipReport report, String title, List<String> sources, Instant generated) {
        StringBuilder b = new StringBuilder(16_384);
        b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none';")
                .append(" style-src 'unsafe-inline'\">\n")
                .append("<title>").append(escape(title)).append("</title>\n<style>\n").append(STYLE)
                .append("</style>\n</head>\n<body>\n<h1>").append(escape(title)).append("</h1>\n");
        b.append("<p class=\"meta\">Made ").append(UTC.format(generated)).append(" from ");
        b.append(sources.isEmpty() ? "nothing" : escape(String.join("; ", sources))).append(".</p>\n");
        setSection(b, report);
        clipsSection(b, report);
        timelinesSection(b, report);
        b.append("</body>\n</html>\n");
        return b.toString();
    }

    private static void setSection(StringBuilder b, ClipReport report) {
        b.append("<section id=\"set\">\n<h2>The set</h2>\n<table class=\"set\">\n<thead><tr>")
                .append("<th class=\"text\">mode</th><th>clips</th><th>complete</th><th>success rate</th>")
                .append("<th>average processing time</th><th>peak heap (largest run)</th>")
                .append("<th>peak RSS (largest run)</th></tr></thead>\n<tbody>\n");
        for (ClipReport.SetRow r : report.setRows()) {
            b.append("<tr class=\"set-row\" data-group=\"").append(escape(r.group())).append("\"><td class=\"text\">")
                    .append(escape(r.group())).append("</td><td>").append(r.clips()).append("</td><td>")
                    .append(r.succeeded()).append(" of ").append(r.clips()).append("</td><td>")
                    .append(Math.round(100 * r.successRate())).append("%</td><td>")
                    .append(r.averageProcessingSeconds().isPresent()
                            ? seconds(r.averageProcessingSeconds().getAsDouble()) : "&mdash;")
                    .append("</td><td>").append(mib(r.peakHeapBytes())).append("</td><td>")
                    .append(mib(r.peakRssBytes())).append("</td></tr>\n");
        }
        b.append("</tbody>\n</table>\n<p class=\"note\">A clip succeeds when it completed and, where its demo")
                .append(" summary tells, came back with every frame and audio sample. The average processing time")
                .append(" is over the clips that succeeded. Peak memory is the demo JVM's (broker, Flink and the")
                .append(" CLIs together), from the summaries.</p>\n");
        List<ClipReport.Pair> pairs = report.pairs();
        if (!pairs.isEmpty()) {
            List<ClipReport.Pair> bothWays = pairs.stream()
                    .filter(p -> p.chunked().success() && p.whole().success()).toList();
            long faster = bothWays.stream()
                    .filter(p -> p.chunked().processingSeconds() < p.whole().processingSeconds()).count();
            b.append("<h3>Chunked against whole</h3>\n<table class=\"pairs\">\n<thead><tr>")
                    .append("<th class=\"text\">input</th><th>processing chunked</th><th>processing whole</th>")
                    .append("<th>peak heap chunked</th><th>peak heap whole</th><th>chunks</th></tr></thead>\n<tbody>\n");
            for (ClipReport.Pair p : pairs) {
                b.append("<tr class=\"pair\"><td class=\"text\">").append(escape(fileName(p.input())))
                        .append("</td><td>").append(outcomeOr(p.chunked(), seconds(p.chunked().processingSeconds())))
                        .append("</td><td>").append(outcomeOr(p.whole(), seconds(p.whole().processingSeconds())))
                        .append("</td><td>").append(mib(p.chunked().peakHeapBytes()))
                        .append("</td><td>").append(mib(p.whole().peakHeapBytes()))
                        .append("</td><td>").append(chunks(p.chunked())).append(" against ")
                        .append(chunks(p.whole())).append("</td></tr>\n");
            }
            b.append("</tbody>\n</table>\n<p class=\"note\">Chunked was faster for ").append(faster).append(" of ")
                    .append(bothWays.size()).append(" inputs that succeeded both ways.</p>\n");
        }
        b.append("</section>\n");
    }

    private static String chunks(ClipReport.Row r) {
        return r.chunks() > 0 ? String.valueOf(r.chunks()) : "&mdash;";
    }

    private static String outcomeOr(ClipReport.Row r, String value) {
        return r.success() ? value : value + " (" + escape(r.outcome()) + ")";
    }

    private static void clipsSection(StringBuilder b, ClipReport report) {
        b.append("<section id=\"clips\">\n<h2>Clips</h2>\n<table class=\"clips\">\n<thead><tr>")
                .append("<th class=\"text\">clip</th><th class=\"text\">mode</th><th class=\"text\">model</th>")
                .append("<th class=\"text\">outcome</th>")
                .append("<th>processing time</th><th>first to last status record</th><th>clip length</th>")
                .append("<th>x real-time</th><th>chunks</th><th>attempts</th><th>retries</th>")
                .append("<th>peak heap</th><th>peak RSS</th><th class=\"text\">started</th></tr></thead>\n<tbody>\n");
        int i = 0;
        for (ClipReport.Row r : report.rows()) {
            i++;
            String outcome = r.outcome();
            b.append("<tr class=\"clip ").append(cssWord(outcome)).append("\" data-outcome=\"").append(escape(outcome))
                    .append("\"><td class=\"text clip-id\">");
            if (hasChart(r)) {
                b.append("<a href=\"#clip-").append(i).append("\">").append(escape(r.clipId())).append("</a>");
            } else {
                b.append(escape(r.clipId()));
            }
            if (r.summary() != null) {
                b.append("<div class=\"reason\">").append(escape(fileName(r.summary().file().toString())))
                        .append("</div>");
            }
            b.append("</td><td class=\"text\">").append(escape(r.mode())).append("</td><td class=\"text model\">")
                    .append(r.model().isEmpty() ? "&mdash;" : escape(r.model()))
                    .append("</td><td class=\"text outcome\">")
                    .append(escape(outcome));
            if (!r.reason().isEmpty()) {
                b.append("<div class=\"reason\">").append(escape(r.reason())).append("</div>");
            }
            b.append("</td><td>").append(seconds(r.processingSeconds())).append("</td><td>")
                    .append(seconds(r.statusSeconds())).append("</td><td>").append(seconds(r.clipSeconds()))
                    .append("</td><td>").append(r.realtimeFactor() > 0 ? String.format(Locale.ROOT, "%.2f",
                            r.realtimeFactor()) : "&mdash;")
                    .append("</td><td>").append(chunks(r))
                    .append("</td><td>").append(count(r.attempts())).append("</td><td>").append(count(r.retries()))
                    .append("</td><td>").append(mib(r.peakHeapBytes())).append("</td><td>")
                    .append(mib(r.peakRssBytes())).append("</td><td class=\"text\">")
                    .append(hasChart(r) ? UTC.format(Instant.ofEpochMilli(r.timeline().firstMillis())) : "&mdash;")
                    .append("</td></tr>\n");
        }
        b.append("</tbody>\n</table>\n<p class=\"note\">Processing time: the demo's, from the upload's start to")
                .append(" the download's end, where a summary tells; else from the clip's first status record to")
                .append(" its last (which leaves out the upload before the first chunk is cut). x real-time: clip")
                .append(" seconds per second of processing. Attempts and retries come from the status records.</p>\n")
                .append("</section>\n");
    }

    private static boolean hasChart(ClipReport.Row r) {
        return r.timeline() != null && !r.timeline().isEmpty();
    }

    private static void timelinesSection(StringBuilder b, ClipReport report) {
        b.append("<section id=\"timelines\">\n<h2>Chunks over time</h2>\n");
        legend(b);
        int i = 0;
        boolean any = false;
        for (ClipReport.Row r : report.rows()) {
            i++;
            if (!hasChart(r)) {
                continue;
            }
            any = true;
            ClipTimeline t = r.timeline();
            b.append("<section class=\"clip-timeline\" id=\"clip-").append(i).append("\">\n<h3>")
                    .append(escape(r.clipId())).append(" &mdash; ").append(escape(r.outcome())).append(", ")
                    .append(plural(t.chunks().size(), "chunk")).append(", ").append(plural(t.attempts(), "attempt"))
                    .append(", ").append(plural(t.retries(), "retry", "retries")).append("</h3>\n");
            chart(b, t);
            b.append("</section>\n");
        }
        if (!any) {
            b.append("<p class=\"note\">No clip has status records here: the charts need the status topic.</p>\n");
        }
        b.append("</section>\n");
    }

    private static void legend(StringBuilder b) {
        ClipTimeline.SpanKind[] kinds = ClipTimeline.SpanKind.values();
        int width = 150;
        b.append("<svg class=\"legend\" xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(width * 4)
                .append("\" height=\"").append(3 * 20 + 4).append("\" role=\"img\" aria-label=\"legend\">\n");
        int n = 0;
        for (ClipTimeline.SpanKind k : kinds) {
            int x = (n % 4) * width;
            int y = (n / 4) * 20 + 2;
            b.append("<rect class=\"key ").append(k.cssClass()).append("\" x=\"").append(x).append("\" y=\"")
                    .append(y).append("\" width=\"14\" height=\"12\"/><text x=\"").append(x + 18).append("\" y=\"")
                    .append(y + 10).append("\">").append(k.label()).append("</text>\n");
            n++;
        }
        int x = (n % 4) * width;
        int y = (n / 4) * 20 + 2;
        b.append("<path class=\"key mark merged\" d=\"M").append(x + 7).append(' ').append(y).append("v12\"/><text x=\"")
                .append(x + 18).append("\" y=\"").append(y + 10).append("\">merged</text>\n");
        y += 20;
        b.append("<path class=\"key mark failed\" d=\"M3 ").append(y).append("l8 10m0 -10l-8 10\"/><text x=\"18\" y=\"")
                .append(y + 10).append("\">failed: no attempts left</text>\n<rect class=\"key waiting open\" x=\"")
                .append(width).append("\" y=\"").append(y).append("\" width=\"14\" height=\"12\"/><text x=\"")
                .append(width + 18).append("\" y=\"").append(y + 10).append("\">dashed: still open at the clip's last")
                .append(" record</text>\n</svg>\n");
    }

    /** The chart of one clip: a time axis and one row per chunk. */
    static void chart(StringBuilder b, ClipTimeline t) {
        List<ClipTimeline.Chunk> chunks = t.chunks();
        long t0 = t.firstMillis();
        long spanMillis = Math.max(1, t.lastMillis() - t0);
        int plot = CHART_WIDTH - LABEL_WIDTH - 10;
        int height = AXIS_HEIGHT + chunks.size() * (ROW_HEIGHT + ROW_GAP) + 4;
        b.append("<svg class=\"timeline\" xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(CHART_WIDTH)
                .append("\" height=\"").append(height).append("\" viewBox=\"0 0 ").append(CHART_WIDTH).append(' ')
                .append(height).append("\" role=\"img\" aria-label=\"chunks of ").append(escape(t.clipId()))
                .append(" over time\">\n<g class=\"axis\">\n");
        double step = tickStep(spanMillis / 1e3);
        for (int k = 0; k * step <= spanMillis / 1e3 + 1e-9; k++) {
            double x = LABEL_WIDTH + k * step * 1e3 / spanMillis * plot;
            b.append("<g class=\"tick\"><line x1=\"").append(fmt(x)).append("\" x2=\"").append(fmt(x))
                    .append("\" y1=\"").append(AXIS_HEIGHT - 4).append("\" y2=\"").append(height).append("\"/><text x=\"")
                    .append(fmt(x)).append("\" y=\"").append(AXIS_HEIGHT - 8).append("\" text-anchor=\"middle\">")
                    .append(tickLabel(k * step)).append("</text></g>\n");
        }
        b.append("</g>\n");
        int row = 0;
        for (ClipTimeline.Chunk c : chunks) {
            int y = AXIS_HEIGHT + row * (ROW_HEIGHT + ROW_GAP);
            b.append("<g class=\"chunk\" data-chunk=\"").append(c.index()).append("\" data-attempts=\"")
                    .append(c.attempts()).append("\" data-retries=\"").append(c.retries()).append("\">\n<text x=\"0\" y=\"")
                    .append(y + ROW_HEIGHT - 4).append("\">chunk ").append(c.index()).append("</text>");
            if (c.hasCore()) {
                b.append("<title>chunk ").append(c.index()).append(": clip ")
                        .append(String.format(Locale.ROOT, "%.3f-%.3f s", c.coreStartMicros() / 1e6,
                                c.coreEndMicros() / 1e6)).append(c.cut().isEmpty() ? "" : ", cut at " + escape(c.cut()))
                        .append("</title>");
            }
            b.append('\n');
            for (ClipTimeline.Span s : c.spans()) {
                double x1 = LABEL_WIDTH + (double) (s.startMillis() - t0) / spanMillis * plot;
                double x2 = LABEL_WIDTH + (double) (s.endMillis() - t0) / spanMillis * plot;
                b.append("<rect class=\"span ").append(s.kind().cssClass()).append(s.open() ? " open" : "")
                        .append("\" data-attempt=\"").append(s.attempt()).append("\" x=\"").append(fmt(x1))
                        .append("\" y=\"").append(y).append("\" width=\"").append(fmt(Math.max(minWidth(s.kind()), x2 - x1)))
                        .append("\" height=\"").append(ROW_HEIGHT).append("\"><title>chunk ").append(c.index())
                        .append(", ").append(s.kind().label())
                        .append(s.attempt() > 0 ? " (attempt " + s.attempt() + ")" : "").append(": ")
                        .append(tickLabel((s.startMillis() - t0) / 1e3)).append(" to ")
                        .append(tickLabel((s.endMillis() - t0) / 1e3))
                        .append(s.open() ? " (no later record)" : "")
                        .append(s.error().isEmpty() ? "" : "; " + escape(s.error())).append("</title></rect>\n");
            }
            if (c.mergedAtMillis() >= 0) {
                mark(b, "merged", c.mergedAtMillis(), t0, spanMillis, plot, y, "merged");
            }
            if (c.failedAtMillis() >= 0) {
                mark(b, "failed", c.failedAtMillis(), t0, spanMillis, plot, y, "failed: no attempts left");
            }
            b.append("</g>\n");
            row++;
        }
        b.append("</svg>\n");
    }

    /** Attempts stay visible however short (an attempt that fails at once takes no time). */
    private static double minWidth(ClipTimeline.SpanKind kind) {
        return kind.name().startsWith("ATTEMPT") ? 3 : 1;
    }

    private static void mark(StringBuilder b, String kind, long at, long t0, long spanMillis, int plot, int y,
            String words) {
        double x = LABEL_WIDTH + (double) (at - t0) / spanMillis * plot;
        String d = kind.equals("failed")
                ? "M" + fmt(x - 4) + " " + (y + 3) + "l8 10m0 -10l-8 10"
                : "M" + fmt(x) + " " + (y - 2) + "v" + (ROW_HEIGHT + 4);
        b.append("<path class=\"mark ").append(kind).append("\" d=\"").append(d).append("\"><title>")
                .append(words).append(" at ").append(tickLabel((at - t0) / 1e3)).append("</title></path>\n");
    }

    /** A step of 1, 2 or 5 times a power of ten that puts at most 10 ticks on {@code seconds}. */
    static double tickStep(double seconds) {
        double raw = Math.max(seconds, 1e-3) / 10;
        double p = Math.pow(10, Math.floor(Math.log10(raw)));
        for (double m : new double[] {1, 2, 5, 10}) {
            if (m * p >= raw) {
                return m * p;
            }
        }
        return 10 * p;
    }

    /** {@code 0 s}, {@code 1.5 s}, {@code 0.25 s}: to the millisecond, without trailing zeros. */
    static String tickLabel(double seconds) {
        return new java.math.BigDecimal(String.format(Locale.ROOT, "%.3f", seconds)).stripTrailingZeros()
                .toPlainString() + " s";
    }

    private static String plural(int n, String one) {
        return plural(n, one, one + "s");
    }

    private static String plural(int n, String one, String many) {
        return n + " " + (n == 1 ? one : many);
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private static String seconds(double s) {
        return s < 0 ? "&mdash;" : String.format(Locale.ROOT, "%.1f s", s);
    }

    private static String count(int n) {
        return n < 0 ? "&mdash;" : String.valueOf(n);
    }

    private static String mib(long bytes) {
        return bytes < 0 ? "&mdash;" : String.format(Locale.ROOT, "%.0f MiB", bytes / MIB);
    }

    private static String fileName(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? path : path.substring(slash + 1);
    }

    /** {@code IN PROGRESS} as {@code in-progress}, for a class name; letters and digits only. */
    private static String cssWord(String s) {
        return s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
    }

    /** Text made safe for HTML element content and attribute values (quoted either way). */
    public static String escape(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> {
                    if (c < 0x20 && c != '\n' && c != '\t' && c != '\r') {
                        b.append("&#xFFFD;");
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }
}
