package io.dubstream.connectors.kafka;

import java.util.concurrent.locks.LockSupport;

/**
 * Holds an upload to a frame rate, as a live source sends a clip: frame {@code n} leaves no earlier
 * than {@code n / framesPerSecond} after the upload started. Passes each update on to {@code next}.
 */
public final class LivePace implements TransferProgress {

    private final double framesPerSecond;
    private final TransferProgress next;
    private final long start = System.nanoTime();
    private volatile long frames;

    public LivePace(double framesPerSecond, TransferProgress next) {
        if (!(framesPerSecond > 0)) {
            throw new IllegalArgumentException("a live pace needs a positive frame rate, got " + framesPerSecond);
        }
        this.framesPerSecond = framesPerSecond;
        this.next = next;
    }

    @Override
    public void update(long framesDone, long framesTotal) {
        frames = framesDone;
        next.update(framesDone, framesTotal);
        long due = start + (long) (framesDone * 1e9 / framesPerSecond);
        LockSupport.parkNanos(due - System.nanoTime());
    }

    /** Frames sent so far. */
    public long frames() {
        return frames;
    }
}
