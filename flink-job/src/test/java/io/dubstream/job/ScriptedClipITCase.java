package io.dubstream.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.dubstream.connectors.kafka.ClipTopics;
import io.dubstream.connectors.kafka.ClipUploader;
import io.dubstream.connectors.kafka.KafkaBrokerExtension;
import io.dubstream.connectors.kafka.TransferProgress;
import io.dubstream.connectors.media.SampleClipGenerator;
import io.dubstream.connectors.records.ChunkStatus;
import io.dubstream.connectors.records.ClipManifest;
import io.dubstream.connectors.records.ClipRecord;
import io.dubstream.connectors.records.ScriptLine;
import io.dubstream.connectors.script.Script;
import io.dubstream.connectors.script.ScriptFiles;
import io.dubstream.connectors.script.ScriptOptions;

/**
 * A 45 s clip at 48 kHz stereo with a dubbing script, through the whole job on a MiniCluster
 * against a real broker: it comes out 48 kHz stereo and exact to the sample with the identity
 * model, with its script, and the status topic shows cores cut between the script's lines.
 */
class ScriptedClipITCase {

    private static final String CLIP = "scripted";
    private static final int FRAMES = 45 * 25;
    private static final long SAMPLES = 45 * 48_000;

    /** Lines every few seconds; the gaps nearest 10, 20, 30 and 40 s are where the cuts must fall. */
    private static final String SRT = """
            1
            00:00:00,500 --> 00:00:04,000
            Bonjour à tous.

            2
            00:00:04,300 --> 00:00:09,100
            Aujourd'hui nous parlons de trains.

            3
            00:00:09,500 --> 00:00:11,900
            Des trains rapides.

            4
            00:00:12,200 --> 00:00:18,600
            Et des trains lents, qui arrivent quand même.

            5
            00:00:19,800 --> 00:00:21,500
            Parfois.

            6
            00:00:21,700 --> 00:00:28,900
            La gare est au bout de la rue.

            7
            00:00:29,300 --> 00:00:31,000
            Tout droit.

            8
            00:00:31,200 --> 00:00:38,200
            Puis à gauche, après la boulangerie.

            9
            00:00:39,400 --> 00:00:41,000
            Merci.

            10
            00:00:41,300 --> 00:00:44,500
            Au revoir.
            """;

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK = BoundedJobs.miniCluster();

    @TempDir
    static Path tmp;

    private static Script script;

    @BeforeAll
    static void uploadAndRun() throws Exception {
        Path clip = SampleClipGenerator.write(tmp.resolve("scripted.mp4"),
                new SampleClipGenerator.Spec(256, 144, 25, 1, 45, 48_000, 2));
        Path srt = Files.writeString(tmp.resolve("scripted.fr.srt"), SRT);
        script = ScriptFiles.read(srt, ScriptOptions.DEFAULTS.withLanguage("fr"));
        // the transport keeps the source's layout by default: 48 kHz stereo
        ClipUploader.Result uploaded = new ClipUploader(KAFKA.bootstrapServers(), ClipUploader.Options.defaults())
                .upload(clip, CLIP, script, TransferProgress.NONE);
        assertThat(uploaded.frames()).isEqualTo(FRAMES);
        assertThat(uploaded.samples()).isEqualTo(SAMPLES);

        Configuration conf = BoundedJobs.configuration(KAFKA.bootstrapServers(), "scripted", tmp);
        conf.set(DubstreamOptions.STATUS_TOPIC, "scripted.status");
        BoundedJobs.run(conf);
    }

    @Test
    void comesOutAt48KilohertzStereoExactToTheSampleWithItsScript() {
        CommittedClip in = CommittedClip.read(KAFKA.bootstrapServers(), ClipTopics.INPUT_PREFIX, CLIP);
        CommittedClip out = CommittedClip.read(KAFKA.bootstrapServers(), "scripted.out.", CLIP);

        out.assertExactCopyOf(in, FRAMES, SAMPLES);
        ClipManifest manifest = (ClipManifest) out.control.get(0);
        assertThat(manifest.getSampleRate()).isEqualTo(48_000);
        assertThat(manifest.getChannels()).isEqualTo(2);
        assertThat(manifest.getScriptLineCount()).isEqualTo(10);
        assertThat(manifest.getScriptLanguage()).isEqualTo("fr");
        assertThat(out.script).extracting(ScriptLine::getText).startsWith("Bonjour à tous.").hasSize(10);
    }

    @Test
    void theStatusTopicShowsCoresCutBetweenTheLines() {
        List<ClipRecord> status = CommittedClip.records(KAFKA.bootstrapServers(), "scripted.status", CLIP);
        // each chunk's first PENDING: the cut (a heartbeat while it stays pending repeats it without the core)
        List<ChunkStatus> pending = status.stream()
                .filter(r -> r instanceof ChunkStatus s && s.getState() == ChunkStatus.State.PENDING)
                .map(r -> (ChunkStatus) r)
                .filter(ChunkStatus::hasCore)
                .toList();
        // cuts in the widest gap near each 10 s: 9.3, 19.2, 29.1 and 38.8 s
        assertThat(pending).extracting(ChunkStatus::getCoreStartMicros)
                .containsExactly(0L, 9_300_000L, 19_200_000L, 29_100_000L, 38_800_000L);
        assertThat(pending).extracting(ChunkStatus::getCut).containsExactly("gap", "gap", "gap", "gap", "end");
        for (ChunkStatus chunk : pending) {
            for (ScriptLine line : script.lines()) {
                assertThat(line.getStartMicros() < chunk.getCoreStartMicros()
                        && line.getEndMicros() > chunk.getCoreStartMicros())
                        .as("line %d across the start of chunk %d", line.getLineIndex(), chunk.getChunkIndex())
                        .isFalse();
            }
        }
    }
}
