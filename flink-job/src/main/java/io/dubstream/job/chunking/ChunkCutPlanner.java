package io.dubstream.job.chunking;

import java.io.Serializable;
import java.time.Duration;
import java.util.List;

/**
 * Where a chunk's core ends: the cut between it and the next chunk, chosen so that no spoken line
 * is split.
 *
 * <p>The core that starts at {@code p} nominally ends at {@code p + core}. The cut is chosen in the
 * window {@code [p + core - tolerance, p + core + tolerance]}:
 * <ol>
 *   <li>with a script, in the middle of the widest gap between lines inside the window (ties: the
 *       one nearest the nominal cut, then the earlier one) ({@link CutKind#GAP});</li>
 *   <li>when lines cover the whole window, the core stretches to the middle of the first gap after
 *       it, as long as that point lies before {@code p + maxCore} ({@link CutKind#GAP} too);</li>
 *   <li>when no gap comes before {@code p + maxCore}, the cut falls inside a line, in the middle of
 *       the quietest {@value #QUIET_WINDOW_MICROS} µs of the audio between the window's start and
 *       {@code p + maxCore} ({@link CutKind#INSIDE_LINE}, counted and reported);</li>
 *   <li>without a script, in the middle of the quietest {@value #QUIET_WINDOW_MICROS} µs of the
 *       window ({@link CutKind#SILENCE});</li>
 *   <li>without a script and without audio, or with a tolerance of zero, at the nominal
 *       {@code p + core} ({@link CutKind#NOMINAL}): fixed cores, as before cuts followed speech.</li>
 * </ol>
 * A core whose clip has no frame at or after the end of the window (or of the stretch) is the last:
 * it runs to the clip's end instead of leaving a sliver of a chunk behind.
 *
 * <p>Quietness is the sum of the squared samples of every channel over a 200 ms window, moved in
 * steps of 10 ms; ties go to the window nearest the nominal cut, then the earlier one. Everything is
 * integer arithmetic on the clip's own data, so the same clip always gets the same cuts, also after
 * a restore from a checkpoint.
 *
 * <p>Look-ahead: a cut is decided once the media is known up to the window's end (at the nominal
 * cut with a tolerance of zero), up to the cut for a stretched core, or up to {@code p + maxCore}
 * for a cut inside a line. {@link Wait} says how far it must be known.
 */
public final class ChunkCutPlanner implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The length of the audio window whose quietest position a silence cut takes. */
    public static final long QUIET_WINDOW_MICROS = 200_000;
    /** How far the quiet window moves in one step. */
    public static final long QUIET_STEP_MICROS = 10_000;
    private static final int STEPS_PER_WINDOW = (int) (QUIET_WINDOW_MICROS / QUIET_STEP_MICROS);

    /** How a cut was chosen. */
    public enum CutKind {
        /** At the nominal core length: no tolerance, or neither script nor audio to go by. */
        NOMINAL,
        /** In the middle of a gap between script lines. */
        GAP,
        /** At the quietest point of the audio of a clip without a script. */
        SILENCE,
        /** Inside a line, at its quietest point: no gap within the maximum core. */
        INSIDE_LINE
    }

    /** What the planner may know of the clip when it plans a cut. */
    public interface Timeline {
        /**
         * Every frame and sample of the clip before this time (µs) is known; {@link Long#MAX_VALUE}
         * once the clip's end is in.
         */
        long knownUntilMicros();

        /** Whether the clip has a frame at or after this time; asked only of known times, or after the end. */
        boolean hasFrameAtOrAfter(long micros);

        /** The script lines as {@code [start, end)} in µs, sorted by start; empty without a script. */
        List<long[]> lines();

        /** Whether the clip has audio. */
        boolean hasAudio();

        /**
         * The audio energy (sum of squared samples over every channel) of {@code steps} consecutive
         * spans of {@code stepMicros} from {@code fromMicros}; spans past the audio's end count as
         * silent.
         */
        long[] energies(long fromMicros, long stepMicros, int steps);
    }

    /** What the planner decided for a core. */
    public sealed interface Decision permits Cut, Last, Wait {}

    /** The core ends at {@code atMicros}; the next chunk's core starts there. */
    public record Cut(long atMicros, CutKind kind) implements Decision {}

    /** The core runs to the clip's end. */
    public record Last() implements Decision {}

    /** Nothing can be decided before the media is known up to {@code untilMicros}. */
    public record Wait(long untilMicros) implements Decision {}

    private final long coreMicros;
    private final long toleranceMicros;
    private final long maxCoreMicros;

    /**
     * @param core the nominal core length
     * @param tolerance how far from the nominal cut a cut may move either way; zero gives fixed cores
     * @param maxCore the longest core a cut may stretch to before it falls inside a line; at least
     *     {@code core + tolerance}
     */
    public ChunkCutPlanner(Duration core, Duration tolerance, Duration maxCore) {
        this.coreMicros = micros(core);
        this.toleranceMicros = micros(tolerance);
        this.maxCoreMicros = micros(maxCore);
        if (coreMicros <= 0) {
            throw new IllegalArgumentException("chunk core " + core + " must be positive");
        }
        if (toleranceMicros < 0 || toleranceMicros >= coreMicros) {
            throw new IllegalArgumentException("cut tolerance " + tolerance + " must be at least 0 and below the core "
                    + core);
        }
        if (maxCoreMicros < coreMicros + toleranceMicros) {
            throw new IllegalArgumentException("maximum core " + maxCore + " must be at least the core plus the"
                    + " cut tolerance (" + Duration.ofNanos((coreMicros + toleranceMicros) * 1000) + ")");
        }
    }

    /** Where the core that starts at {@code coreStart} (µs) ends, as far as {@code clip} tells. */
    public Decision decide(long coreStart, Timeline clip) {
        long nominal = coreStart + coreMicros;
        if (toleranceMicros == 0) {
            return decideAt(nominal, nominal, CutKind.NOMINAL, clip);
        }
        long windowStart = nominal - toleranceMicros;
        long windowEnd = nominal + toleranceMicros;
        if (clip.knownUntilMicros() < windowEnd) {
            return new Wait(windowEnd);
        }
        if (!clip.hasFrameAtOrAfter(windowEnd)) {
            return new Last();
        }
        List<long[]> lines = clip.lines();
        if (lines.isEmpty()) {
            return clip.hasAudio() ? new Cut(quietest(windowStart, windowEnd, nominal, clip), CutKind.SILENCE)
                    : new Cut(nominal, CutKind.NOMINAL);
        }
        long gapCut = widestGapMiddle(lines, windowStart, windowEnd, nominal);
        if (gapCut >= 0) {
            return new Cut(gapCut, CutKind.GAP);
        }
        long maxEnd = coreStart + maxCoreMicros;
        long stretched = stretchedGapMiddle(lines, windowEnd, maxEnd);
        if (stretched >= 0) {
            return decideAt(stretched, stretched, CutKind.GAP, clip);
        }
        if (clip.knownUntilMicros() < maxEnd) {
            return new Wait(maxEnd);
        }
        if (!clip.hasFrameAtOrAfter(maxEnd)) {
            return new Last();
        }
        return new Cut(clip.hasAudio() ? quietest(windowStart, maxEnd, nominal, clip) : nominal, CutKind.INSIDE_LINE);
    }

    /** A cut at {@code at} once the media is known up to {@code horizon}, unless the clip ends before it. */
    private static Decision decideAt(long at, long horizon, CutKind kind, Timeline clip) {
        if (clip.knownUntilMicros() < horizon) {
            return new Wait(horizon);
        }
        return clip.hasFrameAtOrAfter(at) ? new Cut(at, kind) : new Last();
    }

    /**
     * The middle of the widest part of {@code [from, to]} that no line covers, or -1 when lines
     * cover all of it.
     */
    static long widestGapMiddle(List<long[]> lines, long from, long to, long nominal) {
        long best = -1;
        long bestWidth = 0;
        long at = from;
        for (int i = 0; i <= lines.size() && at < to; i++) {
            long gapEnd = i < lines.size() ? Math.min(lines.get(i)[0], to) : to;
            if (gapEnd > at) {
                long middle = at + (gapEnd - at) / 2;
                long width = gapEnd - at;
                if (width > bestWidth || width == bestWidth && Math.abs(middle - nominal) < Math.abs(best - nominal)) {
                    best = middle;
                    bestWidth = width;
                }
            }
            if (i < lines.size()) {
                at = Math.max(at, lines.get(i)[1]);
            }
        }
        return best;
    }

    /**
     * The middle of the first gap after the lines that cover {@code from}, clipped to
     * {@code maxEnd}, or -1 when the lines cover everything up to {@code maxEnd}.
     */
    static long stretchedGapMiddle(List<long[]> lines, long from, long maxEnd) {
        long coveredUntil = from;
        int i = 0;
        while (i < lines.size() && lines.get(i)[0] <= coveredUntil) {
            coveredUntil = Math.max(coveredUntil, lines.get(i)[1]);
            i++;
        }
        if (coveredUntil >= maxEnd) {
            return -1;
        }
        long gapEnd = i < lines.size() ? Math.min(lines.get(i)[0], maxEnd) : maxEnd;
        return coveredUntil + (gapEnd - coveredUntil) / 2;
    }

    /**
     * The middle of the quietest {@value #QUIET_WINDOW_MICROS} µs window inside {@code [from, to]},
     * moved in steps of {@value #QUIET_STEP_MICROS} µs; the nominal cut when the range is shorter
     * than one window.
     */
    static long quietest(long from, long to, long nominal, Timeline clip) {
        int steps = (int) ((to - from) / QUIET_STEP_MICROS);
        if (steps < STEPS_PER_WINDOW) {
            return nominal;
        }
        long[] energy = clip.energies(from, QUIET_STEP_MICROS, steps);
        long window = 0;
        for (int j = 0; j < STEPS_PER_WINDOW; j++) {
            window += energy[j];
        }
        long best = from + QUIET_WINDOW_MICROS / 2;
        long bestEnergy = window;
        for (int j = 1; j + STEPS_PER_WINDOW <= steps; j++) {
            window += energy[j + STEPS_PER_WINDOW - 1] - energy[j - 1];
            long middle = from + j * QUIET_STEP_MICROS + QUIET_WINDOW_MICROS / 2;
            if (window < bestEnergy
                    || window == bestEnergy && Math.abs(middle - nominal) < Math.abs(best - nominal)) {
                best = middle;
                bestEnergy = window;
            }
        }
        return best;
    }

    private static long micros(Duration d) {
        return d.toNanos() / 1000;
    }
}
