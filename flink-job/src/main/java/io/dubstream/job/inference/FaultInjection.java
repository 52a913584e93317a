package io.dubstream.job.inference;

import java.io.Serializable;
import java.util.LinkedHashSet;
import java.util.Set;

import ai.djl.engine.EngineException;

/**
 * Fault injection, for tests and demos: makes chosen attempts of the model fail, so that retries and
 * failed clips can be seen and tested. Off ({@link #NONE}) unless configured.
 *
 * <p>An attempt fails when its chunk is one of the named chunks ({@code clipId:chunkIndex}) and it is
 * one of their first {@code failingAttempts} attempts, or when the attempt's draw falls under
 * {@code failFraction}. The draw is a hash of the clip id, the chunk index and the attempt number,
 * not a random number, so the same attempts fail in every run, after a restore too, and a test can
 * tell which ones ({@link #fails}). A failing attempt throws {@link InjectedFault} before the model
 * sees the chunk; with {@code outOfMemory} set it throws what a GPU out of memory looks like instead:
 * DJL's {@link EngineException} with PyTorch's "CUDA out of memory" message, an ordinary exception
 * that fails the attempt, which is retried. (A Java {@link OutOfMemoryError} would fail the job, see
 * {@link ChunkInference}: a drill of retries must not do that.)
 */
public final class FaultInjection implements Serializable {

    private static final long serialVersionUID = 1L;

    public static final FaultInjection NONE = new FaultInjection(0, Set.of(), 1, false);

    private final double failFraction;
    private final Set<String> namedChunks;
    private final int failingAttempts;
    private final boolean outOfMemory;

    private FaultInjection(double failFraction, Set<String> namedChunks, int failingAttempts, boolean outOfMemory) {
        this.failFraction = failFraction;
        this.namedChunks = Set.copyOf(namedChunks);
        this.failingAttempts = failingAttempts;
        this.outOfMemory = outOfMemory;
    }

    /**
     * @param failFraction the share of all attempts that fail, 0 to 1
     * @param namedChunks chunks whose first attempts fail, e.g. {@code "clipA:2,clipB:0"}; empty for none
     * @param failingAttempts how many first attempts of each named chunk fail (1: the first only)
     * @param outOfMemory throw a GPU out of memory as DJL reports it ({@link EngineException}) instead of
     *     {@link InjectedFault}
     */
    public static FaultInjection of(double failFraction, String namedChunks, int failingAttempts,
            boolean outOfMemory) {
        if (!(failFraction >= 0 && failFraction <= 1)) {
            throw new IllegalArgumentException("fault injection: the fraction of failing attempts must be between 0"
                    + " and 1, got " + failFraction);
        }
        if (failingAttempts < 1) {
            throw new IllegalArgumentException("fault injection: failing attempts per named chunk must be at least 1,"
                    + " got " + failingAttempts);
        }
        return new FaultInjection(failFraction, parseChunks(namedChunks), failingAttempts, outOfMemory);
    }

    private static Set<String> parseChunks(String list) {
        Set<String> chunks = new LinkedHashSet<>();
        for (String entry : list.split(",")) {
            String e = entry.strip();
            if (e.isEmpty()) {
                continue;
            }
            int colon = e.lastIndexOf(':');
            String problem = null;
            if (colon <= 0) {
                problem = "expected clipId:chunkIndex";
            } else {
                try {
                    if (Integer.parseInt(e.substring(colon + 1)) < 0) {
                        problem = "the chunk index is negative";
                    }
                } catch (NumberFormatException ex) {
                    problem = "the chunk index is not a number";
                }
            }
            if (problem != null) {
                throw new IllegalArgumentException("fault injection: cannot read '" + e + "' in '" + list + "': "
                        + problem + " (e.g. clipA:2,clipB:0)");
            }
            chunks.add(key(e.substring(0, colon), Integer.parseInt(e.substring(colon + 1))));
        }
        return chunks;
    }

    private static String key(String clipId, int chunk) {
        return clipId + ":" + chunk;
    }

    public boolean isOn() {
        return failFraction > 0 || !namedChunks.isEmpty();
    }

    /** Whether attempt {@code attempt} (from 1) of chunk {@code chunk} of clip {@code clipId} fails. */
    public boolean fails(String clipId, int chunk, int attempt) {
        if (attempt <= failingAttempts && namedChunks.contains(key(clipId, chunk))) {
            return true;
        }
        return failFraction > 0 && draw(clipId, chunk, attempt) < failFraction;
    }

    /** Throws the injected fault when the attempt is one that fails; returns otherwise. */
    public void beforeAttempt(String clipId, int chunk, int attempt) {
        if (!fails(clipId, chunk, attempt)) {
            return;
        }
        String which = "attempt " + attempt + " of chunk " + chunk + " of clip " + clipId;
        if (outOfMemory) {
            throw new EngineException("injected fault: CUDA out of memory on " + which);
        }
        throw new InjectedFault("injected fault: " + which);
    }

    /**
     * A number in [0, 1) that depends only on the clip id, the chunk and the attempt: SplitMix64's
     * finaliser over the three ({@link String#hashCode()} is fixed by the Java language specification).
     */
    static double draw(String clipId, int chunk, int attempt) {
        long h = mix(clipId.hashCode() + 0x9E3779B97F4A7C15L);
        h = mix(h + chunk * 0x9E3779B97F4A7C15L);
        h = mix(h + attempt * 0xC2B2AE3D27D4EB4FL);
        return (h >>> 11) * 0x1.0p-53;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    @Override
    public String toString() {
        if (!isOn()) {
            return "no fault injection";
        }
        return "fault injection: " + failFraction + " of all attempts" + (namedChunks.isEmpty() ? ""
                : ", the first " + failingAttempts + " attempt(s) of chunks " + namedChunks)
                + (outOfMemory ? ", as a GPU out of memory" : "");
    }

    /** The exception an injected fault throws. */
    public static final class InjectedFault extends RuntimeException {
        private static final long serialVersionUID = 1L;

        InjectedFault(String message) {
            super(message);
        }
    }
}
