package io.dubstream.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.dubstream.connectors.kafka.ClipTopics;
import io.dubstream.connectors.kafka.ClipUploader;
import io.dubstream.connectors.kafka.KafkaBrokerExtension;
import io.dubstream.connectors.kafka.TransferProgress;
import io.dubstream.connectors.media.SampleClipGenerator;
import io.dubstream.connectors.records.ChunkStatus;
import io.dubstream.connectors.records.ClipRecord;
import io.dubstream.connectors.records.EndOfClip;
import io.dubstream.connectors.records.ScriptLine;
import io.dubstream.connectors.script.Script;
import io.dubstream.connectors.script.ScriptFiles;
import io.dubstream.connectors.script.ScriptOptions;
import io.dubstream.job.inference.dub.DubSettings;
import io.dubstream.job.inference.dub.EspeakSynthesizer;
import io.dubstream.job.inference.dub.SynthesisException;

/**
 * A 24 s clip at 48 kHz stereo with a 3-line French script through the whole job with the built-in
 * synthesizer (espeak-ng; skipped where it is not installed): outside the lines the output's audio
 * is the source's, sample for sample; under each line it carries the synthesized speech. Run again
 * with chunk 1's first attempt failing, the output is the same to the sample: the retried chunk
 * speaks its lines again, and each comes out once. Run whole (one chunk), the audio is the same
 * to the sample as chunked: chunks join at their cuts, each line spoken by the chunk that owns it.
 */
class DubbedClipITCase {

    private static final String CLIP = "dubbed";
    private static final int RATE = 48_000;
    private static final long S = 1_000_000;

    private static final String SRT = """
            1
            00:00:01,000 --> 00:00:04,000
            Bonjour à tous, et bienvenue.

            2
            00:00:08,000 --> 00:00:09,600
            La gare est par là.

            3
            00:00:10,400 --> 00:00:14,000
            Merci beaucoup, au revoir.
            """;

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK = BoundedJobs.miniCluster();

    @TempDir
    static Path tmp;

    private static Script script;

    /** Why espeak-ng cannot run here, or {@code null}. */
    private static String espeakMissing;

    @BeforeAll
    static void uploadAndDubTwice() throws Exception {
        try {
            new EspeakSynthesizer().close();
        } catch (SynthesisException e) {
            // each test skips with the reason: aborted here, Maven would report the class as 0 tests run
            espeakMissing = "espeak-ng is not installed: " + e.getMessage();
            return;
        }
        Path clip = SampleClipGenerator.write(tmp.resolve("dubbed.mp4"),
                new SampleClipGenerator.Spec(256, 144, 25, 1, 24, RATE, 2));
        script = ScriptFiles.read(Files.writeString(tmp.resolve("dubbed.fr.srt"), SRT),
                ScriptOptions.DEFAULTS.withLanguage("fr"));
        new ClipUploader(KAFKA.bootstrapServers(), ClipUploader.Options.defaults())
                .upload(clip, CLIP, script, TransferProgress.NONE);

        run("dub", "", false);
        run("dubretried", CLIP + ":1", false);
        run("dubwhole", "", true);
    }

    @BeforeEach
    void needsEspeak() {
        Assumptions.assumeTrue(espeakMissing == null, espeakMissing);
    }

    private static void run(String name, String failingChunks, boolean whole) throws Exception {
        Configuration conf = BoundedJobs.configuration(KAFKA.bootstrapServers(), name, tmp);
        if (whole) {
            conf.set(DubstreamOptions.CHUNK_HYBRID_THRESHOLD, Duration.ofMinutes(1));
            // a minute held whole fits the held-frames cap at the clip's 25 fps
            conf.set(DubstreamOptions.CLIP_MAX_FPS, 25);
        }
        conf.set(DubstreamOptions.VOICE_MODEL, "espeak-ng");
        conf.set(DubstreamOptions.FAULT_FAIL_CHUNKS, failingChunks);
        conf.set(DubstreamOptions.INFERENCE_RETRY_BACKOFF, Duration.ofMillis(20));
        conf.set(DubstreamOptions.STATUS_TOPIC, name + ".status");
        BoundedJobs.run(conf);
    }

    @Test
    void outsideTheLinesTheAudioIsTheSourcesAndUnderThemTheDubSpeaks() {
        CommittedClip in = CommittedClip.read(KAFKA.bootstrapServers(), ClipTopics.INPUT_PREFIX, CLIP);
        CommittedClip out = CommittedClip.read(KAFKA.bootstrapServers(), "dub.out.", CLIP);
        assertThat(out.end().getStatus()).isEqualTo(EndOfClip.Status.COMPLETE);
        assertThat(out.frames).hasSameSizeAs(in.frames);
        assertThat(out.script).extracting(ScriptLine::getText).containsExactly("Bonjour à tous, et bienvenue.",
                "La gare est par là.", "Merci beaucoup, au revoir.");
        short[] source = in.samples();
        short[] dubbed = out.samples();
        assertThat(dubbed).hasSameSizeAs(source);

        List<ScriptLine> lines = script.lines();
        long ramp = DubSettings.DEFAULTS.duckRampMicros();
        long untouched = 0;
        for (int s = 0; s < source.length / 2; s++) {
            long t = s * S / RATE;
            if (!nearALine(t, lines, ramp)) {
                untouched++;
                assertThat(dubbed[2 * s]).as("left sample %d at %d us", s, t).isEqualTo(source[2 * s]);
                assertThat(dubbed[2 * s + 1]).as("right sample %d at %d us", s, t).isEqualTo(source[2 * s + 1]);
            }
        }
        // 0 to 0.95 s and 15.05 to 24 s
        assertThat(untouched).as("samples outside the lines").isGreaterThan(9L * RATE);
        for (ScriptLine line : lines) {
            // the first half second of each line: the dub speaks, the original is ducked by 20 dB
            double difference = rmsDifference(source, dubbed, line.getStartMicros() + 50_000,
                    line.getStartMicros() + 550_000);
            System.out.printf("line %d: RMS difference from the source over its first 0.5 s: %.0f%n",
                    line.getLineIndex(), difference);
            assertThat(difference).as("line %d", line.getLineIndex()).isGreaterThan(500);
        }
    }

    @Test
    void aRetriedChunkSpeaksItsLinesAgainAndEachComesOutOnce() {
        CommittedClip clean = CommittedClip.read(KAFKA.bootstrapServers(), "dub.out.", CLIP);
        CommittedClip retried = CommittedClip.read(KAFKA.bootstrapServers(), "dubretried.out.", CLIP);
        assertThat(retried.end().getStatus()).isEqualTo(EndOfClip.Status.COMPLETE);
        assertThat(retried.samples()).isEqualTo(clean.samples());
        assertThat(retried.script).isEqualTo(clean.script);
    }

    @Test
    void theChunksJoinedAtTheirCutsSoundAsTheClipDubbedWhole() {
        CommittedClip chunked = CommittedClip.read(KAFKA.bootstrapServers(), "dub.out.", CLIP);
        CommittedClip whole = CommittedClip.read(KAFKA.bootstrapServers(), "dubwhole.out.", CLIP);
        assertThat(whole.end().getReason()).contains("mode=whole");
        assertThat(chunked.end().getReason()).contains("mode=chunked chunks=3");
        // every line is spoken once, by the chunk that owns it, and no line needed the room past a cut
        assertThat(chunked.samples()).isEqualTo(whole.samples());
    }

    @Test
    void theStatusTopicCountsEachLineOnce() {
        int[] total = new int[4];
        for (ClipRecord record : CommittedClip.records(KAFKA.bootstrapServers(), "dubretried.status", CLIP)) {
            if (record instanceof ChunkStatus status && status.getState() == ChunkStatus.State.MERGED) {
                assertThat(status.hasDubLines()).as("chunk %d", status.getChunkIndex()).isTrue();
                for (int i = 0; i < 4; i++) {
                    total[i] += status.getDubLines()[i];
                }
            }
        }
        assertThat(total[0]).as("lines spoken").isEqualTo(3);
        assertThat(total[1] + total[2] + total[3]).isLessThanOrEqualTo(3);
    }

    /** Whether {@code t} lies where a line's dub may sound: from its ramp to the next line's ramp, or a second after the last. */
    private static boolean nearALine(long t, List<ScriptLine> lines, long ramp) {
        for (int i = 0; i < lines.size(); i++) {
            long from = lines.get(i).getStartMicros() - ramp;
            long to = (i + 1 < lines.size() ? lines.get(i + 1).getStartMicros() : lines.get(i).getEndMicros() + S) + ramp;
            if (t >= from - 1000 && t < to + 1000) {
                return true;
            }
        }
        return false;
    }

    private static double rmsDifference(short[] a, short[] b, long fromMicros, long toMicros) {
        int from = (int) (fromMicros * RATE / S);
        int to = (int) (toMicros * RATE / S);
        double sum = 0;
        for (int s = from; s < to; s++) {
            for (int c = 0; c < 2; c++) {
                double d = a[2 * s + c] - b[2 * s + c];
                sum += d * d;
            }
        }
        return Math.sqrt(sum / (2.0 * (to - from)));
    }
}
