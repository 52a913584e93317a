package io.dubstream.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.dubstream.connectors.format.ClipRecordCodec;
import io.dubstream.connectors.kafka.ClipTopics;
import io.dubstream.connectors.kafka.ClipUploader;
import io.dubstream.connectors.kafka.KafkaBrokerExtension;
import io.dubstream.connectors.kafka.KafkaClients;
import io.dubstream.connectors.kafka.TransferProgress;
import io.dubstream.connectors.media.SampleClipGenerator;
import io.dubstream.connectors.records.ClipManifest;
import io.dubstream.connectors.records.DeadLetter;
import io.dubstream.connectors.records.EndOfClip;
import io.dubstream.connectors.records.TestManifests;
import io.dubstream.connectors.records.VideoFrame;

/**
 * The whole job on a MiniCluster (parallelism 2) against a real Kafka broker, with a good clip and
 * bad records produced straight to the input topics: the good clip comes out complete and bit for
 * bit, and every bad record has its one dead letter on the dead-letter topic (read_committed). Among
 * them a record of random bytes just under Kafka's 1 MiB limit, whose dead letter keeps its first
 * 64 KiB with its length and SHA-256: written whole, it would be over the limit and fail the job
 * over and over.
 */
class BadInputITCase {

    private static final String GOOD = "good";
    private static final String OTHER = "other";

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK = BoundedJobs.miniCluster();

    @TempDir
    static Path tmp;

    @Test
    void badRecordsBecomeDeadLettersAndTheGoodClipComesOutWhole() throws Exception {
        String bootstrap = KAFKA.bootstrapServers();
        // 3 s at 25 fps: it runs whole
        Path file = SampleClipGenerator.write(tmp.resolve("good.mp4"),
                new SampleClipGenerator.Spec(256, 64, 25, 1, 3, 16_000, 1));
        ClipUploader.Result uploaded = new ClipUploader(bootstrap, ClipUploader.Options.defaults())
                .upload(file, GOOD, TransferProgress.NONE);
        CommittedClip in = CommittedClip.read(bootstrap, ClipTopics.INPUT_PREFIX, GOOD);
        assertThat(in.frames).hasSize(75);

        ClipRecordCodec codec = new ClipRecordCodec();
        byte[] manifestAgain = codec.encode(in.control.get(0));
        byte[] frameAgain = codec.encode(in.frames.get(3));
        byte[] garbage = "not a frame".getBytes(StandardCharsets.UTF_8);
        byte[] truncated = Arrays.copyOf(frameAgain, frameAgain.length - 2);
        ClipManifest otherManifest = TestManifests.of(OTHER, 64, 36, 25, 1, 25, 16_000, 1, 1_700_000_000_000L);
        byte[] wrongSize = codec.encode(new VideoFrame(OTHER, 0, 0, 32, 18, new byte[] {1, 2, 3}));
        // random bytes just under the broker's limit: its dead letter must fit under the producer's
        byte[] huge = new byte[1_048_400];
        new java.util.Random(5).nextBytes(huge);
        try (KafkaProducer<String, byte[]> producer = KafkaClients.transactionalProducer(bootstrap, "bad-input")) {
            producer.initTransactions();
            producer.beginTransaction();
            ClipTopics topics = ClipTopics.INPUT;
            producer.send(new ProducerRecord<>(topics.media(), GOOD, garbage));
            producer.send(new ProducerRecord<>(topics.media(), GOOD, huge));
            producer.send(new ProducerRecord<>(topics.media(), GOOD, truncated));
            producer.send(new ProducerRecord<>(topics.clips(), GOOD, manifestAgain));
            producer.send(new ProducerRecord<>(topics.media(), GOOD, frameAgain));
            producer.send(new ProducerRecord<>(topics.clips(), OTHER, codec.encode(otherManifest)));
            producer.send(new ProducerRecord<>(topics.media(), OTHER, wrongSize));
            producer.commitTransaction();
        }

        BoundedJobs.run(BoundedJobs.configuration(bootstrap, "bad", tmp), input -> input);

        CommittedClip good = CommittedClip.read(bootstrap, "bad.out.", GOOD);
        assertThat(good.control).hasSize(2);
        assertThat(good.control.get(0)).isEqualTo(in.control.get(0));
        assertThat(good.control.get(1)).isEqualTo(new EndOfClip(GOOD, 75, uploaded.samples(),
                EndOfClip.Status.COMPLETE, "mode=whole chunks=1",
                ((EndOfClip) in.control.get(1)).getFinishedAtMillis()));
        assertThat(good.frames).hasSize(75);
        for (int i = 0; i < 75; i++) {
            assertThat(good.frames.get(i)).as("frame %d", i).isEqualTo(in.frames.get(i));
        }
        assertThat(good.samples()).hasSize(48_000).isEqualTo(in.samples());

        String wrongSizeReason = "frame 0 is 32x18 but the manifest says 64x36";
        CommittedClip other = CommittedClip.read(bootstrap, "bad.out.", OTHER);
        assertThat(other.frames).isEmpty();
        assertThat(other.control).containsExactly(otherManifest, new EndOfClip(OTHER, 0, 0, EndOfClip.Status.FAILED,
                wrongSizeReason, otherManifest.getCreatedAtMillis()));

        List<DeadLetter> dead = CommittedClip.readTopic(bootstrap, "bad.dlq").stream()
                .map(r -> (DeadLetter) codec.decode(r.value()).recordOrThrow())
                .toList();
        assertThat(dead).hasSize(6);
        assertDeadLetter(dead, garbage, GOOD, "dubstream.media", "record does not start with the dubstream magic");
        assertDeadLetter(dead, huge, GOOD, "dubstream.media", "record does not start with the dubstream magic");
        assertDeadLetter(dead, truncated, GOOD, "dubstream.media", "VIDEO_FRAME record is truncated");
        assertDeadLetter(dead, manifestAgain, GOOD, "dubstream.clips", "duplicate manifest of clip good");
        // the job may read it before or after the clip's end-of-clip record, which is on another topic
        assertDeadLetter(dead, frameAgain, GOOD, "dubstream.media", "duplicate frame 3 of clip good",
                "frame 3 of clip good arrived after the clip ended");
        assertDeadLetter(dead, wrongSize, OTHER, "dubstream.media", wrongSizeReason);
    }

    /** One dead letter holds {@code original}, for {@code clipId}, and its reason starts with one of {@code reasons}. */
    private static void assertDeadLetter(List<DeadLetter> dead, byte[] original, String clipId, String topic,
            String... reasons) {
        byte[] digest = DeadLetter.sha256(original);
        List<DeadLetter> matching = dead.stream().filter(d -> Arrays.equals(d.getOriginalSha256(), digest)).toList();
        assertThat(matching).as("dead letters of %s", reasons[0]).hasSize(1);
        DeadLetter letter = matching.get(0);
        // the original, or for a large one its first bytes, with its whole length
        assertThat(letter.getOriginalLength()).isEqualTo(original.length);
        assertThat(letter.getOriginalValue()).isEqualTo(
                Arrays.copyOf(original, Math.min(original.length, DeadLetter.DEFAULT_MAX_KEPT_BYTES)));
        assertThat(letter.getClipId()).isEqualTo(clipId);
        assertThat(letter.getSourceTopic()).isEqualTo(topic);
        assertThat(letter.getReason()).satisfiesAnyOf(
                r -> assertThat(r).startsWith(reasons[0]),
                r -> assertThat(r).startsWith(reasons[reasons.length - 1]));
    }
}
