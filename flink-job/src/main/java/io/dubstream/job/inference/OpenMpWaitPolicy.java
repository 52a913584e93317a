package io.dubstream.job.inference;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How PyTorch's OpenMP threads wait between operations on the CPU, which libgomp reads from the
 * environment once, when the natives load: a JVM cannot change it for itself, so the launcher, the
 * container image and the test runs set it before the JVM starts.
 *
 * <p>Left unset, each model thread spins for a while after every operation. A model alone on its
 * cores loses nothing by that, but the job shares them with decoding, face search, pasting, Kafka and
 * other subtasks' models, whose time the spinning takes: on 2 cores, the lip-sync demo of a 45 s face
 * clip in 5 chunks spent 106-129 CPU seconds in the model's threads and took 96-113 s from upload
 * to download; with {@value #RECOMMENDED} it spent 80-86 CPU seconds and took 77-84 s
 * (docs/benchmarks.md).
 */
public final class OpenMpWaitPolicy {

    private static final Logger LOG = LoggerFactory.getLogger(OpenMpWaitPolicy.class);

    /** The environment variable libgomp reads. */
    public static final String VARIABLE = "OMP_WAIT_POLICY";
    /** Threads sleep as soon as they wait. */
    public static final String RECOMMENDED = "PASSIVE";

    private static final AtomicBoolean CHECKED = new AtomicBoolean();

    private OpenMpWaitPolicy() {}

    /** The policy set in {@code environment}, if any. */
    static Optional<String> of(Map<String, String> environment) {
        String value = environment.get(VARIABLE);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    /** The warning for a JVM whose models run on the CPU under {@code environment}; empty when the policy is set. */
    static Optional<String> warning(Map<String, String> environment) {
        if (of(environment).isPresent()) {
            return Optional.empty();
        }
        return Optional.of(VARIABLE + " is not set: PyTorch's threads spin between operations and take CPU from"
                + " the rest of the job; set " + VARIABLE + "=" + RECOMMENDED + " in the TaskManagers' environment"
                + " (the dubstream launcher and image do)");
    }

    /** Logs {@link #warning} once per JVM, the first time a model is placed on the CPU. */
    static void checkOnce() {
        if (CHECKED.compareAndSet(false, true)) {
            warning(System.getenv()).ifPresent(LOG::warn);
        }
    }
}
