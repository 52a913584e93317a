package io.dubstream.connectors.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/**
 * The ffmpeg command (the system's, else JavaCV's, {@link FfmpegPrograms}), for tests that need a
 * source file made independently of this project's code (a phone's display rotation, a variable
 * frame rate, audio that starts after the video), or a player's view of a file: it applies the
 * display rotation when it decodes.
 */
public final class Ffmpeg {

    private Ffmpeg() {}

    public static boolean available() {
        return FfmpegPrograms.find("ffmpeg").runs();
    }

    /** Skips the calling test, saying why, where ffmpeg or ffprobe (the helpers use both) does not run. */
    public static void assumeAvailable() {
        Assumptions.assumeTrue(available(), () -> FfmpegPrograms.find("ffmpeg").reason());
        Ffprobe.assumeAvailable();
    }

    /** Runs {@code ffmpeg -v error -y ARGS}; fails with ffmpeg's own message. */
    public static void run(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(command(), "-nostdin", "-v", "error", "-y"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("ffmpeg " + String.join(" ", args) + " failed: " + output);
        }
    }

    /** Whether this ffmpeg has the encoder {@code name}, as {@code ffmpeg -encoders} lists it. */
    private static boolean hasEncoder(String name) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command(), "-hide_banner", "-encoders").redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("ffmpeg -encoders failed: " + output);
        }
        // lines such as " V....D libx264    libx264 H.264 / AVC ..."
        return output.lines().map(String::trim).map(line -> line.split("\\s+"))
                .anyMatch(fields -> fields.length > 1 && fields[1].equals(name));
    }

    /**
     * A source's video encoder: x264 at {@code x264Crf} where this ffmpeg has it (Debian's does),
     * else FFmpeg's MPEG-4 Part 2 encoder at quantizer {@code mpeg4Quality} with two B-frames (JavaCV's
     * LGPL build has no x264, and openh264 makes no B-frames). With B-frames (x264 makes them at every
     * preset but ultrafast) frames are stored out of their display order, as a camera's H.264 stores them.
     */
    private static List<String> videoEncoder(String x264Preset, int x264Crf, int mpeg4Quality)
            throws IOException, InterruptedException {
        List<String> codec = hasEncoder("libx264")
                ? List.of("-c:v", "libx264", "-preset", x264Preset, "-crf", String.valueOf(x264Crf))
                : List.of("-c:v", "mpeg4", "-bf", "2", "-q:v", String.valueOf(mpeg4Quality));
        List<String> options = new ArrayList<>(codec);
        options.addAll(List.of("-pix_fmt", "yuv420p"));
        return options;
    }

    private static String command() {
        return FfmpegPrograms.command("ffmpeg");
    }

    /**
     * A copy of {@code source}, its streams copied as they are, whose display matrix asks players to
     * turn the frames {@code clockwise} degrees. ffmpeg 6 and later take the angle with
     * {@code -display_rotation}; 5.1 (Debian 12) only with a {@code rotate} tag, which it reads
     * counter-clockwise as the display matrix does. Checked with ffprobe either way.
     */
    public static Path withRotation(Path source, Path out, int clockwise) throws IOException, InterruptedException {
        String counterClockwise = String.valueOf(Math.floorMod(-clockwise, 360));
        try {
            run("-display_rotation", counterClockwise, "-i", source.toString(), "-c", "copy", out.toString());
        } catch (IOException olderFfmpeg) {
            run("-i", source.toString(), "-c", "copy", "-metadata:s:v:0", "rotate=" + counterClockwise, out.toString());
        }
        int written = Ffprobe.clockwiseRotation(out);
        if (written != clockwise) {
            throw new IOException("ffmpeg wrote a rotation of " + written + " degrees clockwise, not " + clockwise);
        }
        return out;
    }

    /**
     * A variable frame rate clip: {@code firstSeconds} at 24 fps, then {@code secondSeconds} at 12 fps
     * (every other frame of the same 24 fps pattern, times kept), with B-frames (H.264 by x264 veryfast
     * or MPEG-4, {@link #videoEncoder}), and a 48 kHz stereo tone as long as the video.
     */
    public static Path variableFrameRateClip(Path out, int width, int height, int firstSeconds, int secondSeconds)
            throws IOException, InterruptedException {
        int seconds = firstSeconds + secondSeconds;
        List<String> args = new ArrayList<>(List.of(
                "-f", "lavfi", "-i", "testsrc2=s=" + width + "x" + height + ":r=24:d=" + seconds,
                "-f", "lavfi", "-i", "sine=f=440:r=48000:d=" + seconds,
                "-vf", "select='lt(t\\," + firstSeconds + ")+not(mod(n\\,2))'", "-fps_mode", "vfr"));
        args.addAll(videoEncoder("veryfast", 23, 3));
        args.addAll(List.of("-c:a", "aac", "-ac", "2", out.toString()));
        run(args.toArray(String[]::new));
        return out;
    }

    /**
     * A clip that looks like grainy camera footage: ffmpeg's test pattern under temporal noise (every
     * frame its own grain, strength 10), H.264 at CRF 20 or MPEG-4 at quantizer 2 ({@link #videoEncoder}),
     * which keep the grain, and a 48 kHz stereo tone. A 3840x2160 frame of it is about 1.7 MB of JPEG
     * at quality 0.9; the file 35-40 MB a second at 10 fps.
     */
    public static Path grainyClip(Path out, int width, int height, int fps, int seconds)
            throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of(
                "-f", "lavfi", "-i", "testsrc2=s=" + width + "x" + height + ":r=" + fps + ":d=" + seconds,
                "-f", "lavfi", "-i", "sine=f=440:r=48000:d=" + seconds, "-vf", "noise=alls=10:allf=t"));
        args.addAll(videoEncoder("ultrafast", 20, 2));
        args.addAll(List.of("-c:a", "aac", "-ac", "2", out.toString()));
        run(args.toArray(String[]::new));
        return out;
    }

    /**
     * The first frame of {@code file} as a player shows it (rotated by its display matrix), in
     * 8-bit grey, row by row.
     */
    public static Picture firstFrameAsShown(Path file, Path scratch) throws IOException, InterruptedException {
        run("-i", file.toString(), "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "gray", scratch.toString());
        List<String> probe = List.of(Ffprobe.command(), "-v", "error", "-select_streams", "v:0", "-show_entries",
                "stream=width,height", "-of", "csv=p=0", file.toString());
        Process p = new ProcessBuilder(probe).start();
        String[] wh = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim().split(",");
        p.waitFor(30, TimeUnit.SECONDS);
        byte[] pixels = java.nio.file.Files.readAllBytes(scratch);
        int w = Integer.parseInt(wh[0]);
        int h = Integer.parseInt(wh[1]);
        // a quarter turn swaps the shown width and height
        return Ffprobe.clockwiseRotation(file) % 180 != 0 ? new Picture(h, w, pixels) : new Picture(w, h, pixels);
    }

    /** Grey pixels, {@code width * height} bytes. */
    public record Picture(int width, int height, byte[] grey) {

        /** The brightest of the four corners: {@code TL}, {@code TR}, {@code BL} or {@code BR}. */
        public String brightestCorner() {
            int inset = 5;
            int[] values = {at(inset, inset), at(width - 1 - inset, inset), at(inset, height - 1 - inset),
                at(width - 1 - inset, height - 1 - inset)};
            String[] names = {"TL", "TR", "BL", "BR"};
            int best = 0;
            for (int i = 1; i < 4; i++) {
                if (values[i] > values[best]) {
                    best = i;
                }
            }
            return names[best];
        }

        private int at(int x, int y) {
            return grey[y * width + x] & 0xFF;
        }
    }
}
