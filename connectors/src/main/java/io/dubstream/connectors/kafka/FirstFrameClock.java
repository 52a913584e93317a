package io.dubstream.connectors.kafka;

import java.util.OptionalLong;

/**
 * Notes when a transfer's first frame went through ({@link System#nanoTime()}): for the latency
 * from a clip's first frame sent to its first frame processed and downloaded.
 */
public final class FirstFrameClock implements TransferProgress {

    private volatile long firstFrameNanos;
    private volatile boolean seen;

    @Override
    public void update(long framesDone, long framesTotal) {
        if (framesDone > 0 && !seen) {
            firstFrameNanos = System.nanoTime();
            seen = true;
        }
    }

    /** When the first frame went through, if it has. */
    public OptionalLong firstFrameNanos() {
        return seen ? OptionalLong.of(firstFrameNanos) : OptionalLong.empty();
    }
}
