package io.dubstream.job.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.apache.flink.configuration.Configuration;

import com.sun.management.OperatingSystemMXBean;

import io.dubstream.connectors.media.MediaInfo;
import io.dubstream.job.DubstreamOptions;

/**
 * The heap a demo run needs for a clip, and a restart of the demo's JVM with it when the launcher's
 * default is smaller.
 *
 * <p>The demo's JVM holds the broker, Flink and both transfers, and the job's state: the frames of
 * the chunk being cut (or of a whole clip up to the hybrid threshold), a chunk in inference and a
 * chunk's output in the merger, all as JPEG. What those hold grows with the frame size and the chunk
 * length, not with the clip's length. The launcher starts the demo in a 1 GiB heap, which fits clips up
 * to about 720p; when the clip's frames need more, the demo restarts itself in a heap of the size
 * estimated here, instead of running out of memory in the middle of the clip. An uncapped JVM would
 * let its heap grow with the clip's length (docs/benchmarks.md, P3).
 */
final class DemoHeap {

    /** The system property by which the launcher lets the demo size its own heap. */
    static final String SIZING_PROPERTY = "dubstream.demo.heap";
    /** {@link #SIZING_PROPERTY}'s value from the launcher: the demo may restart in a larger heap. */
    static final String AUTO = "auto";
    /** {@link #SIZING_PROPERTY}'s value in the restarted JVM, so that it restarts no further. */
    static final String SIZED = "sized";

    /** The broker, Flink's runtime, the transfers' buffers and a model: what any clip needs. */
    static final long BASE_BYTES = 768L << 20;
    /**
     * Frames travel as 4:4:4 JPEG at quality 0.9, about a tenth of their BGR size on camera footage (a
     * grainy 4K frame measured 2.1 MB of its 24.9 MB); an eighth leaves room.
     */
    static final int RAW_TO_JPEG = 8;
    /** Copies of a chunk's frames at once: cut in the assembler, in inference, its output in the merger. */
    static final int CHUNK_COPIES = 3;

    private DemoHeap() {}

    /**
     * The heap, in bytes, that a demo of a clip of {@code info}'s frames needs under {@code conf}: what
     * the job holds of a clip at once is its chunk window or, up to the hybrid threshold, the whole
     * clip, and never more than the clip (when its container states its duration).
     */
    static long neededBytes(MediaInfo info, Configuration conf) {
        double fps = (double) info.fpsNum() / info.fpsDen();
        double heldSeconds = Math.max(seconds(conf.get(DubstreamOptions.CHUNK_HYBRID_THRESHOLD)),
                seconds(conf.get(DubstreamOptions.CHUNK_MAX_CORE)) + 2 * seconds(conf.get(DubstreamOptions.CHUNK_CONTEXT)));
        if (info.durationMicros() > 0) {
            heldSeconds = Math.min(heldSeconds, info.durationMicros() / 1e6);
        }
        double frameBytes = (double) info.width() * info.height() * 3 / RAW_TO_JPEG;
        return BASE_BYTES + (long) (CHUNK_COPIES * frameBytes * Math.ceil(fps * heldSeconds));
    }

    /**
     * When this JVM's heap is below what the clip needs: with the launcher's {@link #AUTO} sizing,
     * restarts the demo in a JVM with that heap and returns its exit code; otherwise warns and
     * returns empty, and the demo goes on in this JVM.
     */
    static Optional<Integer> restartIfTooSmall(MediaInfo info, Configuration conf, PrintWriter out)
            throws IOException, InterruptedException {
        long needed = neededBytes(info, conf);
        long max = Runtime.getRuntime().maxMemory();
        if (needed <= max) {
            return Optional.empty();
        }
        String clip = info.width() + "x" + info.height() + " at " + Math.round((double) info.fpsNum() / info.fpsDen())
                + " frames/s";
        long heapBytes = Math.min(needed, physicalMemory() / 4 * 3);
        String heap = "-Xmx" + ((heapBytes + (1 << 20) - 1) >> 20) + "m";
        if (heapBytes < needed) {
            out.println("warning: the clip is " + clip + ", for which the demo needs about " + gib(needed)
                    + " of heap; this machine has " + gib(physicalMemory()) + " of memory, so it gets " + gib(heapBytes)
                    + " and may run out (a shorter dubstream.chunk.max-core holds less)");
        }
        Optional<List<String>> command = AUTO.equals(System.getProperty(SIZING_PROPERTY))
                ? ProcessHandle.current().info().arguments().flatMap(args -> ProcessHandle.current().info().command()
                        .map(java -> withHeap(java, args, heap)))
                : Optional.empty();
        if (command.isEmpty()) {
            out.println("warning: the clip is " + clip + ", for which the demo needs about " + gib(needed)
                    + " of heap; this JVM has " + gib(max) + " (DUBSTREAM_JAVA_OPTS=" + heap + " gives it more)");
            out.flush();
            return Optional.empty();
        }
        out.println("the clip is " + clip + ": the demo needs about " + gib(needed) + " of heap, more than the "
                + gib(max) + " it started with; restarting it with " + heap + " (DUBSTREAM_JAVA_OPTS=-Xmx... sets it)");
        out.flush();
        Process demo = new ProcessBuilder(command.get()).inheritIO().start();
        try {
            return Optional.of(demo.waitFor());
        } finally {
            demo.destroy();
        }
    }

    /** {@code java} with {@code args}, its {@code -Xmx} replaced by {@code heap}, marked {@link #SIZED}. */
    static List<String> withHeap(String java, String[] args, String heap) {
        List<String> command = new ArrayList<>();
        command.add(java);
        command.add(heap);
        for (String arg : args) {
            if (!arg.startsWith("-Xmx") && !arg.startsWith("-D" + SIZING_PROPERTY + "=")) {
                command.add(arg);
            }
        }
        command.add(2, "-D" + SIZING_PROPERTY + "=" + SIZED);
        return command;
    }

    /** The machine's memory, or {@code Long.MAX_VALUE} when the JVM cannot tell. */
    static long physicalMemory() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os) {
            return os.getTotalMemorySize();
        }
        return Long.MAX_VALUE;
    }

    private static double seconds(Duration d) {
        return d.toMillis() / 1000.0;
    }

    private static String gib(long bytes) {
        return String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
    }
}
