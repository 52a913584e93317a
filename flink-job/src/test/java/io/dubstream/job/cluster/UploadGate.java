package io.dubstream.job.cluster;

import io.dubstream.connectors.kafka.TransferProgress;

/** Holds an upload once it has sent a given number of frames, until told to go on. */
final class UploadGate implements TransferProgress {

    private long holdAt;

    UploadGate(long holdAt) {
        this.holdAt = holdAt;
    }

    @Override
    public synchronized void update(long framesDone, long framesTotal) {
        while (framesDone >= holdAt) {
            try {
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Lets the upload go on to {@code frames}. */
    synchronized void holdAt(long frames) {
        holdAt = frames;
        notifyAll();
    }
}
