package io.dubstream.job.inference.dub;

import io.dubstream.job.inference.dub.FittedLine.Outcome;

/**
 * Fits one line's speech into its slot in the chunk's audio.
 *
 * <p><b>Rules</b>, tried in order; the line always starts at its slot's start and always ends by
 * {@code nextStart - margin} or by an outer bound ({@code endBy}, e.g. the end of the chunk's core),
 * whichever comes first (the hard end), so it never overlaps the next line or its margin:
 * <ol>
 *   <li>{@link Outcome#FITS}: it fits between the slot's start and the slot's end (or the hard end,
 *       if that comes first): placed unchanged. A line shorter than its slot is not slowed down.</li>
 *   <li>{@link Outcome#EXTENDED}: it fits before the hard end: placed unchanged, running into the
 *       silence after its slot.</li>
 *   <li>{@link Outcome#STRETCHED}: sped up to end exactly at the hard end needs at most
 *       {@link DubSettings#maxSpeedUp()}: stretched to that length by {@link TimeStretch}.</li>
 *   <li>{@link Outcome#CUT}: otherwise stretched by the maximum speed-up, cut at the hard end and
 *       faded out linearly over its last {@value #CUT_FADE_MICROS} us (or all of it, if shorter).</li>
 * </ol>
 *
 * <p>All positions are in samples (frames) at the transport rate. Deterministic; stateless after
 * construction.
 */
public final class SlotFitter {

    /** The fade-out at the end of a cut line. */
    public static final long CUT_FADE_MICROS = 15_000;

    private final DubSettings settings;
    private final int sampleRate;
    private final int margin;
    private final int cutFade;

    /**
     * @param settings the margin before the next line and the maximum speed-up
     * @param sampleRate the transport rate the speech and positions are in, in Hz
     */
    public SlotFitter(DubSettings settings, int sampleRate) {
        if (sampleRate <= 0) {
            throw new IllegalArgumentException("the sample rate must be positive, got " + sampleRate);
        }
        this.settings = settings;
        this.sampleRate = sampleRate;
        this.margin = DubSettings.samples(settings.nextLineMarginMicros(), sampleRate);
        this.cutFade = DubSettings.samples(CUT_FADE_MICROS, sampleRate);
    }

    /**
     * Fits {@code speech} into the slot {@code [slotStart, slotEnd)}.
     *
     * @param speech the line's speech, mono, at the transport rate
     * @param slotStart the slot's first sample
     * @param slotEnd the sample after the slot
     * @param nextStart the next line's first sample, or the end of the chunk or clip when there is none
     *     (the margin is kept before it either way)
     */
    public FittedLine fit(float[] speech, int slotStart, int slotEnd, int nextStart) {
        return fit(speech, slotStart, slotEnd, nextStart, Integer.MAX_VALUE);
    }

    /**
     * As {@link #fit(float[], int, int, int)}, ending by {@code endBy} at the latest, even inside its
     * slot (a line that may not cross a chunk's cut); at or before the slot's start the line is cut to
     * nothing.
     */
    public FittedLine fit(float[] speech, int slotStart, int slotEnd, int nextStart, int endBy) {
        if (slotEnd <= slotStart) {
            throw new IllegalArgumentException("the slot must end after its start, got [" + slotStart + ", " + slotEnd + ")");
        }
        if (nextStart < slotStart) {
            throw new IllegalArgumentException(
                    "the next line starts at " + nextStart + ", before this line's slot at " + slotStart);
        }
        int hardEnd = Math.max(slotStart, Math.min(nextStart - margin, endBy));
        int slotRoom = Math.min(slotEnd, hardEnd) - slotStart;
        int room = hardEnd - slotStart;
        int n = speech.length;
        if (n <= slotRoom) {
            return new FittedLine(speech.clone(), slotStart, Outcome.FITS, 1);
        }
        if (n <= room) {
            return new FittedLine(speech.clone(), slotStart, Outcome.EXTENDED, 1);
        }
        if (n <= room * settings.maxSpeedUp()) {
            return new FittedLine(TimeStretch.stretch(speech, sampleRate, room), slotStart, Outcome.STRETCHED,
                    (double) n / room);
        }
        int stretched = (int) Math.ceil(n / settings.maxSpeedUp());
        float[] fast = TimeStretch.stretch(speech, sampleRate, stretched);
        float[] cut = new float[room];
        System.arraycopy(fast, 0, cut, 0, room);
        int fade = Math.min(cutFade, room);
        for (int i = 0; i < fade; i++) {
            cut[room - 1 - i] *= (float) i / fade;
        }
        return new FittedLine(cut, slotStart, Outcome.CUT, (double) n / stretched);
    }
}
