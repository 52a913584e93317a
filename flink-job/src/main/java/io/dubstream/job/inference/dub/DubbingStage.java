package io.dubstream.job.inference.dub;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;

import io.dubstream.connectors.records.ClipManifest;
import io.dubstream.connectors.records.ScriptLine;
import io.dubstream.job.audio.Resampler;
import io.dubstream.job.audio.SampleTimes;
import io.dubstream.job.inference.batching.MicroBatcher;
import io.dubstream.job.records.Chunk;

/**
 * The dub of a chunk: each script line spoken by the synthesizer, fitted to its slot
 * ({@link SlotFitter}) and mixed over the original audio, which is ducked under it
 * ({@link DuckingMixer}); outside the lines the chunk's audio is untouched, sample for sample. The
 * chunk comes out with where its dub speaks ({@link Chunk#withSpoken}), so that lip-sync changes
 * mouths only there.
 *
 * <p><b>Which lines.</b> Each line is spoken once, by the chunk whose core holds its start (its
 * owner), so a retried chunk speaks exactly its own lines again, and a synthesizer that samples (as
 * VALL-E X class models do) gives every line one rendition. A line's speech stays inside its owner's
 * core: it ends by the core's end less the ducking ramp ({@link SlotFitter}'s outer bound), besides
 * the next line's start less the margin (or one second after its slot for the script's last line). A
 * chunk ducks the original under the slot of every line it overlaps, its own and its neighbours',
 * and under its own lines' speech where it runs past the slot. Since a neighbour's slot is known from
 * the script alone, both chunks of a seam agree on the audio at their cut; a dubbed chunk
 * ({@link Chunk#isDubbed()}) therefore joins its neighbours at the cut, not by a crossfade: the
 * merger takes each sample and frame from the chunk whose core holds it. The only difference from a
 * clip dubbed whole is that a line does not grow past a cut into the silence after it: cuts fall in
 * the middle of the widest pause between lines, so a line that needs more room is sped up sooner.
 *
 * <p><b>Prompt.</b> The speaker prompt of a line is the chunk's source audio under its slot, mixed
 * to mono: the whole slot, or for a line that runs out of the chunk (a cut inside a line) its part
 * inside.
 *
 * <p><b>Batches.</b> The lines of the chunks in flight on a subtask are spoken in batches across
 * chunks ({@link MicroBatcher}: a batch starts when {@code batchSize} lines wait or the oldest has
 * waited {@code maxWait}), on one thread that owns the synthesizer; so chunks may call
 * {@link #process} from several threads at once. A batch whose synthesis fails fails the attempts of
 * the chunks with a line in it, which are retried.
 *
 * <p>A clip without a script passes through untouched, without spoken ranges (lip-sync then follows
 * the audio throughout).
 */
public final class DubbingStage implements AutoCloseable {

    /** Count names: lines spoken, and of them those that took the silence after their slot, were sped up, or cut. */
    public static final String LINES_SPOKEN = "dubLinesSpoken";
    public static final String LINES_EXTENDED = "dubLinesExtended";
    public static final String LINES_STRETCHED = "dubLinesStretched";
    public static final String LINES_CUT = "dubLinesCut";

    /** The room after the script's last line, which has no next line to stop it. */
    static final long LAST_LINE_ROOM_MICROS = 1_000_000;

    /** Lines per synthesis batch and how long the first line of a batch may wait for more, by default. */
    public static final int DEFAULT_BATCH_SIZE = 8;
    public static final Duration DEFAULT_MAX_WAIT = Duration.ofMillis(50);

    private final SpeechSynthesizer synthesizer;
    private final DubSettings settings;
    private final MicroBatcher<LineRequest, Speech> batcher;
    private final Map<Long, Resampler> resamplers = new ConcurrentHashMap<>();
    private final AtomicLong spoken = new AtomicLong();
    private final AtomicLong extended = new AtomicLong();
    private final AtomicLong stretched = new AtomicLong();
    private final AtomicLong cut = new AtomicLong();

    public DubbingStage(SpeechSynthesizer synthesizer, DubSettings settings) {
        this(synthesizer, settings, DEFAULT_BATCH_SIZE, DEFAULT_MAX_WAIT);
    }

    /** @param batchSize lines per synthesis batch, across the chunks in flight; {@code maxWait} for a full one */
    public DubbingStage(SpeechSynthesizer synthesizer, DubSettings settings, int batchSize, Duration maxWait) {
        this.synthesizer = Objects.requireNonNull(synthesizer);
        this.settings = Objects.requireNonNull(settings);
        this.batcher = new MicroBatcher<>(synthesizer::synthesize, batchSize, maxWait, "dub-" + synthesizer.name());
    }

    public SpeechSynthesizer synthesizer() {
        return synthesizer;
    }

    /** The chunk with its own lines spoken over its audio, and where they speak. */
    public Chunk process(Chunk chunk) throws SynthesisException {
        ClipManifest m = chunk.getManifest();
        if (!m.hasScript() || !m.hasAudio() || chunk.getSamples().length == 0) {
            return chunk;
        }
        int rate = m.getSampleRate();
        int channels = m.getChannels();
        long first = chunk.getFirstSample();
        long end = chunk.endSample();
        List<ScriptLine> lines = chunk.getScriptLines() == null ? List.of() : List.of(chunk.getScriptLines());
        List<ScriptLine> own = new ArrayList<>();
        List<LineRequest> requests = new ArrayList<>();
        List<int[]> slots = new ArrayList<>();
        for (ScriptLine line : lines) {
            long start = SampleTimes.sampleAt(line.getStartMicros(), rate);
            long stop = SampleTimes.sampleAt(line.getEndMicros(), rate);
            if (stop <= first || start >= end) {
                continue;
            }
            slots.add(new int[] {relative(line.getStartMicros(), first, rate), relative(line.getEndMicros(), first, rate)});
            if (line.getStartMicros() >= chunk.getCoreStartMicros() && line.getStartMicros() < chunk.getCoreEndMicros()) {
                own.add(line);
                requests.add(new LineRequest(line.getClipId(), line.getLineIndex(), line.getText(), line.getLanguage(),
                        line.getSpeaker(), line.getStartMicros(), line.getEndMicros(),
                        mono(chunk.getSamples(), channels, Math.max(start, first) - first, Math.min(stop, end) - first),
                        rate));
            }
        }
        // one speech per line, in order: the batcher refuses a batch that comes back with another count
        List<Speech> speech = requests.isEmpty() ? List.of() : speak(requests);
        SlotFitter fitter = new SlotFitter(settings, rate);
        int endBy = relative(chunk.getCoreEndMicros(), first, rate) - DubSettings.samples(settings.duckRampMicros(), rate);
        List<FittedLine> fitted = new ArrayList<>();
        long[] spokenMicros = new long[2 * own.size()];
        int[] counts = new int[4];
        for (int i = 0; i < own.size(); i++) {
            ScriptLine line = own.get(i);
            float[] samples = atRate(speech.get(i), rate);
            // positions relative to the chunk: the fit depends only on their differences, the same in any chunk
            FittedLine placed = fitter.fit(samples, relative(line.getStartMicros(), first, rate),
                    relative(line.getEndMicros(), first, rate), relative(nextStartMicros(line, lines), first, rate),
                    endBy);
            fitted.add(placed);
            spokenMicros[2 * i] = (first + placed.start()) * 1_000_000L / rate;
            spokenMicros[2 * i + 1] = (first + placed.end()) * 1_000_000L / rate;
            count(placed.outcome(), counts);
        }
        short[] dubbed = new DuckingMixer(settings, rate).mix(chunk.getSamples(), channels, fitted, slots);
        return chunk.withMedia(chunk.getImages(), dubbed).withSpoken(spokenMicros).withDubLines(counts);
    }

    /**
     * The lines' speech, through the batcher; its failure as the synthesizer's, but an {@link Error} as it
     * is, for ChunkInference to tell a fatal one. Interrupted (the chunk timed out), the lines that have
     * not been spoken leave the batcher's queue.
     */
    private List<Speech> speak(List<LineRequest> requests) throws SynthesisException {
        try {
            return batcher.submitAndWait(requests);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof SynthesisException synthesis) {
                throw synthesis;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new SynthesisException(synthesizer.name() + " failed: " + cause.getMessage(), cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SynthesisException("interrupted while " + synthesizer.name() + " spoke the lines", e);
        }
    }

    /** Where the line's room ends: the next line's start, or a second after its slot for the last line. */
    private static long nextStartMicros(ScriptLine line, List<ScriptLine> lines) {
        long next = Long.MAX_VALUE;
        for (ScriptLine other : lines) {
            if (other.getLineIndex() != line.getLineIndex() && other.getStartMicros() >= line.getStartMicros()
                    && (other.getStartMicros() > line.getStartMicros() || other.getLineIndex() > line.getLineIndex())) {
                next = Math.min(next, other.getStartMicros());
            }
        }
        return next == Long.MAX_VALUE ? line.getEndMicros() + LAST_LINE_ROOM_MICROS : next;
    }

    /** Counts a line of the chunk's own, in the stage's totals and the chunk's {spoken, extended, stretched, cut}. */
    private void count(FittedLine.Outcome outcome, int[] own) {
        spoken.incrementAndGet();
        own[0]++;
        switch (outcome) {
            case EXTENDED -> {
                extended.incrementAndGet();
                own[1]++;
            }
            case STRETCHED -> {
                stretched.incrementAndGet();
                own[2]++;
            }
            case CUT -> {
                cut.incrementAndGet();
                own[3]++;
            }
            case FITS -> { }
        }
    }

    /** The lines spoken so far and how they were fitted, for the job's metrics. */
    public Map<String, Long> counts() {
        return Map.of(LINES_SPOKEN, spoken.get(), LINES_EXTENDED, extended.get(), LINES_STRETCHED, stretched.get(),
                LINES_CUT, cut.get());
    }

    /** Speech at the transport rate, through the job's resampler. */
    private float[] atRate(Speech speech, int rate) {
        if (speech.sampleRate() == rate || speech.samples().length == 0) {
            return speech.samples();
        }
        Resampler resampler = resamplers.computeIfAbsent(((long) speech.sampleRate() << 32) | rate,
                k -> new Resampler(speech.sampleRate(), rate));
        return resampler.resample(speech.samples());
    }

    /** Samples {@code [from, to)} of interleaved audio, mixed to mono in [-1, 1]. */
    private static float[] mono(short[] interleaved, int channels, long from, long to) {
        float[] mono = new float[(int) Math.max(0, to - from)];
        for (int i = 0; i < mono.length; i++) {
            int at = (int) (from + i) * channels;
            float sum = 0;
            for (int c = 0; c < channels; c++) {
                sum += interleaved[at + c];
            }
            mono[i] = sum / (channels * 32768f);
        }
        return mono;
    }

    /** The sample of {@code micros} counted from the chunk's first sample, kept within int range. */
    private static int relative(long micros, long firstSample, int rate) {
        long samples = SampleTimes.sampleAt(micros, rate) - firstSample;
        return (int) Math.max(Integer.MIN_VALUE / 2, Math.min(Integer.MAX_VALUE / 2, samples));
    }

    @Override
    public void close() {
        try {
            batcher.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            synthesizer.close();
        }
    }
}
