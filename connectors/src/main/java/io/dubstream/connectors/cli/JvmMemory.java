package io.dubstream.connectors.cli;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;

/** Memory figures of this JVM for summaries. */
public final class JvmMemory {

    private JvmMemory() {}

    /**
     * The peak resident set size of this process (Linux {@code VmHWM}), or -1 where the kernel does
     * not report it.
     */
    public static long peakRssBytes() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (java.io.IOException | NumberFormatException e) {
            // not Linux, or a format we do not know
        }
        return -1;
    }

    /** "peak heap 85 MB, peak RSS 310 MB" for the last line of a command. */
    public static String describe() {
        long rss = peakRssBytes();
        return String.format("peak heap %d MB%s", peakHeapBytes() / 1_000_000,
                rss > 0 ? String.format(", peak RSS %d MB", rss / 1_000_000) : "");
    }

    /** The sum of the heap pools' peak usage since the JVM started (an upper bound of the peak heap). */
    public static long peakHeapBytes() {
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        return peak;
    }
}
