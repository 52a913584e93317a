package io.dubstream.job.inference;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicBoolean;

import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The level below which libtorch's C++ code logs nothing, taken from {@code TORCH_CPP_LOG_LEVEL} as
 * PyTorch's Python module takes it. libtorch reads that variable only when Python initialises it, so
 * through DJL its warnings (a deprecated guard DJL's natives use, NNPACK on CPUs without it) went to
 * the process's stderr, between the demo's lines, whatever the variable said. This sets c10's
 * {@code FLAGS_caffe2_log_level}, which every C++ log line is checked against, once the natives are
 * loaded: libc10 is found in the process's mappings and its symbols made visible to look the flag up.
 *
 * <p>Levels: {@code INFO} (0), {@code WARNING} (1, libtorch's default), {@code ERROR} (2), {@code FATAL} (3),
 * by name or number. The launcher, the image and the test runs set {@code ERROR}. Unset or unreadable,
 * libtorch keeps its own level; where the flag cannot be found (another platform, another libtorch),
 * nothing changes but a debug line.
 */
public final class TorchLogLevel {

    private static final Logger LOG = LoggerFactory.getLogger(TorchLogLevel.class);

    /** The environment variable PyTorch reads. */
    public static final String VARIABLE = "TORCH_CPP_LOG_LEVEL";
    /** c10's flag, a C symbol of libc10. */
    static final String FLAG_SYMBOL = "FLAGS_caffe2_log_level";
    private static final List<String> NAMES = List.of("INFO", "WARNING", "ERROR", "FATAL");

    private static final AtomicBoolean APPLIED = new AtomicBoolean();

    private TorchLogLevel() {}

    /** The level {@code environment} asks for, if it asks for one that exists. */
    static OptionalInt requested(Map<String, String> environment) {
        String value = environment.get(VARIABLE);
        if (value == null || value.isBlank()) {
            return OptionalInt.empty();
        }
        String v = value.trim().toUpperCase(Locale.ROOT);
        int named = NAMES.indexOf(v);
        if (named >= 0) {
            return OptionalInt.of(named);
        }
        try {
            int n = Integer.parseInt(v);
            return n >= 0 && n < NAMES.size() ? OptionalInt.of(n) : OptionalInt.empty();
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }

    /** What is wrong with the level {@code environment} sets, if it sets one that is not a level. */
    static Optional<String> refusal(Map<String, String> environment) {
        String value = environment.get(VARIABLE);
        if (value == null || value.isBlank() || requested(environment).isPresent()) {
            return Optional.empty();
        }
        return Optional.of(VARIABLE + "='" + value + "' is not a level (INFO, WARNING, ERROR, FATAL or 0-3):"
                + " libtorch keeps its own, WARNING");
    }

    /**
     * Applies {@code TORCH_CPP_LOG_LEVEL} to the loaded libtorch, once per JVM; call it after the
     * PyTorch engine is loaded. A value that is not a level is logged as a warning and left alone.
     */
    static void applyOnce() {
        if (!APPLIED.compareAndSet(false, true)) {
            return;
        }
        Map<String, String> environment = System.getenv();
        refusal(environment).ifPresent(LOG::warn);
        OptionalInt level = requested(environment);
        if (level.isEmpty()) {
            return;
        }
        Optional<IntPointer> flag = flag();
        if (flag.isEmpty()) {
            LOG.debug("libtorch's {} not found: {} not applied", FLAG_SYMBOL, VARIABLE);
            return;
        }
        flag.get().put(level.getAsInt());
    }

    /** libtorch's level now, where it can be read. */
    static OptionalInt current() {
        return flag().map(f -> OptionalInt.of(f.get())).orElse(OptionalInt.empty());
    }

    private static Optional<IntPointer> flag() {
        try {
            Optional<Path> c10 = loadedLibrary(Files.readAllLines(Path.of("/proc/self/maps")), "libc10.so");
            if (c10.isEmpty()) {
                return Optional.empty();
            }
            // the same file again, its symbols now global: the loaded copy is reused, not a second one
            Loader.loadGlobal(c10.get().toString());
            Pointer address = Loader.addressof(FLAG_SYMBOL);
            return address == null || address.isNull() ? Optional.empty() : Optional.of(new IntPointer(address));
        } catch (IOException | RuntimeException | LinkageError e) {
            LOG.debug("libtorch's {} not reachable", FLAG_SYMBOL, e);
            return Optional.empty();
        }
    }

    /** The path of the loaded library named {@code name}, from the lines of {@code /proc/self/maps}. */
    static Optional<Path> loadedLibrary(List<String> maps, String name) {
        for (String line : maps) {
            int slash = line.indexOf('/');
            if (slash >= 0 && line.endsWith("/" + name)) {
                return Optional.of(Path.of(line.substring(slash)));
            }
        }
        return Optional.empty();
    }
}
