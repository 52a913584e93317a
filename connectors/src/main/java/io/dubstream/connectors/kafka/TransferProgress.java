package io.dubstream.connectors.kafka;

/** Told how far an upload or download has come, in video frames. */
@FunctionalInterface
public interface TransferProgress {

    TransferProgress NONE = (done, total) -> {};

    /**
     * @param framesDone frames transferred so far
     * @param framesTotal the expected total, or -1 while unknown
     */
    void update(long framesDone, long framesTotal);

    /** Tells this, then {@code next}. */
    default TransferProgress andThen(TransferProgress next) {
        return (done, total) -> {
            update(done, total);
            next.update(done, total);
        };
    }
}
