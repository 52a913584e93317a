package io.dubstream.connectors.kafka;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.dubstream.connectors.media.JpegCodec;
import io.dubstream.connectors.media.MediaSample;

/**
 * JPEG-encodes decoded frames on worker threads while the caller goes on decoding, and hands the
 * encoded frames back in their original order. At most {@code window} frames are in flight, so
 * memory stays bounded whatever the clip's length.
 */
final class FrameEncoder implements AutoCloseable {

    /** A frame and its JPEG bytes. */
    record Encoded(MediaSample.VideoSample frame, byte[] jpeg) {}

    private final ExecutorService workers;
    private final int window;
    private final float quality;
    private final ArrayDeque<Future<Encoded>> inFlight = new ArrayDeque<>();

    FrameEncoder(int threads, int window, float quality) {
        this.workers = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "jpeg-encoder");
            t.setDaemon(true);
            return t;
        });
        this.window = window;
        this.quality = quality;
    }

    /** Queues {@code frame}; returns the frames whose encoding is done, in order (maybe none). */
    List<Encoded> submit(MediaSample.VideoSample frame) throws InterruptedException {
        inFlight.add(workers.submit(() -> new Encoded(frame, encode(frame))));
        List<Encoded> ready = new ArrayList<>();
        while (!inFlight.isEmpty() && (inFlight.size() > window || inFlight.peekFirst().isDone())) {
            ready.add(take());
        }
        return ready;
    }

    private byte[] encode(MediaSample.VideoSample frame) {
        return switch (frame.layout()) {
            case BGR24 -> JpegCodec.encode(frame.pixels(), frame.width(), frame.height(), quality);
            case YUV420_FULL_RANGE -> JpegCodec.encodeYuv420(frame.pixels(), frame.width(), frame.height(), quality);
        };
    }

    /** Waits for every queued frame; returns them in order. */
    List<Encoded> drain() throws InterruptedException {
        List<Encoded> ready = new ArrayList<>();
        while (!inFlight.isEmpty()) {
            ready.add(take());
        }
        return ready;
    }

    private Encoded take() throws InterruptedException {
        try {
            return inFlight.pollFirst().get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException("JPEG encoding failed: " + cause.getMessage(), cause);
        }
    }

    @Override
    public void close() {
        inFlight.forEach(f -> f.cancel(true));
        inFlight.clear();
        workers.shutdownNow();
    }
}
