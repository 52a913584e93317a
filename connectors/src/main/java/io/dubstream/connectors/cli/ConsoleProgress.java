package io.dubstream.connectors.cli;

import java.io.PrintStream;

import io.dubstream.connectors.kafka.TransferProgress;

/**
 * A one-line progress bar on the terminal, redrawn at most ten times a second. It draws nothing
 * when the output is not a terminal (a pipe, a file, CI), so logs stay clean.
 */
public final class ConsoleProgress implements TransferProgress {

    private static final int WIDTH = 30;
    static final long REDRAW_NANOS = 100_000_000L;

    private final String label;
    private final PrintStream out;
    private final boolean enabled;
    private final long started = System.nanoTime();
    private long lastDraw;
    private boolean drawn;
    private long lastDone;
    private long lastTotal;

    ConsoleProgress(String label, PrintStream out, boolean enabled) {
        this.label = label;
        this.out = out;
        this.enabled = enabled;
    }

    /** Something that reports its progress as it runs. */
    @FunctionalInterface
    public interface Transfer<R> {
        R run(TransferProgress progress) throws Exception;
    }

    /** Runs {@code transfer} with a bar labelled {@code label} on the terminal, and ends the bar's line. */
    public static <R> R showing(String label, Transfer<R> transfer) throws Exception {
        ConsoleProgress progress = onTerminal(label);
        try {
            return transfer.run(progress);
        } finally {
            progress.finish();
        }
    }

    /** A bar on stderr when there is a terminal. */
    static ConsoleProgress onTerminal(String label) {
        return new ConsoleProgress(label, System.err, System.console() != null);
    }

    @Override
    public void update(long done, long total) {
        lastDone = done;
        lastTotal = total;
        long now = System.nanoTime();
        if (!enabled || now - lastDraw < REDRAW_NANOS) {
            return;
        }
        lastDraw = now;
        out.print("\r" + render(done, total, (now - started) / 1e9));
        out.flush();
        drawn = true;
    }

    /** Ends the bar's line so that the next output starts on a fresh one. */
    void finish() {
        if (drawn) {
            // the last update may have fallen between two redraws: show where it ended
            out.print("\r" + render(lastDone, lastTotal, (System.nanoTime() - started) / 1e9));
            out.println();
            out.flush();
            drawn = false;
        }
    }

    String render(long done, long total, double seconds) {
        double rate = seconds > 0 ? done / seconds : 0;
        StringBuilder b = new StringBuilder(label).append(" [");
        if (total > 0) {
            double fraction = Math.min(1.0, (double) done / total);
            int filled = (int) Math.round(fraction * WIDTH);
            b.append("#".repeat(filled)).append("-".repeat(WIDTH - filled)).append("] ");
            b.append(String.format("%3d%% %d/%d frames", Math.round(fraction * 100), done, total));
        } else {
            int pos = (int) (done % WIDTH);
            b.append("-".repeat(pos)).append('#').append("-".repeat(WIDTH - pos - 1)).append("] ");
            b.append(done).append(" frames");
        }
        return b.append(String.format(" %.0f frames/s   ", rate)).toString();
    }
}
