package io.dubstream.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.dubstream.connectors.kafka.ClipTopics;
import io.dubstream.connectors.kafka.ClipUploader;
import io.dubstream.connectors.kafka.KafkaBrokerExtension;
import io.dubstream.connectors.kafka.TransferProgress;
import io.dubstream.connectors.media.SampleClipGenerator;

/**
 * A clip that is all on the topics before the job reads it (a backlog: the job was down, or slower
 * than the upload) needs no more memory than one read at upload pace. Its frames are small and its
 * audio large (48 kHz stereo), so that, read a fetch at a time from topics of their own, the frames
 * would run minutes ahead of the audio and the clip would hit the held-frames cap; read from one
 * partition in upload order, the job holds little more than a chunk window.
 *
 * <p>The clip's manifest is on the clips topic, so frames that come before it in one consumer poll
 * wait for it: at most one fetch of the media partition ({@code max.partition.fetch.bytes}). Kafka's
 * default, 1 MB, is about 50 frames of 640x360 but some 500 of these 256x64 ones, more than the cap
 * below; the job's consumer here fetches 128 kB a partition, as a deployment with tiny frames and a
 * tight cap would.
 */
class BacklogClipITCase {

    private static final String CLIP = "backlog";
    private static final int SECONDS = 120;
    private static final int FPS = 25;
    private static final int FRAMES = SECONDS * FPS;
    private static final long SAMPLES = SECONDS * 48_000L;

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK = BoundedJobs.miniCluster();

    @TempDir
    static Path tmp;

    @Test
    void aLongClipReadFromABacklogStaysWithinTheHeldFramesCap() throws Exception {
        Path clip = SampleClipGenerator.write(tmp.resolve("backlog.mp4"),
                new SampleClipGenerator.Spec(256, 64, FPS, 1, SECONDS, 48_000, 2));
        ClipUploader.Result uploaded = new ClipUploader(KAFKA.bootstrapServers(), ClipUploader.Options.defaults())
                .upload(clip, CLIP, TransferProgress.NONE);
        assertThat(uploaded.frames()).isEqualTo(FRAMES);
        assertThat(uploaded.samples()).isEqualTo(SAMPLES);

        Configuration conf = BoundedJobs.configuration(KAFKA.bootstrapServers(), "backlog", tmp);
        // the smallest caps that the start check accepts: the longest chunk window (18 s) at 25 fps
        conf.set(DubstreamOptions.CLIP_MAX_FPS, FPS);
        conf.set(DubstreamOptions.CLIP_MAX_HELD_FRAMES, 18 * FPS + 1);
        conf.set(DubstreamOptions.KAFKA_PROPERTIES, Map.of("max.partition.fetch.bytes", String.valueOf(128 << 10)));
        BoundedJobs.run(conf);

        CommittedClip out = CommittedClip.read(KAFKA.bootstrapServers(), "backlog.out.", CLIP);
        assertThat(out.end().isComplete()).as("%s", out.end()).isTrue();
        out.assertExactCopyOf(CommittedClip.read(KAFKA.bootstrapServers(), ClipTopics.INPUT_PREFIX, CLIP, false),
                FRAMES, SAMPLES);
    }
}
