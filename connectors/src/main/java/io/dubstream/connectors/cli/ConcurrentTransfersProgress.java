package io.dubstream.connectors.cli;

import java.io.PrintStream;
import java.util.Arrays;

import io.dubstream.connectors.kafka.TransferProgress;

/**
 * One terminal line for transfers that run at the same time (the demo's upload and download), each
 * as its label, percentage, frames and rate: {@code upload c  40% 80/200 40/s | download c  10% 20/200 10/s}.
 * Two bars on one line would overwrite each other; this line is redrawn at most ten times a second
 * from whichever transfer moved. Like {@link ConsoleProgress}, it draws nothing when the output is
 * not a terminal.
 */
public final class ConcurrentTransfersProgress {

    private final String[] labels;
    private final long[] done;
    private final long[] total;
    private final PrintStream out;
    private final boolean enabled;
    private final long started = System.nanoTime();
    private long lastDraw;
    private boolean drawn;

    ConcurrentTransfersProgress(PrintStream out, boolean enabled, String... labels) {
        this.labels = labels.clone();
        this.done = new long[labels.length];
        this.total = new long[labels.length];
        Arrays.fill(total, -1);
        this.out = out;
        this.enabled = enabled;
    }

    /** A line on stderr when there is a terminal, one part per label, in this order. */
    public static ConcurrentTransfersProgress onTerminal(String... labels) {
        return new ConcurrentTransfersProgress(System.err, System.console() != null, labels);
    }

    /** The progress of the transfer with the {@code index}-th label; it may be told from any thread. */
    public TransferProgress transfer(int index) {
        if (index < 0 || index >= labels.length) {
            throw new IndexOutOfBoundsException("no transfer " + index + " of " + labels.length);
        }
        return (framesDone, framesTotal) -> update(index, framesDone, framesTotal);
    }

    private synchronized void update(int index, long framesDone, long framesTotal) {
        done[index] = framesDone;
        total[index] = framesTotal;
        long now = System.nanoTime();
        if (!enabled || now - lastDraw < ConsoleProgress.REDRAW_NANOS) {
            return;
        }
        lastDraw = now;
        out.print("\r" + render((now - started) / 1e9));
        out.flush();
        drawn = true;
    }

    /** Ends the line, showing where each transfer ended, so that the next output starts on a fresh one. */
    public synchronized void finish() {
        if (drawn) {
            out.print("\r" + render((System.nanoTime() - started) / 1e9));
            out.println();
            out.flush();
            drawn = false;
        }
    }

    synchronized String render(double seconds) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < labels.length; i++) {
            if (i > 0) {
                b.append(" | ");
            }
            b.append(labels[i]).append(' ');
            if (total[i] > 0) {
                b.append(String.format("%3d%% %d/%d", Math.round(Math.min(1.0, (double) done[i] / total[i]) * 100),
                        done[i], total[i]));
            } else {
                b.append(done[i]);
            }
            b.append(String.format(" %.0f/s", seconds > 0 ? done[i] / seconds : 0));
        }
        return b.append(" frames   ").toString();
    }
}
