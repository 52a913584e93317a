package io.dubstream.connectors.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avutil;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The thread an encoder runs on: what reaches the encoder, in which order, and what happens when it
 * is slow or fails. The sink stands in for the encoder and the muxer; Mp4WriterTest runs real ones.
 */
class EncoderThreadTest {

    private static final long END = -1;

    @BeforeAll
    static void loadFfmpeg() throws MediaException {
        FFmpegRuntime.ensureLoaded();
    }

    @Test
    void framesReachTheEncoderInTheOrderTheyWereQueuedThenTheEnd() throws Exception {
        List<Long> seen = new CopyOnWriteArrayList<>();
        try (EncoderThread thread = start((context, stream, frame, duration) ->
                seen.add(frame == null ? END : frame.pts()), 3)) {
            for (long pts = 0; pts < 50; pts++) {
                AVFrame frame = thread.acquire();
                frame.pts(pts);
                thread.submit(frame, 1);
            }
            thread.finish();
        }
        assertThat(seen).hasSize(51);
        for (int i = 0; i < 50; i++) {
            assertThat(seen.get(i)).as("frame %d", i).isEqualTo(i);
        }
        assertThat(seen.get(50)).isEqualTo(END);
    }

    @Test
    void withEveryBufferQueuedTheNextWaitsForTheEncoder() throws Exception {
        CountDownLatch encoderMayGoOn = new CountDownLatch(1);
        try (EncoderThread thread = start((context, stream, frame, duration) -> {
            try {
                encoderMayGoOn.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, 3)) {
            for (int i = 0; i < 3; i++) {
                thread.submit(thread.acquire(), 1); // the first is with the encoder, two wait
            }
            CompletableFuture<AVFrame> fourth = CompletableFuture.supplyAsync(() -> {
                try {
                    return thread.acquire();
                } catch (MediaException e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThatThrownBy(() -> fourth.get(300, TimeUnit.MILLISECONDS))
                    .isInstanceOf(java.util.concurrent.TimeoutException.class);
            encoderMayGoOn.countDown();
            assertThat(fourth.get(10, TimeUnit.SECONDS)).isNotNull();
        }
    }

    @Test
    void anEncoderFailureIsThrownByTheNextAcquireAndByFinish() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        try (EncoderThread thread = start((context, stream, frame, duration) -> {
            if (calls.incrementAndGet() == 2) {
                throw new MediaException("encoding failed (Invalid data found when processing input)");
            }
        }, 3)) {
            assertThatThrownBy(() -> {
                for (int i = 0; i < 1000; i++) {
                    thread.submit(thread.acquire(), 1);
                }
            }).isInstanceOf(MediaException.class).hasMessage("encoding failed (Invalid data found when processing input)");
            assertThat(calls.get()).isEqualTo(2); // nothing reached the encoder after the failure
            assertThatThrownBy(thread::finish).isInstanceOf(MediaException.class)
                    .hasMessageContaining("Invalid data found");
        }
    }

    @Test
    void aBufferWhosePreparationFailedComesBack() throws Exception {
        try (EncoderThread thread = start((context, stream, frame, duration) -> { }, 1)) {
            thread.giveBack(thread.acquire());
            AVFrame again = assertTimeoutPreemptively(Duration.ofSeconds(5), thread::acquire);
            thread.submit(again, 1);
            thread.finish();
        }
    }

    @Test
    void closingStopsAnEncoderThatIsStillWorking() throws Exception {
        CountDownLatch encoding = new CountDownLatch(1);
        EncoderThread thread = start((context, stream, frame, duration) -> {
            encoding.countDown();
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, 2);
        thread.submit(thread.acquire(), 1);
        thread.submit(thread.acquire(), 1);
        assertThat(encoding.await(10, TimeUnit.SECONDS)).isTrue();
        assertTimeoutPreemptively(Duration.ofSeconds(10), thread::close);
        assertThatThrownBy(thread::acquire).isInstanceOf(IllegalStateException.class);
    }

    private static EncoderThread start(PacketSink sink, int buffers) throws MediaException {
        return new EncoderThread("test encoder", null, null, sink, 64, 36, avutil.AV_PIX_FMT_YUV420P, buffers, 1);
    }
}
