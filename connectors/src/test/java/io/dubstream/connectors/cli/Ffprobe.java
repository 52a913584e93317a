package io.dubstream.connectors.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Assumptions;

/**
 * ffprobe, a player's view of a media file independent of this project's code: the system's, else
 * JavaCV's ({@link FfmpegPrograms}).
 */
public final class Ffprobe {

    /**
     * @param frameRate the video's {@code r_frame_rate}, e.g. {@code 30000/1001}
     * @param averageFrameRate the video's {@code avg_frame_rate}: frames over the stream's duration
     */
    public record Streams(String videoCodec, long videoFrames, String frameRate, String averageFrameRate,
            int audioSampleRate, double durationSeconds) {

        /** {@link #averageFrameRate} as a number. */
        public double averageFramesPerSecond() {
            String[] fraction = averageFrameRate.split("/");
            return Double.parseDouble(fraction[0]) / Double.parseDouble(fraction[1]);
        }
    }

    /**
     * A file's audio track as ffprobe sees it.
     *
     * @param bitRate bits a second of the encoded track (from its size and duration), 0 when not stated
     * @param language the track's language tag ({@code und} when none was written)
     */
    public record Audio(String codec, int sampleRate, int channels, String channelLayout, long bitRate,
            String language, double startSeconds) {}

    private Ffprobe() {}

    public static boolean available() {
        return FfmpegPrograms.find("ffprobe").runs();
    }

    /** Skips the calling test, saying why, where no ffprobe runs. */
    public static void assumeAvailable() {
        Assumptions.assumeTrue(available(), () -> FfmpegPrograms.find("ffprobe").reason());
    }

    /** The command that starts ffprobe. */
    static String command() {
        return FfmpegPrograms.command("ffprobe");
    }

    /** The first audio stream, or {@code null} when there is none. */
    public static Audio audio(Path file) throws IOException, InterruptedException {
        JsonNode streams = run(file, "-select_streams", "a:0", "-show_streams").get("streams");
        if (streams == null || streams.isEmpty()) {
            return null;
        }
        JsonNode a = streams.get(0);
        JsonNode tags = a.path("tags");
        return new Audio(a.get("codec_name").asText(), a.get("sample_rate").asInt(), a.get("channels").asInt(),
                a.path("channel_layout").asText(""), a.path("bit_rate").asLong(0), tags.path("language").asText(""),
                a.path("start_time").asDouble(0));
    }

    /**
     * The rotation the first video stream's display matrix states, in ffprobe's (and FFmpeg's)
     * counter-clockwise degrees; 0 without a display matrix.
     */
    public static int displayRotation(Path file) throws IOException, InterruptedException {
        JsonNode streams = run(file, "-select_streams", "v:0", "-show_streams").get("streams");
        for (JsonNode sideData : streams.get(0).path("side_data_list")) {
            if ("Display Matrix".equals(sideData.path("side_data_type").asText())) {
                return sideData.path("rotation").asInt();
            }
        }
        return 0;
    }

    /** The clockwise rotation, 0..270, a player applies to the first video stream. */
    public static int clockwiseRotation(Path file) throws IOException, InterruptedException {
        return Math.floorMod(-displayRotation(file), 360);
    }

    /** The presentation time of every decoded frame of the first video stream, in seconds, in order. */
    public static List<Double> videoFrameTimes(Path file) throws IOException, InterruptedException {
        List<Double> times = new ArrayList<>();
        for (JsonNode frame : run(file, "-select_streams", "v:0", "-show_entries", "frame=pts_time").get("frames")) {
            times.add(frame.get("pts_time").asDouble());
        }
        return times;
    }

    /** The indexes of the decoded frames of the first video stream that are keyframes, in order. */
    public static List<Integer> videoKeyFrames(Path file) throws IOException, InterruptedException {
        List<Integer> keys = new ArrayList<>();
        int i = 0;
        for (JsonNode frame : run(file, "-select_streams", "v:0", "-show_entries", "frame=key_frame").get("frames")) {
            if (frame.get("key_frame").asInt() == 1) {
                keys.add(i);
            }
            i++;
        }
        return keys;
    }

    private static JsonNode run(Path file, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(command(), "-v", "error"));
        command.addAll(List.of(args));
        command.addAll(List.of("-of", "json", file.toString()));
        Process p = new ProcessBuilder(command).start();
        byte[] out = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0 || !err.isBlank()) {
            throw new IOException("ffprobe failed on " + file + ": " + err);
        }
        return new ObjectMapper().readTree(out);
    }

    /** Decodes every frame (-count_frames) and reports the streams. */
    public static Streams probe(Path file) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of(command(), "-v", "error", "-count_frames", "-show_streams",
                "-show_format", "-of", "json", file.toString())).start();
        byte[] out = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0 || !err.isBlank()) {
            throw new IOException("ffprobe failed on " + file + ": " + err);
        }
        JsonNode json = new ObjectMapper().readTree(out);
        String codec = null;
        long frames = -1;
        String rate = null;
        String averageRate = null;
        int sampleRate = 0;
        for (JsonNode stream : json.get("streams")) {
            if ("video".equals(stream.get("codec_type").asText())) {
                codec = stream.get("codec_name").asText();
                frames = stream.get("nb_read_frames").asLong();
                rate = stream.get("r_frame_rate").asText();
                averageRate = stream.get("avg_frame_rate").asText();
            } else if ("audio".equals(stream.get("codec_type").asText())) {
                sampleRate = stream.get("sample_rate").asInt();
            }
        }
        return new Streams(codec, frames, rate, averageRate, sampleRate, json.get("format").get("duration").asDouble());
    }
}
