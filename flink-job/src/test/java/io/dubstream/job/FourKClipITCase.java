package io.dubstream.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.dubstream.connectors.cli.Ffmpeg;
import io.dubstream.connectors.cli.Ffprobe;
import io.dubstream.connectors.format.RecordLimits;
import io.dubstream.connectors.kafka.ClipDownloader;
import io.dubstream.connectors.kafka.ClipTopics;
import io.dubstream.connectors.kafka.ClipUploader;
import io.dubstream.connectors.kafka.KafkaBrokerExtension;
import io.dubstream.connectors.kafka.TransferProgress;
import io.dubstream.connectors.records.VideoFrame;

/**
 * Grainy 4K footage through the whole job with the frame limits at their defaults and the broker at
 * Kafka's default limits (1 MiB a record): each 3840x2160 frame is about 1.7 MB of JPEG, so it
 * travels as two frame parts to the job and two from it. With the identity model the output frames
 * are the input's, byte for byte, every one once and in order, and the download writes an mp4 with
 * all of them. The source is made with ffmpeg (the system's, else JavaCV's: {@code Ffmpeg}): 1 s at
 * 10 fps, 10 frames: most of the test's time goes to JPEG encoding and decoding of 4K frames in the
 * upload and the download, so few frames keep it short.
 */
class FourKClipITCase {

    private static final String CLIP = "grainy-4k";
    private static final int FRAMES = 10;

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK = BoundedJobs.miniCluster();

    @TempDir
    static Path tmp;

    private static ClipUploader.Result uploaded;
    private static CommittedClip input;
    private static CommittedClip output;
    private static Path mp4;
    private static ClipDownloader.Result downloaded;

    @BeforeAll
    static void uploadRunAndDownload() throws Exception {
        Ffmpeg.assumeAvailable();
        Path source = Ffmpeg.grainyClip(tmp.resolve("grainy-4k.mp4"), 3840, 2160, 10, 1);
        uploaded = new ClipUploader(KAFKA.bootstrapServers(), ClipUploader.Options.defaults())
                .upload(source, CLIP, TransferProgress.NONE);
        input = CommittedClip.read(KAFKA.bootstrapServers(), ClipTopics.INPUT_PREFIX, CLIP);

        BoundedJobs.run(BoundedJobs.configuration(KAFKA.bootstrapServers(), "fourk", tmp), in -> in);
        output = CommittedClip.read(KAFKA.bootstrapServers(), "fourk.out.", CLIP);

        mp4 = tmp.resolve("grainy-4k-out.mp4");
        downloaded = new ClipDownloader(KAFKA.bootstrapServers(),
                ClipDownloader.Options.defaults().withTopics(ClipTopics.withPrefix("fourk.out.")))
                .download(CLIP, mp4, TransferProgress.NONE);
    }

    @Test
    void everyFrameIsAboveOneRecordsLimitAndWasUploadedInParts() {
        assertThat(uploaded.frames()).isEqualTo(FRAMES);
        assertThat(input.frames).hasSize(FRAMES);
        for (VideoFrame frame : input.frames) {
            assertThat(frame.getImage().length).as("frame %d", frame.getFrameIndex())
                    .isGreaterThan(RecordLimits.DEFAULTS.maxFrameBytes());
        }
        assertThat(input.frameParts).hasSize(2 * FRAMES);
        assertThat(input.rawValues).allSatisfy(value -> assertThat(value.length)
                .isLessThanOrEqualTo(RecordLimits.DEFAULTS.largestFrameRecordBytes()));
    }

    @Test
    void theJobGivesBackEveryFrameByteForByteOnceAndInOrder() {
        output.assertExactCopyOf(input, FRAMES, uploaded.samples());
        // the job writes the frames as the uploader did: the same parts, in the same order
        assertThat(output.frameParts).containsExactlyElementsOf(input.frameParts);
        assertThat(CommittedClip.readPartition(KAFKA.bootstrapServers(), "fourk.dlq", CLIP)).as("dead letters")
                .isEmpty();
    }

    @Test
    void theDownloadWritesAnMp4WithEveryFrame() throws Exception {
        assertThat(downloaded.frames()).isEqualTo(FRAMES);
        assertThat(downloaded.duplicatesSkipped()).isZero();
        Ffprobe.Streams streams = Ffprobe.probe(mp4);
        assertThat(streams.videoFrames()).isEqualTo(FRAMES);
    }
}
