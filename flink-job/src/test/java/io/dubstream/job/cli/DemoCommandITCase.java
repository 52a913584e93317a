package io.dubstream.job.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.dubstream.connectors.cli.DubstreamCli;
import io.dubstream.connectors.cli.Ffprobe;
import io.dubstream.connectors.media.SampleClipGenerator;
import io.dubstream.job.inference.lipsync.TestFrames;

/** The README's first command, in-process: broker, local Flink cluster, job, upload, download, summary. */
class DemoCommandITCase {

    @TempDir
    Path tmp;

    @Test
    void demoRunsTheJobAndWritesAPlayableMp4AndASummary() throws Exception {
        Path input = SampleClipGenerator.write(tmp.resolve("in.mp4"),
                new SampleClipGenerator.Spec(320, 180, 30_000, 1001, 25.0, 44_100, 2));
        Path output = tmp.resolve("demo/demo.mp4");
        Path summary = tmp.resolve("demo/summary.json");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();

        int code = DubstreamLauncher.run(new PrintWriter(out), new PrintWriter(err), "demo", "--input",
                input.toString(), "--output", output.toString(), "--summary", summary.toString(), "--model",
                "colour-gain", "--encoder", "openh264", "--quality", "30");

        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).contains("Flink web UI at http://", "running with model colour-gain",
                "; processed in 3 overlapping chunks");
        JsonNode json = new ObjectMapper().readTree(summary.toFile());
        assertThat(json.get("videoCodec").asText()).as("the encoder asked for").isEqualTo("libopenh264");
        assertThat(json.get("status").asText()).isEqualTo("COMPLETE");
        assertThat(json.get("model").asText()).isEqualTo("colour-gain");
        assertThat(json.get("framesIn").asLong()).isEqualTo(749);
        assertThat(json.get("framesOut").asLong()).isEqualTo(749);
        assertThat(json.get("audioSamplesOut").asLong()).isEqualTo(json.get("audioSamplesIn").asLong());
        assertThat(json.get("mode").asText()).as("25 s, above the 15 s hybrid threshold").isEqualTo("chunked");
        assertThat(json.get("chunks").asInt()).isEqualTo(3);
        assertThat(json.get("fps").asText()).isEqualTo("30000/1001");
        assertThat(json.get("wallSeconds").asDouble()).isPositive();
        assertThat(json.get("realtimeFactor").asDouble()).isPositive();
        assertThat(json.get("peakHeapBytes").asLong()).isPositive();
        // the demo checkpoints every 2 s: frames were held in state at some checkpoint
        assertThat(json.get("stateBackend").asText()).isEqualTo("hashmap");
        assertThat(json.get("checkpointIntervalSeconds").asDouble()).isEqualTo(2.0);
        assertThat(json.get("checkpointsCompleted").asLong()).isPositive();
        assertThat(json.get("peakCheckpointBytes").asLong()).isPositive()
                .isGreaterThanOrEqualTo(json.get("lastCheckpointBytes").asLong());
        if (Files.exists(Path.of("/proc/self/status"))) {
            assertThat(json.get("peakRssBytes").asLong()).as("Linux's VmHWM").isPositive();
        }

        // the clip's status records travel in the summary: a report from the summary alone has its chart
        JsonNode status = json.get("statusRecords");
        assertThat(status.size()).as("PENDING, RUNNING, DONE and MERGED of 3 chunks, and the outcome")
                .isGreaterThanOrEqualTo(3 * 4 + 1);
        assertThat(status.get(status.size() - 1).get("outcome").asText()).isEqualTo("COMPLETED");
        Path page = tmp.resolve("demo/report.html");
        int reported = DubstreamLauncher.run(new PrintWriter(out), new PrintWriter(err), "report", "--summaries",
                summary.toString(), "--output", page.toString());
        assertThat(reported).as(err.toString()).isZero();
        String html = Files.readString(page);
        assertThat(html.split("<g class=\"chunk\"", -1)).as("one chart row per chunk").hasSize(3 + 1);
        assertThat(html).contains("<tr class=\"clip completed\" data-outcome=\"COMPLETED\">");

        // an independent player's view of the file: ffprobe, the system's or JavaCV's
        Ffprobe.assumeAvailable();
        Ffprobe.Streams streams = Ffprobe.probe(output);
        assertThat(streams.videoFrames()).isEqualTo(749);
        assertThat(streams.frameRate()).isEqualTo("30000/1001");
        assertThat(streams.audioSampleRate()).as("the source's rate, kept").isEqualTo(44_100);
        assertThat(streams.durationSeconds()).isCloseTo(749 * 1001 / 30_000.0, Offset.offset(0.05));
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void aFailedUploadEndsTheConcurrentDownloadWithTheUploadsError() throws Exception {
        Path input = SampleClipGenerator.write(tmp.resolve("in.mp4"),
                new SampleClipGenerator.Spec(256, 144, 25, 1, 2.0, 16_000, 1));
        // the clip opens; its upload then refuses the script, whose line ends after the clip's 2 s
        Path script = Files.writeString(tmp.resolve("late.srt"), "1\n00:00:05,000 --> 00:00:06,000\nToo late.\n");
        StringWriter err = new StringWriter();

        // no job: the download waits on the output topics for a clip that never comes
        int code = DubstreamLauncher.run(new PrintWriter(new StringWriter()), new PrintWriter(err), "demo", "--input",
                input.toString(), "--script", script.toString(), "--output", tmp.resolve("failed/demo.mp4").toString(),
                "--summary", tmp.resolve("failed/summary.json").toString(), "--skip-job");

        assertThat(code).as(err.toString()).isEqualTo(DubstreamCli.EXIT_FAILED);
        assertThat(err.toString()).contains("the upload failed: ", "past the clip's end");
        assertThat(tmp.resolve("failed/summary.json")).doesNotExist();
    }

    @Test
    void demoLipSyncsARealFaceWithTheReferenceModelAndTheVoiceEffect() throws Exception {
        Path input = TestFrames.writeFaceClip(tmp.resolve("face.mp4"), 75);
        Path output = tmp.resolve("face/demo.mp4");
        Path summary = tmp.resolve("face/summary.json");
        StringWriter err = new StringWriter();

        int code = DubstreamLauncher.run(new PrintWriter(new StringWriter()), new PrintWriter(err), "demo", "--input",
                input.toString(), "--output", output.toString(), "--summary", summary.toString(), "--model",
                "wav2lip-reference", "--voice", "voice-pitch-shift", "--device", "cpu");

        assertThat(code).as(err.toString()).isZero();
        JsonNode json = new ObjectMapper().readTree(summary.toFile());
        assertThat(json.get("status").asText()).isEqualTo("COMPLETE");
        assertThat(json.get("model").asText()).isEqualTo("wav2lip-reference");
        assertThat(json.get("voiceModel").asText()).isEqualTo("voice-pitch-shift");
        assertThat(json.get("device").asText()).isEqualTo("cpu()");
        assertThat(json.get("framesOut").asLong()).isEqualTo(75);
        assertThat(json.get("audioSamplesIn").asLong()).isEqualTo(75 * 640);
        assertThat(json.get("audioSamplesOut").asLong()).isEqualTo(75 * 640);
        // one chunk (3 s): the stage saw each frame once, and the face is found in every one
        assertThat(json.get("lipSyncFrames").asLong()).isEqualTo(75);
        assertThat(json.get("lipSyncFramesWithFace").asLong()).isEqualTo(75);
        assertThat(json.get("facesPerFrame").asDouble()).isEqualTo(1.0);
        assertThat(json.get("gpuPeakUsedBytes").isNull()).as("no GPU memory on the CPU").isTrue();
    }
}
