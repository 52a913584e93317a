package io.dubstream.job.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;

import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

import io.dubstream.connectors.media.MediaInfo;
import io.dubstream.job.DubstreamOptions;

class DemoHeapTest {

    private static final long GIB = 1L << 30;

    @Test
    void theLaunchersHeapFitsTheSampleClipAndA4kClipNeedsSeveralTimesIt() {
        Configuration defaults = new Configuration();
        assertThat(DemoHeap.neededBytes(info(640, 360, 25), defaults)).isLessThan(GIB);
        assertThat(DemoHeap.neededBytes(info(1280, 720, 30), defaults)).isLessThan(GIB + GIB / 2);
        // 3840x2160x3 / 8 bytes a frame, 25 frames/s, 17 s (15 s core + 1 s context on each side), 3 copies
        assertThat(DemoHeap.neededBytes(info(3840, 2160, 25), defaults))
                .isEqualTo(DemoHeap.BASE_BYTES + 3L * 3840 * 2160 * 3 / 8 * 25 * 17);
    }

    @Test
    void whatIsHeldFollowsTheChunkWindowOrTheHybridThresholdNotTheClip() {
        Configuration longChunks = new Configuration();
        longChunks.set(DubstreamOptions.CHUNK_MAX_CORE, Duration.ofSeconds(40));
        Configuration wholeClips = new Configuration();
        wholeClips.set(DubstreamOptions.CHUNK_HYBRID_THRESHOLD, Duration.ofSeconds(60));
        double defaults = frames(new Configuration());
        // the chunk window, 40 s core + 1 s context on each side, against 15 s + 2 x 1 s
        assertThat(frames(longChunks) / defaults).isCloseTo(42.0 / 17, within(0.01));
        // a clip up to the hybrid threshold is held whole
        assertThat(frames(wholeClips) / defaults).isCloseTo(60.0 / 17, within(0.01));
    }

    /** What a 1080p clip's frames take of the heap, beyond the base. */
    private static double frames(Configuration conf) {
        return DemoHeap.neededBytes(info(1920, 1080, 25), conf) - DemoHeap.BASE_BYTES;
    }

    @Test
    void aClipShorterThanWhatTheJobMayHoldNeedsOnlyItsOwnFrames() {
        Configuration wholeClips = new Configuration();
        wholeClips.set(DubstreamOptions.CHUNK_HYBRID_THRESHOLD, Duration.ofHours(1));
        MediaInfo fortyFiveSeconds = new MediaInfo("mp4", "h264", "aac", 25, 1, 640, 360, 45 * 25L, 48_000, 2,
                45_000_000L, 0, 0L);
        assertThat(DemoHeap.neededBytes(fortyFiveSeconds, wholeClips))
                .isEqualTo(DemoHeap.BASE_BYTES + 3L * 640 * 360 * 3 / 8 * 25 * 45);
    }

    @Test
    void theRestartedJvmHasTheNewHeapInsteadOfTheOldAndDoesNotRestartAgain() {
        List<String> command = DemoHeap.withHeap("/usr/bin/java", new String[] {"-Dai.djl.offline=true", "-Xmx1g",
            "-Ddubstream.demo.heap=auto", "-cp", "a.jar:lib/*", "io.dubstream.job.cli.DubstreamLauncher", "demo",
            "--input", "clip.mp4"}, "-Xmx4800m");
        assertThat(command).containsExactly("/usr/bin/java", "-Xmx4800m", "-Ddubstream.demo.heap=sized",
                "-Dai.djl.offline=true", "-cp", "a.jar:lib/*", "io.dubstream.job.cli.DubstreamLauncher", "demo",
                "--input", "clip.mp4");
    }

    @Test
    void withoutTheLaunchersSizingAHeapTooSmallIsAWarningAndTheDemoGoesOn() throws Exception {
        StringWriter out = new StringWriter();
        // a frame size no test JVM's heap holds three chunk windows of
        MediaInfo huge = info(16_384, 16_384, 60);
        assertThat(DemoHeap.restartIfTooSmall(huge, new Configuration(), new PrintWriter(out))).isEmpty();
        assertThat(out.toString()).startsWith("warning: the clip is 16384x16384 at 60 frames/s, for which the demo needs about ")
                .contains("DUBSTREAM_JAVA_OPTS=-Xmx");
    }

    private static MediaInfo info(int width, int height, int fps) {
        return new MediaInfo("mp4", "h264", "aac", fps, 1, width, height, fps * 60L, 48_000, 2, 60_000_000L, 0, 0L);
    }
}
