package io.dubstream.connectors.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Debian's chromium, headless, for tests that load a page in a real browser: the DOM after the page
 * loaded and what the page wrote to the console (its script errors and blocked actions among it).
 */
public final class Chromium {

    /** A console line in chromium's log: {@code [..:INFO:CONSOLE:1] "message", source: file:///... (1)}. */
    private static final Pattern CONSOLE = Pattern.compile(":CONSOLE[:(]");
    private static final String[] COMMANDS = {"chromium", "chromium-browser"};

    /**
     * A page as the browser left it.
     *
     * @param dom the document serialized after loading
     * @param console what the page logged: messages, uncaught errors, Content-Security-Policy violations
     */
    public record Page(String dom, List<String> console) {}

    private Chromium() {}

    /** The command that starts chromium here, or null when none does. */
    public static String command() {
        for (String c : COMMANDS) {
            if (runs(c)) {
                return c;
            }
        }
        return null;
    }

    private static boolean runs(String command) {
        try {
            Process p = new ProcessBuilder(command, "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /** Loads {@code file} headless and returns its DOM and console. */
    public static Page load(Path file, Path scratch) throws IOException, InterruptedException {
        String command = command();
        if (command == null) {
            throw new IllegalStateException("chromium is not installed");
        }
        Path profile = Files.createTempDirectory(scratch, "chromium-profile");
        Path dom = scratch.resolve(file.getFileName() + ".dom");
        Path log = scratch.resolve(file.getFileName() + ".log");
        Process p = new ProcessBuilder(command, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-extensions", "--user-data-dir=" + profile, "--enable-logging=stderr", "--v=0",
                "--dump-dom", file.toUri().toString())
                .redirectOutput(dom.toFile()).redirectError(log.toFile()).start();
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("chromium did not load " + file + " within 180 s");
        }
        String err = Files.readString(log, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IllegalStateException("chromium exited with " + p.exitValue() + ": " + err);
        }
        List<String> console = new ArrayList<>();
        err.lines().filter(l -> CONSOLE.matcher(l).find()).forEach(console::add);
        return new Page(Files.readString(dom, StandardCharsets.UTF_8), console);
    }
}
