package io.dubstream.connectors.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.bytedeco.javacpp.Loader;

/**
 * Where the {@code ffmpeg} and {@code ffprobe} programs that tests run come from: the system's (on the
 * {@code PATH}, e.g. Debian's ffmpeg package) when it runs, else the ones JavaCV's FFmpeg jar ships
 * ({@code org.bytedeco:ffmpeg} for this platform, already a dependency), unpacked by JavaCPP's
 * {@link Loader}. Either way they are programs of their own, independent of this project's code.
 *
 * <p>The system property {@value #CHOICE} picks one: {@code system}, {@code bundled}, or unset for the
 * first that runs. JavaCV's programs link libavdevice, and so PulseAudio's and XCB's client libraries
 * ({@code libpulse0}, {@code libxcb-shm0}); where they are missing the reason says so.
 */
final class FfmpegPrograms {

    static final String CHOICE = "dubstream.test.ffmpeg";

    /** A program that runs ({@code command} set), or why none does ({@code reason}). */
    record Program(String command, String reason) {

        boolean runs() {
            return command != null;
        }
    }

    private static final Map<String, Program> FOUND = new ConcurrentHashMap<>();

    private FfmpegPrograms() {}

    /** {@code ffmpeg} or {@code ffprobe}, found once per JVM. */
    static Program find(String name) {
        return FOUND.computeIfAbsent(name, n -> search(n, System.getProperty(CHOICE, "")));
    }

    /** The command to start {@code name} with; fails with the reason when none runs. */
    static String command(String name) {
        Program program = find(name);
        if (!program.runs()) {
            throw new IllegalStateException(program.reason());
        }
        return program.command();
    }

    /** {@code name} as {@code choice} ({@code system}, {@code bundled} or empty) says, looked for now. */
    static Program search(String name, String choice) {
        if (!List.of("", "system", "bundled").contains(choice)) {
            throw new IllegalArgumentException(CHOICE + " is system, bundled or unset, not '" + choice + "'");
        }
        List<String> failures = new ArrayList<>();
        if (!choice.equals("bundled")) {
            String failure = failureToRun(name);
            if (failure == null) {
                return new Program(name, null);
            }
            failures.add("the system's " + name + ": " + failure);
        }
        if (!choice.equals("system")) {
            String bundled;
            try {
                bundled = Loader.load(name.equals("ffprobe") ? org.bytedeco.ffmpeg.ffprobe.class
                        : org.bytedeco.ffmpeg.ffmpeg.class);
            } catch (RuntimeException | LinkageError e) {
                bundled = null;
                failures.add("JavaCV's " + name + " does not load: " + e.getMessage());
            }
            if (bundled != null) {
                String failure = failureToRun(bundled);
                if (failure == null) {
                    return new Program(bundled, null);
                }
                failures.add("JavaCV's " + name + " (" + bundled + "): " + failure
                        + " (it needs libpulse0 and libxcb-shm0)");
            }
        }
        return new Program(null, "no " + name + " runs here: " + String.join("; ", failures));
    }

    /** Why {@code command -version} does not run and succeed, or {@code null} when it does. */
    private static String failureToRun(String command) {
        try {
            Process p = new ProcessBuilder(command, "-version").redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "-version did not finish in 10 s";
            }
            return p.exitValue() == 0 ? null : output.lines().findFirst().orElse("exit code " + p.exitValue());
        } catch (IOException e) {
            return "not installed";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }
}
