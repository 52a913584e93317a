package io.dubstream.connectors.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Debian's ffprobe, a player's independent view of a media file, for tests that have it. */
public final class Ffprobe {

    public record Streams(long videoFrames, String frameRate, int audioSampleRate, double durationSeconds) {}

    private Ffprobe() {}

    public static boolean available() {
        try {
            Process p = new ProcessBuilder("ffprobe", "-version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /** Decodes every frame (-count_frames) and reports the streams. */
    public static Streams probe(Path file) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of("ffprobe", "-v", "error", "-count_frames", "-show_streams",
                "-show_format", "-of", "json", file.toString())).start();
        byte[] out = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0 || !err.isBlank()) {
            throw new IOException("ffprobe failed on " + file + ": " + err);
        }
        JsonNode json = new ObjectMapper().readTree(out);
        long frames = -1;
        String rate = null;
        int sampleRate = 0;
        for (JsonNode stream : json.get("streams")) {
            if ("video".equals(stream.get("codec_type").asText())) {
                frames = stream.get("nb_read_frames").asLong();
                rate = stream.get("r_frame_rate").asText();
            } else if ("audio".equals(stream.get("codec_type").asText())) {
                sampleRate = stream.get("sample_rate").asInt();
            }
        }
        return new Streams(frames, rate, sampleRate, json.get("format").get("duration").asDouble());
    }
}
