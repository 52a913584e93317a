package io.dubstream.job.chunking;

import java.util.ArrayList;
import java.util.List;

import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;

import io.dubstream.connectors.records.AudioBlock;
import io.dubstream.connectors.records.VideoFrame;

/**
 * The frames and audio blocks {@link ChunkAssembler} holds for the current clip, in keyed state:
 * frames by index ({@code frames}), audio blocks by first sample ({@code audio}), and what a chunk
 * is cut from them: images, presentation times, samples, the audio's loudness for silence cuts.
 */
final class HeldMedia {

    private final MapState<Long, VideoFrame> frames;
    private final MapState<Long, AudioBlock> audio;

    HeldMedia(RuntimeContext context) {
        frames = context.getMapState(new MapStateDescriptor<>("frames", Types.LONG, TypeInformation.of(VideoFrame.class)));
        audio = context.getMapState(new MapStateDescriptor<>("audio", Types.LONG, TypeInformation.of(AudioBlock.class)));
    }

    boolean hasFrame(long index) throws Exception {
        return frames.contains(index);
    }

    VideoFrame frame(long index) throws Exception {
        return frames.get(index);
    }

    void putFrame(VideoFrame frame) throws Exception {
        frames.put(frame.getFrameIndex(), frame);
    }

    void removeFrame(long index) throws Exception {
        frames.remove(index);
    }

    Iterable<VideoFrame> frames() throws Exception {
        return frames.values();
    }

    Iterable<Long> frameIndexes() throws Exception {
        return frames.keys();
    }

    boolean hasBlockAt(long firstSample) throws Exception {
        return audio.contains(firstSample);
    }

    AudioBlock blockAt(long firstSample) throws Exception {
        return audio.get(firstSample);
    }

    void putBlock(AudioBlock block) throws Exception {
        audio.put(block.getFirstSample(), block);
    }

    Iterable<AudioBlock> blocks() throws Exception {
        return audio.values();
    }

    /** The images of the held frames {@code [from, to)}. */
    byte[][] images(long from, long to) throws Exception {
        byte[][] images = new byte[Math.toIntExact(to - from)][];
        for (int i = 0; i < images.length; i++) {
            images[i] = frames.get(from + i).getImage();
        }
        return images;
    }

    /** The presentation times of the held frames {@code [from, to)}. */
    long[] ptsMicros(long from, long to) throws Exception {
        long[] pts = new long[Math.toIntExact(to - from)];
        for (int i = 0; i < pts.length; i++) {
            pts[i] = frames.get(from + i).getPtsMicros();
        }
        return pts;
    }

    /**
     * The first held frame from {@code from} on whose presentation time is at or after
     * {@code micros}, or {@code end} when none below {@code end} is (frames {@code [from, end)} must
     * be held).
     */
    long firstFrameAtOrAfter(long micros, long from, long end) throws Exception {
        for (long i = from; i < end; i++) {
            if (frames.get(i).getPtsMicros() >= micros) {
                return i;
            }
        }
        return end;
    }

    /**
     * Samples {@code [from, to)} (per channel, interleaved) of the contiguous run of blocks that
     * starts with the one held at {@code heldFrom}; none for {@code channels} 0.
     */
    short[] samples(int channels, long heldFrom, long from, long to) throws Exception {
        if (channels == 0) {
            return new short[0];
        }
        return samplesBetween(heldRun(heldFrom, to), from, to, channels);
    }

    /**
     * The energy (sum of squares over every channel) of the samples {@code [bounds[j], bounds[j+1])}
     * for each {@code j}, from the run of blocks held from {@code heldFrom}; samples at or past
     * {@code available} count as silent.
     */
    long[] energies(int channels, long heldFrom, long available, long[] bounds) throws Exception {
        long[] energies = new long[bounds.length - 1];
        long from = Math.min(bounds[0], available);
        long to = Math.min(bounds[bounds.length - 1], available);
        if (to <= from) {
            return energies;
        }
        short[] samples = samples(channels, heldFrom, from, to);
        for (int j = 0; j < energies.length; j++) {
            long start = Math.min(bounds[j], to);
            long end = Math.min(bounds[j + 1], to);
            long sum = 0;
            for (long i = (start - from) * channels; i < (end - from) * channels; i++) {
                long v = samples[(int) i];
                sum += v * v;
            }
            energies[j] = sum;
        }
        return energies;
    }

    /**
     * Drops the frames {@code [from, to)} and the blocks of the run from {@code heldFrom} that end at
     * or before sample {@code keepFrom}; returns the first sample of the run's first block still held.
     */
    long dropBelow(long from, long to, long heldFrom, long keepFrom) throws Exception {
        for (long i = from; i < to; i++) {
            frames.remove(i);
        }
        AudioBlock block;
        while ((block = audio.get(heldFrom)) != null && heldFrom + block.sampleCount() <= keepFrom) {
            audio.remove(heldFrom);
            heldFrom += block.sampleCount();
        }
        return heldFrom;
    }

    void clear() {
        frames.clear();
        audio.clear();
    }

    /**
     * The contiguous run of held blocks from the one at {@code first} up to sample {@code end}.
     * Following the run, rather than reading every held block, leaves out any block that overlaps
     * it (a sender's error, which shows in the sample count at the end).
     */
    private List<AudioBlock> heldRun(long first, long end) throws Exception {
        List<AudioBlock> run = new ArrayList<>();
        for (long at = first; at < end; ) {
            AudioBlock block = audio.get(at);
            if (block == null) {
                throw new IllegalStateException("no audio block held at sample " + at + " below " + end);
            }
            run.add(block);
            at += block.sampleCount();
        }
        return run;
    }

    /**
     * Samples {@code [from, to)} (per channel) cut from blocks that cover them, interleaved. Blocks
     * may start before {@code from} or end after {@code to}; those outside the range are skipped.
     *
     * @throws IllegalStateException when the blocks do not cover the range exactly once
     */
    static short[] samplesBetween(Iterable<AudioBlock> blocks, long from, long to, int channels) {
        short[] samples = new short[Math.toIntExact((to - from) * channels)];
        long copied = 0;
        for (AudioBlock block : blocks) {
            long blockFirst = block.getFirstSample();
            long start = Math.max(blockFirst, from);
            long end = Math.min(blockFirst + block.sampleCount(), to);
            if (start < end) {
                System.arraycopy(block.getSamples(), Math.toIntExact((start - blockFirst) * channels), samples,
                        Math.toIntExact((start - from) * channels), Math.toIntExact((end - start) * channels));
                copied += end - start;
            }
        }
        if (copied != to - from) {
            throw new IllegalStateException("the audio blocks held cover " + copied + " of the " + (to - from)
                    + " samples from " + from);
        }
        return samples;
    }
}
