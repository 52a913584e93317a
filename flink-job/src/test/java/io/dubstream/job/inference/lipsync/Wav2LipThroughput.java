package io.dubstream.job.inference.lipsync;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

import ai.djl.pytorch.jni.JniUtils;

/**
 * Throughput and memory of {@link Wav2LipReference} (the untrained published Wav2Lip generator) per
 * batch size; not a test. Prints one line per batch size: frames/s of the median and of the
 * fastest call among at least {@code --seconds} of repeated calls after one warm-up call (the median
 * is the figure; on a shared machine the fastest shows what the cores do when nothing else runs),
 * the process's peak RSS (VmHWM) and the peak Java heap. Peak RSS is the process's peak since it started, so run one batch size per JVM
 * for clean figures (bench/wav2lip-throughput.sh does).
 *
 * <pre>
 *   java -cp ... io.dubstream.job.inference.lipsync.Wav2LipThroughput [--seconds S] [--keep-intermediates]
 *       [--torchscript FILE] BATCH...
 * </pre>
 * Intra-op threads: PyTorch's default (one per core), or {@code -Dai.djl.pytorch.num_threads=N}.
 * {@code --keep-intermediates}: do not free intermediates during the forward pass (as a plain
 * Block-built model), to measure what freeing them saves. {@code --torchscript FILE}: the same
 * measurements for a TorchScript lip-sync model instead (for instance the published layout traced by
 * make_lipsync_fixture.py --export-layout).
 */
public final class Wav2LipThroughput {

    private Wav2LipThroughput() {}

    public static void main(String[] args) throws IOException {
        double seconds = 10;
        boolean release = true;
        Path torchScript = null;
        List<Integer> batches = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--seconds" -> seconds = Double.parseDouble(args[++i]);
                case "--keep-intermediates" -> release = false;
                case "--torchscript" -> torchScript = Path.of(args[++i]);
                default -> batches.add(Integer.parseInt(args[i]));
            }
        }
        if (batches.isEmpty()) {
            batches = List.of(1, 8, 16, 32);
        }
        long start = System.nanoTime();
        try (LipSyncModel model = torchScript != null ? new TorchScriptLipSyncModel(torchScript)
                : new Wav2LipReference(Wav2LipReference.DEFAULT_SEED, release)) {
            System.out.printf(Locale.ROOT,
                    "# %s, %s, %d intra-op threads, model loaded in %.1f s, RSS %s MB, load %s%n",
                    model.name(), torchScript != null ? "TorchScript" : release ? "freeing intermediates"
                            : "keeping intermediates", JniUtils.getNumThreads(),
                    (System.nanoTime() - start) / 1e9, statusMegabytes("VmRSS"), loadAverage());
            System.out.println("# batch  calls  frames/s (median)  ms/frame  frames/s (fastest)  peak RSS MB  peak heap MB");
            for (int batch : batches) {
                float[] mels = LipSyncFixtures.fixedMels(batch);
                float[] faces = LipSyncFixtures.fixedFaces(batch);
                model.predict(mels, faces, batch); // warm-up
                List<Long> calls = new ArrayList<>();
                long begin = System.nanoTime();
                do {
                    long call = System.nanoTime();
                    model.predict(mels, faces, batch);
                    calls.add(System.nanoTime() - call);
                } while (System.nanoTime() - begin < seconds * 1e9 || calls.size() < 3);
                Collections.sort(calls);
                double median = batch / (calls.get(calls.size() / 2) / 1e9);
                double fastest = batch / (calls.get(0) / 1e9);
                System.out.printf(Locale.ROOT, "%7d %6d %18.2f %9.1f %19.2f %12s %13d   load %s%n", batch,
                        calls.size(), median, 1000 / median, fastest, statusMegabytes("VmHWM"), peakHeapMegabytes(),
                        loadAverage());
            }
        }
    }

    /** A field of /proc/self/status (kB) in MB. */
    private static String statusMegabytes(String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith(field + ":")) {
                long kb = Long.parseLong(line.replaceAll("\\D+", ""));
                return Long.toString(kb / 1024);
            }
        }
        return "?";
    }

    /** The 1-minute load average: other processes on the same cores skew the figures. */
    private static String loadAverage() throws IOException {
        return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    }

    private static long peakHeapMegabytes() {
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        return peak / (1024 * 1024);
    }
}
