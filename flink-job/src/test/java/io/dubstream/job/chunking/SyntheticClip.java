package io.dubstream.job.chunking;

import java.util.ArrayList;
import java.util.List;

import io.dubstream.connectors.records.AudioBlock;
import io.dubstream.connectors.records.ClipManifest;
import io.dubstream.connectors.records.TestManifests;
import io.dubstream.connectors.records.EndOfClip;
import io.dubstream.connectors.records.ScriptLine;
import io.dubstream.connectors.records.VideoFrame;
import io.dubstream.job.records.Chunk;
import io.dubstream.job.records.ClipEvent;

/**
 * A clip made up for tests, so that every frame and sample of a chunk can be checked exactly: the
 * "image" of frame {@code i} is five bytes naming the clip and {@code i} (the assembler never
 * decodes images), and each sample value is a hash of the clip, its index and its channel. Audio
 * comes in blocks of {@value #BLOCK_SAMPLES} samples per channel, the last one shorter.
 */
final class SyntheticClip {

    static final int WIDTH = 64;
    static final int HEIGHT = 36;
    static final int BLOCK_SAMPLES = 4000;

    final String id;
    final int fpsNum;
    final int fpsDen;
    final int sampleRate;
    final int channels;
    /** Frames in the clip: its length times the frame rate, rounded. */
    final long frames;
    /** Samples per channel: its length times the sample rate. */
    final long samples;
    private final byte tag;
    /** The script's lines as {@code [start, end)} µs; none by default. */
    private List<long[]> script = List.of();
    /** Samples {@code [quietFrom, quietTo)} are silent. */
    private long quietFrom;
    private long quietTo;
    /** Frame times when they are not {@code index / fps}; null for a constant frame rate. */
    private long[] framePts;

    private SyntheticClip(String id, long videoMillis, long audioMillis, int fpsNum, int fpsDen, int sampleRate,
            int channels) {
        this.id = id;
        this.fpsNum = fpsNum;
        this.fpsDen = fpsDen;
        this.sampleRate = sampleRate;
        this.channels = channels;
        this.frames = Math.round(videoMillis * fpsNum / (1000.0 * fpsDen));
        this.samples = audioMillis * sampleRate / 1000;
        this.tag = (byte) id.hashCode();
    }

    /** A clip of {@code millis} ms; {@code sampleRate} and {@code channels} 0 for a clip without audio. */
    static SyntheticClip of(String id, long millis, int fpsNum, int fpsDen, int sampleRate, int channels) {
        return new SyntheticClip(id, millis, millis, fpsNum, fpsDen, sampleRate, channels);
    }

    /** The same clip with audio of another length than the video. */
    SyntheticClip withAudioMillis(long audioMillis) {
        return new SyntheticClip(id, Math.round(frames * 1000.0 * fpsDen / fpsNum), audioMillis, fpsNum, fpsDen,
                sampleRate, channels);
    }

    /** This clip with a script of lines at these {@code [start, end)} times in seconds. */
    SyntheticClip withScript(double[][] lines) {
        List<long[]> spans = new ArrayList<>();
        for (double[] line : lines) {
            spans.add(new long[] {Math.round(line[0] * 1e6), Math.round(line[1] * 1e6)});
        }
        script = spans;
        return this;
    }

    /** This clip with silence from {@code fromSeconds} to {@code toSeconds}. */
    SyntheticClip withQuiet(double fromSeconds, double toSeconds) {
        quietFrom = Math.round(fromSeconds * sampleRate);
        quietTo = Math.round(toSeconds * sampleRate);
        return this;
    }

    /** This clip with its frames at these times (µs), one per frame. */
    SyntheticClip withFrameTimes(long[] ptsMicros) {
        if (ptsMicros.length != frames) {
            throw new IllegalArgumentException(ptsMicros.length + " frame times for " + frames + " frames");
        }
        framePts = ptsMicros;
        return this;
    }

    /** The script's lines, numbered in order. */
    List<ScriptLine> scriptLines() {
        List<ScriptLine> lines = new ArrayList<>();
        for (int i = 0; i < script.size(); i++) {
            lines.add(new ScriptLine(id, i, script.get(i)[0], script.get(i)[1], "line " + i, "fr", ""));
        }
        return lines;
    }

    boolean hasAudio() {
        return sampleRate > 0;
    }

    ClipManifest manifest() {
        ClipManifest m = TestManifests.of(id, WIDTH, HEIGHT, fpsNum, fpsDen, frames, sampleRate, channels,
                1_700_000_000_000L);
        m.setScriptLineCount(script.size());
        return m;
    }

    /** The manifest with another duration than the clip's; -1 for one that states none. */
    ClipManifest manifest(long durationMicros) {
        ClipManifest m = manifest();
        m.setDurationMicros(durationMicros);
        return m;
    }

    /** The one chunk of the clip when it runs whole, its manifest stating its duration. */
    Chunk wholeChunk() {
        return wholeChunk(manifest());
    }

    /** The one chunk of the clip when it runs whole, with {@code manifest}. */
    Chunk wholeChunk(ClipManifest manifest) {
        return timed(Chunk.whole(manifest, images(0, frames), samples(0, samples), end()), 0, endMicros(),
                ChunkAssembler.CUT_AT_END);
    }

    /** {@code chunk} with its frames' presentation times, its core and its cut, and no script lines. */
    Chunk timed(Chunk chunk, long coreStart, long coreEnd, String cut) {
        long[] pts = new long[chunk.getImages().length];
        for (int i = 0; i < pts.length; i++) {
            pts[i] = frame(chunk.getFirstFrame() + i).getPtsMicros();
        }
        return chunk.withTimes(pts, coreStart, coreEnd, cut, new ScriptLine[0]);
    }

    /** Where the clip ends: after its last frame, one frame long, or its last sample, the later. */
    long endMicros() {
        long video = frame(frames - 1).getPtsMicros() + 1_000_000L * fpsDen / fpsNum;
        return Math.max(video, hasAudio() ? samples * 1_000_000L / sampleRate : 0);
    }

    byte[] image(long index) {
        return new byte[] {tag, (byte) (index >>> 24), (byte) (index >>> 16), (byte) (index >>> 8), (byte) index};
    }

    short sample(long index, int channel) {
        if (index >= quietFrom && index < quietTo) {
            return 0;
        }
        return (short) (((index * 2_654_435_761L) >>> 13) + channel * 7919 + tag * 31);
    }

    VideoFrame frame(long index) {
        long pts = framePts != null ? framePts[(int) index] : index * 1_000_000L * fpsDen / fpsNum;
        return new VideoFrame(id, index, pts, WIDTH, HEIGHT, image(index));
    }

    /** The images of frames {@code [from, to)}. */
    byte[][] images(long from, long to) {
        byte[][] images = new byte[Math.toIntExact(to - from)][];
        for (int i = 0; i < images.length; i++) {
            images[i] = image(from + i);
        }
        return images;
    }

    /** Samples {@code [from, to)}, interleaved. */
    short[] samples(long from, long to) {
        short[] values = new short[Math.toIntExact((to - from) * channels)];
        for (long s = from; s < to; s++) {
            for (int c = 0; c < channels; c++) {
                values[Math.toIntExact((s - from) * channels + c)] = sample(s, c);
            }
        }
        return values;
    }

    List<AudioBlock> blocks() {
        List<AudioBlock> blocks = new ArrayList<>();
        for (long first = 0; first < samples; first += BLOCK_SAMPLES) {
            blocks.add(new AudioBlock(id, first, sampleRate, channels,
                    samples(first, Math.min(first + BLOCK_SAMPLES, samples))));
        }
        return blocks;
    }

    EndOfClip end() {
        return EndOfClip.complete(id, frames, samples, 1_700_000_100_000L);
    }

    /**
     * The records as an upload sends them: the manifest, then the frames in order, each after the
     * audio blocks that start no later than it, then the end-of-clip record.
     */
    List<ClipEvent> upload() {
        List<ClipEvent> events = new ArrayList<>();
        events.add(ClipEvent.of(manifest()));
        for (ScriptLine line : scriptLines()) {
            events.add(ClipEvent.of(line));
        }
        events.addAll(media());
        events.add(ClipEvent.of(end()));
        return events;
    }

    /** Frames and audio blocks interleaved by time, as in {@link #upload()}. */
    List<ClipEvent> media() {
        List<ClipEvent> events = new ArrayList<>();
        List<AudioBlock> blocks = blocks();
        int b = 0;
        for (long i = 0; i < frames; i++) {
            // block b starts at b * BLOCK_SAMPLES / sampleRate s, frame i at its presentation time
            while (b < blocks.size()
                    && (long) b * BLOCK_SAMPLES * 1_000_000L <= frame(i).getPtsMicros() * (long) sampleRate) {
                events.add(ClipEvent.of(blocks.get(b++)));
            }
            events.add(ClipEvent.of(frame(i)));
        }
        while (b < blocks.size()) {
            events.add(ClipEvent.of(blocks.get(b++)));
        }
        return events;
    }

    @Override
    public String toString() {
        return id + " (" + frames + " frames at " + fpsNum + "/" + fpsDen + " fps, " + samples + " samples at "
                + sampleRate + " Hz x" + channels + ")";
    }
}
