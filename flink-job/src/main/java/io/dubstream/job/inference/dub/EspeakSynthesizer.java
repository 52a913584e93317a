package io.dubstream.job.inference.dub;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

/**
 * The built-in synthesizer: the {@code espeak-ng} program (Debian package {@code espeak-ng}), a
 * formant synthesizer with rules for 100+ languages. No AI and no voice cloning: the prompt audio is
 * not used. It runs offline and is deterministic (the same line gives the same samples).
 *
 * <p>Each line is one {@code espeak-ng -v VOICE --stdout} process, the text written to its stdin as
 * UTF-8 (never on the command line, and no shell: any text is spoken, none executed); its WAV on
 * stdout (22050 Hz, mono, 16-bit) becomes the line's {@link Speech}. Lines of a batch run one after
 * another.
 *
 * <ul>
 *   <li><b>Language</b>: the line's BCP 47 tag, lower-cased, is looked up in the languages that
 *       {@code espeak-ng --voices} lists at open ({@code pt-BR} -> {@code pt-br}, {@code fr} ->
 *       {@code fr}), dropping trailing subtags until one matches ({@code de-AT} -> {@code de}); an
 *       empty tag is {@code en}. No match fails the line, naming the tag.</li>
 *   <li><b>Speaker</b>: each speaker name gets one of espeak-ng's voice variants {@code m1..m7},
 *       {@code f1..f4}, chosen by the CRC-32 of its UTF-8 bytes, so a speaker sounds the same in every
 *       clip and run, and different speakers usually differ (11 variants: two speakers can share one).
 *       An empty speaker gets the language's default voice.</li>
 *   <li><b>Failures</b>: a line that takes longer than the timeout (10 s by default) is killed; a
 *       non-zero exit, a timeout or output that is no WAV fails the line with espeak-ng's stderr.</li>
 * </ul>
 *
 * Not thread-safe: one instance per subtask; {@link #close()} stops its I/O threads.
 */
public final class EspeakSynthesizer implements SpeechSynthesizer {

    public static final String NAME = "espeak-ng";

    /** espeak-ng's output rate; also the rate of an empty line's (empty) speech. */
    public static final int SAMPLE_RATE = 22_050;

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    /** The voice variants speakers are spread over, in the order the speaker hash indexes them. */
    static final List<String> VARIANTS = List.of("m1", "m2", "m3", "m4", "m5", "m6", "m7", "f1", "f2", "f3", "f4");

    private static final Pattern OTHER_LANGUAGE = Pattern.compile("\\(([^()\\s]+)\\s+\\d+\\)");

    private final String executable;
    private final Duration timeout;
    private final ExecutorService io;
    private final Set<String> languages;

    /** Runs {@code espeak-ng} from the PATH with the {@link #DEFAULT_TIMEOUT}. */
    public EspeakSynthesizer() throws SynthesisException {
        this(NAME, DEFAULT_TIMEOUT);
    }

    /**
     * @param executable the espeak-ng program, a name on the PATH or a path
     * @param timeout how long one line may take
     * @throws SynthesisException when espeak-ng is not installed or does not list its voices
     */
    public EspeakSynthesizer(String executable, Duration timeout) throws SynthesisException {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
        this.executable = executable;
        this.timeout = timeout;
        this.io = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "espeak-ng-io");
            t.setDaemon(true);
            return t;
        });
        try {
            this.languages = languages(new String(run(List.of(executable, "--voices"), new byte[0], "listing voices"),
                    StandardCharsets.UTF_8));
        } catch (SynthesisException e) {
            io.shutdownNow();
            throw e;
        }
        if (languages.isEmpty()) {
            io.shutdownNow();
            throw new SynthesisException(executable + " --voices listed no voices");
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<Speech> synthesize(List<LineRequest> lines) throws SynthesisException {
        List<Speech> out = new ArrayList<>(lines.size());
        for (LineRequest line : lines) {
            out.add(speak(line));
        }
        return out;
    }

    private Speech speak(LineRequest line) throws SynthesisException {
        String voice = voice(line.language(), line.speaker());
        String what = "on line " + line.lineIndex() + " of clip " + line.clipId() + " (voice " + voice + ")";
        if (line.text().isBlank()) {
            return new Speech(new float[0], SAMPLE_RATE);
        }
        byte[] wav = run(List.of(executable, "-v", voice, "--stdout"), line.text().getBytes(StandardCharsets.UTF_8),
                what);
        if (wav.length == 0) {
            return new Speech(new float[0], SAMPLE_RATE);
        }
        try {
            return EspeakWav.decode(wav);
        } catch (IllegalArgumentException e) {
            throw new SynthesisException("espeak-ng wrote no usable WAV " + what + ": " + e.getMessage(), e);
        }
    }

    /**
     * The espeak-ng voice for a language tag and speaker, {@code LANGUAGE[+VARIANT]}.
     *
     * @throws SynthesisException when espeak-ng has no voice for the language
     */
    String voice(String languageTag, String speaker) throws SynthesisException {
        String voice = language(languageTag);
        return speaker.isEmpty() ? voice : voice + "+" + variant(speaker);
    }

    private String language(String tag) throws SynthesisException {
        String wanted = tag.isBlank() ? "en" : tag.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        for (String candidate = wanted; !candidate.isEmpty(); ) {
            if (languages.contains(candidate)) {
                return candidate;
            }
            int dash = candidate.lastIndexOf('-');
            candidate = dash < 0 ? "" : candidate.substring(0, dash);
        }
        List<String> some = languages.stream().limit(12).toList();
        throw new SynthesisException("espeak-ng has no voice for language '" + tag + "'; it has " + languages.size()
                + " languages, among them " + String.join(", ", some) + " (espeak-ng --voices lists them)");
    }

    /** The voice variant a speaker gets: stable across runs and JVMs. */
    static String variant(String speaker) {
        CRC32 crc = new CRC32();
        crc.update(speaker.getBytes(StandardCharsets.UTF_8));
        return VARIANTS.get((int) (crc.getValue() % VARIANTS.size()));
    }

    /** The languages espeak-ng speaks: each voice's language and its other languages, lower case. */
    static Set<String> languages(String voicesListing) {
        Set<String> out = new TreeSet<>();
        for (String row : voicesListing.split("\n")) {
            String[] cols = row.trim().split("\\s+");
            if (cols.length < 2 || !cols[0].matches("\\d+")) {
                continue; // the header
            }
            out.add(cols[1].toLowerCase(Locale.ROOT));
            Matcher other = OTHER_LANGUAGE.matcher(row);
            while (other.find()) {
                out.add(other.group(1).toLowerCase(Locale.ROOT));
            }
        }
        return out;
    }

    /** Runs {@code command} with {@code stdin}, within the timeout; its stdout, or why it failed. */
    private byte[] run(List<String> command, byte[] stdin, String what) throws SynthesisException {
        Process process;
        try {
            process = new ProcessBuilder(command).start();
        } catch (IOException e) {
            throw new SynthesisException(NAME + " is not installed: apt-get install espeak-ng (Debian), or install "
                    + "your system's espeak-ng package; could not run '" + command.get(0) + "': " + e.getMessage(), e);
        }
        CompletableFuture<Void> written = CompletableFuture.runAsync(() -> write(process.getOutputStream(), stdin), io);
        CompletableFuture<byte[]> stdout = CompletableFuture.supplyAsync(() -> readAll(process.getInputStream()), io);
        CompletableFuture<byte[]> stderr = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()), io);
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new SynthesisException(NAME + " took longer than " + timeout.toMillis() + " ms " + what
                        + " and was killed" + stderrOf(stderr));
            }
            int exit = process.exitValue();
            if (exit != 0) {
                throw new SynthesisException(NAME + " failed " + what
                        + " with exit code " + exit + stderrOf(stderr));
            }
            written.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return stdout.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new SynthesisException(NAME + " was interrupted " + what, e);
        } catch (ExecutionException | TimeoutException e) {
            process.destroyForcibly();
            throw new SynthesisException(NAME + " I/O failed " + what + ": " + e.getMessage(), e);
        }
    }

    private static String stderrOf(CompletableFuture<byte[]> stderr) {
        try {
            String text = new String(stderr.get(1, TimeUnit.SECONDS), StandardCharsets.UTF_8).strip();
            return text.isEmpty() ? "" : ": " + text;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        } catch (ExecutionException | TimeoutException e) {
            return "";
        }
    }

    private static void write(OutputStream out, byte[] bytes) {
        try (out) {
            out.write(bytes);
        } catch (IOException e) {
            // espeak-ng exited before it read everything: its exit code and stderr say why
        }
    }

    private static byte[] readAll(InputStream in) {
        try (in) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("reading espeak-ng's output failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        io.shutdownNow();
    }

    @Override
    public String toString() {
        return "EspeakSynthesizer{" + executable + ", " + languages.size() + " languages}";
    }
}
