package io.dubstream.job.records;

import java.util.Arrays;
import java.util.Objects;

import io.dubstream.connectors.records.ClipManifest;
import io.dubstream.connectors.records.ClipMode;
import io.dubstream.connectors.records.EndOfClip;
import io.dubstream.connectors.records.ScriptLine;

/**
 * A piece of a clip that a model processes as a whole: its frames (JPEG, in index order) and its
 * audio (interleaved PCM at the clip's transport rate), with the context that overlaps the
 * neighbouring chunks.
 *
 * <p>Frames {@code firstFrame .. firstFrame + images.length - 1} and samples
 * {@code firstSample .. firstSample + samples.length / channels - 1}. The next chunk starts at
 * {@code nextFirstFrame} / {@code nextFirstSample}, inside this one: the range from there to this
 * chunk's end is the overlap that the merger crossfades. For the last chunk the next-first values
 * equal this chunk's end, and {@code end} holds the clip's end-of-clip record.
 *
 * <p>{@code mode} says how the clip is cut: {@link ClipMode#WHOLE}, one chunk with the whole clip and
 * no overlap (see {@link #whole}), or {@link ClipMode#CHUNKED}, overlapping chunks (see {@link #of}).
 *
 * <p>A chunk with a {@code failure} is no chunk of media but a marker: the clip failed (for the
 * reason given) after {@code index} chunks had been emitted, so the merger finishes it as failed
 * once it has merged those. Its mode is null when the clip failed before its mode was decided.
 *
 * <p>A chunk with {@code clipStart} set is no chunk of media either but the marker that the clip
 * started ({@link #clipStarted}): the assembler sends it when the clip's manifest arrives, so that the
 * merger can put the manifest on the output long before the first chunk is processed. It carries the
 * manifest and nothing else, and it never goes to a model.
 *
 * <p>After inference a chunk carries its {@code attempts}: every run of the model on it, in order,
 * the failed ones with their error. A failure marker with attempts is a chunk that inference gave up
 * on ({@link #failedInference()}). The attempts are bookkeeping with wall-clock times, not media:
 * they are left out of {@link #equals}.
 *
 * <p>Each frame keeps its presentation time from the source ({@code framePtsMicros}, parallel to
 * {@code images}, microseconds from the clip's first frame), so that a variable frame rate clip is
 * cut, lip-synced and written back by time, not by index. The chunk's core, the part of the clip it
 * stands for alone, is {@code [coreStartMicros, coreEndMicros)}; the context around it is shared with
 * the neighbours. {@code scriptLines} are the clip's script lines that overlap the chunk, context
 * included, and the first line after it, which bounds how far the dub of the last one may run (none
 * for a clip without a script).
 *
 * <p>A Flink POJO (tested): {@code byte[][]}, {@code long[]}, {@code short[]} and
 * {@code ScriptLine[]} are array types, never Kryo.
 */
public class Chunk {

    private String clipId;
    private int index;
    private boolean last;
    private ClipManifest manifest;
    private long firstFrame;
    private byte[][] images;
    private long firstSample;
    private short[] samples;
    private long nextFirstFrame;
    private long nextFirstSample;
    private EndOfClip end;
    private String failure;
    private ClipMode mode;
    private ChunkAttempt[] attempts;
    private long[] framePtsMicros;
    private long coreStartMicros;
    private long coreEndMicros;
    private String coreCut;
    private ScriptLine[] scriptLines;
    /**
     * After the dubbing stage, where its dub speaks, as {@code [start, end)} pairs in µs of
     * presentation time; null when no dubbing ran (lip-sync then follows the chunk's audio throughout).
     */
    private long[] spokenMicros;
    /**
     * After the dubbing stage: the lines whose start lies in the core that it spoke, and of them those
     * extended, stretched and cut; null when no dubbing ran.
     */
    private int[] dubLines;
    /** Whether this is the marker that the clip started: it carries only the manifest. */
    private boolean clipStart;
    /**
     * Whether the frame model ran on the core frames only and left the context frames as they came, so
     * that the merger joins the frames at the cut (false for chunks from before this existed).
     */
    private boolean framesAtCut;

    public Chunk() {}

    /** A chunk of media of a clip cut into overlapping chunks ({@link ClipMode#CHUNKED}). */
    public static Chunk of(ClipManifest manifest, int index, boolean last, long firstFrame, byte[][] images,
            long firstSample, short[] samples, long nextFirstFrame, long nextFirstSample, EndOfClip end) {
        Chunk c = new Chunk();
        c.clipId = manifest.getClipId();
        c.index = index;
        c.last = last;
        c.manifest = manifest;
        c.firstFrame = firstFrame;
        c.images = images;
        c.firstSample = firstSample;
        c.samples = samples;
        c.nextFirstFrame = nextFirstFrame;
        c.nextFirstSample = nextFirstSample;
        c.end = end;
        c.mode = ClipMode.CHUNKED;
        return c;
    }

    /**
     * The one chunk of a clip processed whole ({@link ClipMode#WHOLE}): all its frames and samples,
     * from 0, last, with nothing shared with a neighbour.
     */
    public static Chunk whole(ClipManifest manifest, byte[][] images, short[] samples, EndOfClip end) {
        Chunk c = of(manifest, 0, true, 0, images, 0, samples, images.length, 0, end);
        c.nextFirstSample = c.endSample();
        c.mode = ClipMode.WHOLE;
        return c;
    }

    /**
     * The marker that the clip failed after {@code chunksEmitted} chunks. {@code manifest} is null when
     * the clip's manifest never arrived; a marker carries no media, so it never goes to a model.
     */
    public static Chunk failure(String clipId, ClipManifest manifest, int chunksEmitted, String reason) {
        return failure(clipId, manifest, null, chunksEmitted, reason);
    }

    /** As {@link #failure(String, ClipManifest, int, String)}, of a clip whose mode is known. */
    public static Chunk failure(String clipId, ClipManifest manifest, ClipMode mode, int chunksEmitted,
            String reason) {
        Chunk c = new Chunk();
        c.mode = mode;
        c.clipId = clipId;
        c.index = chunksEmitted;
        c.last = true;
        c.manifest = manifest;
        c.images = new byte[0][];
        c.samples = new short[0];
        c.failure = Objects.requireNonNull(reason);
        return c;
    }

    /**
     * The marker that the clip of {@code manifest} started: the manifest arrived and was accepted. It has
     * index 0, no media and no end; the merger emits the clip's manifest when it first hears of the
     * clip, from this marker or from the clip's first chunk, whichever comes first.
     */
    public static Chunk clipStarted(ClipManifest manifest) {
        Chunk c = new Chunk();
        c.clipId = manifest.getClipId();
        c.manifest = manifest;
        c.images = new byte[0][];
        c.samples = new short[0];
        c.clipStart = true;
        return c;
    }

    /** A copy with the model's output in place of the frames and audio; ranges unchanged. */
    public Chunk withMedia(byte[][] newImages, short[] newSamples) {
        if (newImages.length != images.length || newSamples.length != samples.length) {
            throw new IllegalArgumentException("chunk " + index + " of clip " + clipId + ": a model must return "
                    + images.length + " frames and " + samples.length + " sample values, got " + newImages.length
                    + " and " + newSamples.length);
        }
        Chunk c = of(manifest, index, last, firstFrame, newImages, firstSample, newSamples, nextFirstFrame,
                nextFirstSample, end);
        c.failure = failure;
        c.mode = mode;
        c.attempts = attempts;
        c.copyTimes(this);
        return c;
    }

    /** The presentation time of this chunk's frame {@code i} (from 0), in microseconds from the clip's start. */
    public long framePtsMicros(int i) {
        if (framePtsMicros != null) {
            return framePtsMicros[i];
        }
        long index = firstFrame + i;
        return Math.floorDiv(index * 1_000_000L * manifest.getFpsDen(), manifest.getFpsNum());
    }

    /**
     * A copy (sharing the media) with the frames' presentation times, its core's range, how the cut
     * at its core's end was chosen ({@code cut}, empty for the last chunk) and its script lines.
     */
    public Chunk withTimes(long[] ptsMicros, long coreStart, long coreEnd, String cut, ScriptLine[] lines) {
        if (ptsMicros.length != images.length) {
            throw new IllegalArgumentException("chunk " + index + " of clip " + clipId + " has " + images.length
                    + " frames but " + ptsMicros.length + " presentation times");
        }
        Chunk c = withAttempts(attempts == null ? null : attempts);
        c.framePtsMicros = ptsMicros;
        c.coreStartMicros = coreStart;
        c.coreEndMicros = coreEnd;
        c.coreCut = cut;
        c.scriptLines = lines;
        return c;
    }

    private void copyTimes(Chunk from) {
        framePtsMicros = from.framePtsMicros;
        coreStartMicros = from.coreStartMicros;
        coreEndMicros = from.coreEndMicros;
        coreCut = from.coreCut;
        scriptLines = from.scriptLines;
        spokenMicros = from.spokenMicros;
        dubLines = from.dubLines;
        framesAtCut = from.framesAtCut;
    }

    /**
     * A copy (sharing the media) whose frames join the neighbours' at the cut between their cores
     * ({@link #isFramesAtCut()}).
     */
    public Chunk withFramesAtCut() {
        Chunk c = withAttempts(attempts);
        c.framesAtCut = true;
        return c;
    }

    /**
     * Whether the frames are each the output of the chunk whose core holds them: the frame model ran on
     * the core frames only (its output for a frame depends on that frame and the clip's context, not on
     * where the chunk starts) and left the context frames as they came. The merger then takes each frame
     * of an overlap from the chunk whose core holds it instead of crossfading; the audio is crossfaded
     * unless the chunk {@link #isDubbed() is dubbed}.
     */
    public boolean isFramesAtCut() {
        return framesAtCut;
    }

    public void setFramesAtCut(boolean framesAtCut) {
        this.framesAtCut = framesAtCut;
    }

    /** A copy (sharing the media) with its dub's line counts: spoken, extended, stretched, cut. */
    public Chunk withDubLines(int[] counts) {
        Chunk c = withAttempts(attempts);
        c.dubLines = counts.clone();
        return c;
    }

    public int[] getDubLines() {
        return dubLines;
    }

    public void setDubLines(int[] dubLines) {
        this.dubLines = dubLines;
    }

    /** A copy (sharing the media) that says where its dub speaks ({@link #getSpokenMicros()}). */
    public Chunk withSpoken(long[] spoken) {
        if (spoken.length % 2 != 0) {
            throw new IllegalArgumentException("spoken ranges come in [start, end) pairs, got " + spoken.length
                    + " values");
        }
        Chunk c = withAttempts(attempts);
        c.spokenMicros = spoken;
        return c;
    }

    /**
     * Whether the dubbing stage ran on this chunk. A dubbed chunk carries the speech of its own lines
     * only, so it joins its neighbours at the cut between their cores rather than by a crossfade.
     */
    public boolean isDubbed() {
        return spokenMicros != null;
    }

    /** Whether a dub speaks at {@code micros}; true throughout when no dubbing ran. */
    public boolean isSpokenAt(long micros) {
        if (spokenMicros == null) {
            return true;
        }
        for (int i = 0; i < spokenMicros.length; i += 2) {
            if (micros >= spokenMicros[i] && micros < spokenMicros[i + 1]) {
                return true;
            }
        }
        return false;
    }

    /** A copy (sharing the media) that carries {@code history} as its attempts. */
    public Chunk withAttempts(ChunkAttempt[] history) {
        Chunk c = new Chunk();
        c.clipId = clipId;
        c.index = index;
        c.last = last;
        c.manifest = manifest;
        c.firstFrame = firstFrame;
        c.images = images;
        c.firstSample = firstSample;
        c.samples = samples;
        c.nextFirstFrame = nextFirstFrame;
        c.nextFirstSample = nextFirstSample;
        c.end = end;
        c.failure = failure;
        c.mode = mode;
        c.attempts = history == null ? null : history.clone();
        c.copyTimes(this);
        return c;
    }

    public boolean isFailure() {
        return failure != null;
    }

    /** Whether this is the marker that the clip started ({@link #clipStarted}), not a chunk of media. */
    public boolean isClipStart() {
        return clipStart;
    }

    public void setClipStart(boolean clipStart) {
        this.clipStart = clipStart;
    }

    /** How many times the model ran on this chunk; 0 before inference. */
    public int attemptCount() {
        return attempts == null ? 0 : attempts.length;
    }

    /** Whether this is the marker of a chunk that inference gave up on (it carries the failed attempts). */
    public boolean failedInference() {
        return isFailure() && attemptCount() > 0;
    }

    /** One past this chunk's last frame. */
    public long endFrame() {
        return firstFrame + images.length;
    }

    /** Samples per channel in this chunk. */
    public int sampleCount() {
        int channels = manifest == null ? 0 : manifest.getChannels();
        return channels == 0 ? 0 : samples.length / channels;
    }

    /** One past this chunk's last sample (per channel). */
    public long endSample() {
        return firstSample + sampleCount();
    }

    public String getClipId() {
        return clipId;
    }

    public void setClipId(String clipId) {
        this.clipId = clipId;
    }

    public int getIndex() {
        return index;
    }

    public void setIndex(int index) {
        this.index = index;
    }

    public boolean isLast() {
        return last;
    }

    public void setLast(boolean last) {
        this.last = last;
    }

    public ClipManifest getManifest() {
        return manifest;
    }

    public void setManifest(ClipManifest manifest) {
        this.manifest = manifest;
    }

    public long getFirstFrame() {
        return firstFrame;
    }

    public void setFirstFrame(long firstFrame) {
        this.firstFrame = firstFrame;
    }

    public byte[][] getImages() {
        return images;
    }

    public void setImages(byte[][] images) {
        this.images = images;
    }

    public long getFirstSample() {
        return firstSample;
    }

    public void setFirstSample(long firstSample) {
        this.firstSample = firstSample;
    }

    public short[] getSamples() {
        return samples;
    }

    public void setSamples(short[] samples) {
        this.samples = samples;
    }

    public long getNextFirstFrame() {
        return nextFirstFrame;
    }

    public void setNextFirstFrame(long nextFirstFrame) {
        this.nextFirstFrame = nextFirstFrame;
    }

    public long getNextFirstSample() {
        return nextFirstSample;
    }

    public void setNextFirstSample(long nextFirstSample) {
        this.nextFirstSample = nextFirstSample;
    }

    public EndOfClip getEnd() {
        return end;
    }

    public void setEnd(EndOfClip end) {
        this.end = end;
    }

    public String getFailure() {
        return failure;
    }

    public void setFailure(String failure) {
        this.failure = failure;
    }

    public ClipMode getMode() {
        return mode;
    }

    public void setMode(ClipMode mode) {
        this.mode = mode;
    }

    public ChunkAttempt[] getAttempts() {
        return attempts;
    }

    public void setAttempts(ChunkAttempt[] attempts) {
        this.attempts = attempts;
    }

    public long[] getFramePtsMicros() {
        return framePtsMicros;
    }

    public void setFramePtsMicros(long[] framePtsMicros) {
        this.framePtsMicros = framePtsMicros;
    }

    public long getCoreStartMicros() {
        return coreStartMicros;
    }

    public void setCoreStartMicros(long coreStartMicros) {
        this.coreStartMicros = coreStartMicros;
    }

    public long getCoreEndMicros() {
        return coreEndMicros;
    }

    public void setCoreEndMicros(long coreEndMicros) {
        this.coreEndMicros = coreEndMicros;
    }

    public long[] getSpokenMicros() {
        return spokenMicros;
    }

    public void setSpokenMicros(long[] spokenMicros) {
        this.spokenMicros = spokenMicros;
    }

    public String getCoreCut() {
        return coreCut;
    }

    public void setCoreCut(String coreCut) {
        this.coreCut = coreCut;
    }

    public ScriptLine[] getScriptLines() {
        return scriptLines;
    }

    public void setScriptLines(ScriptLine[] scriptLines) {
        this.scriptLines = scriptLines;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Chunk)) {
            return false;
        }
        Chunk c = (Chunk) o;
        return index == c.index && last == c.last && firstFrame == c.firstFrame && firstSample == c.firstSample
                && nextFirstFrame == c.nextFirstFrame && nextFirstSample == c.nextFirstSample
                && Objects.equals(clipId, c.clipId) && Objects.equals(manifest, c.manifest)
                && Arrays.deepEquals(images, c.images) && Arrays.equals(samples, c.samples)
                && Objects.equals(end, c.end) && Objects.equals(failure, c.failure) && mode == c.mode
                && Arrays.equals(framePtsMicros, c.framePtsMicros) && coreStartMicros == c.coreStartMicros
                && coreEndMicros == c.coreEndMicros && Objects.equals(coreCut, c.coreCut)
                && Arrays.equals(scriptLines, c.scriptLines) && Arrays.equals(spokenMicros, c.spokenMicros)
                && Arrays.equals(dubLines, c.dubLines) && clipStart == c.clipStart && framesAtCut == c.framesAtCut;
    }

    @Override
    public int hashCode() {
        return Objects.hash(clipId, index, firstFrame, firstSample);
    }

    @Override
    public String toString() {
        if (clipStart) {
            return "Chunk{clipId=" + clipId + ", clip started}";
        }
        return isFailure()
                ? "Chunk{clipId=" + clipId + ", failed after " + index + " chunks: " + failure + "}"
                : "Chunk{clipId=" + clipId + ", " + (mode == null ? "" : mode.label() + " ") + "#" + index
                        + (last ? " (last)" : "") + ", frames " + firstFrame
                        + ".." + endFrame() + " (next from " + nextFirstFrame + "), samples " + firstSample + ".."
                        + endSample() + " (next from " + nextFirstSample + ")}";
    }
}
