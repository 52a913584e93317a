package io.dubstream.connectors.media;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avutil;

/**
 * Runs a video encoder on a thread of its own, so that whoever prepares the next frames (decoding,
 * converting, the audio, reading them) does not wait while the encoder works on this one.
 *
 * <p>Frames are prepared in one of a few buffers ({@link #acquire()}), queued in order
 * ({@link #submit}) and encoded in that order; a buffer comes back once the encoder has taken its
 * frame. With all buffers queued, {@link #acquire()} waits: the encoder sets the pace, and the memory
 * stays at {@code buffers} frames. A failure of the encoder ends the thread and is thrown by the next
 * {@link #acquire()} or by {@link #finish()}. Not thread-safe: one thread prepares the frames.
 */
final class EncoderThread implements AutoCloseable {

    /** A frame queued for the encoder, or the end of the stream ({@code frame == null}). */
    private record Queued(AVFrame frame, long duration) {}

    private final AVCodecContext context;
    private final AVStream stream;
    private final PacketSink sink;
    private final long endDuration;
    private final List<AVFrame> buffers = new ArrayList<>();
    private final BlockingQueue<AVFrame> free;
    private final BlockingQueue<Queued> queued;
    private final Thread thread;
    private volatile Throwable failure;
    private boolean finished;

    /**
     * Starts the thread, with {@code buffers} frames of the given size and pixel format.
     *
     * @param sink where the encoder's packets go; called on the encoder's thread
     * @param endDuration the duration of a packet that states none, given when the stream ends
     * @throws MediaException when FFmpeg has no memory for the buffers
     */
    EncoderThread(String name, AVCodecContext context, AVStream stream, PacketSink sink, int width, int height,
            int pixelFormat, int buffers, long endDuration) throws MediaException {
        if (buffers < 1) {
            throw new IllegalArgumentException("an encoder thread needs at least one buffer, got " + buffers);
        }
        this.context = context;
        this.stream = stream;
        this.sink = sink;
        this.endDuration = endDuration;
        this.free = new ArrayBlockingQueue<>(buffers);
        this.queued = new ArrayBlockingQueue<>(buffers + 1);
        for (int i = 0; i < buffers; i++) {
            AVFrame frame = avutil.av_frame_alloc();
            if (frame == null) {
                freeBuffers();
                throw new MediaException("FFmpeg is out of memory for a " + width + "x" + height + " frame");
            }
            this.buffers.add(frame);
            frame.format(pixelFormat).width(width).height(height);
            int ret = avutil.av_frame_get_buffer(frame, 0);
            if (ret < 0) {
                freeBuffers();
                throw new MediaException("cannot allocate a " + width + "x" + height + " frame ("
                        + FFmpegRuntime.describe(ret) + ")");
            }
            free.add(frame);
        }
        this.thread = new Thread(this::run, name);
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * A buffer to prepare the next frame in, writable (the encoder holds no reference to it); waits
     * while every buffer is queued.
     *
     * @throws MediaException when the encoder has failed (its error), or the wait is interrupted
     */
    AVFrame acquire() throws MediaException {
        ensureNotFinished();
        try {
            while (true) {
                rethrowFailure();
                AVFrame frame = free.poll(100, TimeUnit.MILLISECONDS);
                if (frame != null) {
                    int ret = avutil.av_frame_make_writable(frame);
                    if (ret < 0) {
                        free.add(frame);
                        throw new MediaException("cannot reuse a video frame buffer (" + FFmpegRuntime.describe(ret)
                                + ")");
                    }
                    return frame;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MediaException("interrupted while waiting for the video encoder");
        }
    }

    /**
     * Queues a frame prepared in a buffer from {@link #acquire()}, its presentation time set, for
     * the encoder.
     *
     * @param duration the frame's duration in the encoder's time base, for a packet that states none
     */
    void submit(AVFrame frame, long duration) throws MediaException {
        ensureNotFinished();
        put(new Queued(frame, duration));
    }

    /** Returns a buffer from {@link #acquire()} that holds no frame to encode (its preparation failed). */
    void giveBack(AVFrame frame) {
        free.add(frame);
    }

    /**
     * Ends the stream: waits until the encoder has taken every queued frame and given back all its
     * packets.
     *
     * @throws MediaException when the encoder failed, now or on an earlier frame
     */
    void finish() throws MediaException {
        ensureNotFinished();
        finished = true;
        put(new Queued(null, endDuration));
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MediaException("interrupted while the video encoder finished");
        }
        rethrowFailure();
    }

    /** Stops the thread, whatever it was doing, and frees the buffers; safe to call more than once. */
    @Override
    public void close() {
        finished = true;
        thread.interrupt();
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        freeBuffers();
    }

    private void run() {
        try {
            while (true) {
                Queued next = queued.take();
                sink.send(context, stream, next.frame(), next.duration());
                if (next.frame() == null) {
                    return;
                }
                free.add(next.frame());
            }
        } catch (InterruptedException e) {
            // closed
        } catch (MediaException | RuntimeException e) {
            failure = e;
        }
    }

    private void put(Queued q) throws MediaException {
        try {
            // room for every buffer and the end: never waits for long
            while (!queued.offer(q, 100, TimeUnit.MILLISECONDS)) {
                rethrowFailure();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MediaException("interrupted while queueing a frame for the video encoder");
        }
    }

    private void rethrowFailure() throws MediaException {
        Throwable f = failure;
        if (f instanceof MediaException m) {
            throw new MediaException(m.getMessage(), m);
        }
        if (f instanceof RuntimeException r) {
            throw new MediaException("the video encoder failed: " + r, r);
        }
    }

    private void ensureNotFinished() {
        if (finished) {
            throw new IllegalStateException("the video encoder's stream has ended");
        }
    }

    private void freeBuffers() {
        for (AVFrame frame : buffers) {
            avutil.av_frame_free(frame);
        }
        buffers.clear();
    }
}
