package io.dubstream.job.chunking;

import java.util.List;

import io.dubstream.connectors.records.ClipManifest;
import io.dubstream.job.audio.SampleTimes;

/**
 * What {@link ChunkAssembler} knows of a clip, as {@link ChunkCutPlanner} asks for it: frames known
 * up to the last one received contiguously from the first, audio up to its contiguous samples,
 * everything once the clip's totals are in.
 */
final class HeldTimeline implements ChunkCutPlanner.Timeline {

    private final ClipManifest manifest;
    private final ChunkAssembler.Progress progress;
    private final boolean ended;
    private final HeldMedia media;
    private final List<long[]> lines;

    HeldTimeline(ClipManifest manifest, ChunkAssembler.Progress progress, boolean ended, HeldMedia media,
            List<long[]> lines) {
        this.manifest = manifest;
        this.progress = progress;
        this.ended = ended;
        this.media = media;
        this.lines = lines;
    }

    @Override
    public long knownUntilMicros() {
        if (ended) {
            return Long.MAX_VALUE;
        }
        long frames = progress.framesContiguous > 0 ? progress.lastContiguousPts : -1;
        long audio = manifest.hasAudio()
                ? Math.floorDiv(progress.samplesContiguous * 1_000_000L, manifest.getSampleRate())
                : Long.MAX_VALUE;
        return Math.min(frames, audio);
    }

    @Override
    public boolean hasFrameAtOrAfter(long micros) {
        return progress.framesContiguous > 0 && progress.lastContiguousPts >= micros;
    }

    @Override
    public List<long[]> lines() {
        return lines;
    }

    @Override
    public boolean hasAudio() {
        return manifest.hasAudio();
    }

    @Override
    public long[] energies(long fromMicros, long stepMicros, int steps) {
        long[] bounds = new long[steps + 1];
        for (int j = 0; j <= steps; j++) {
            bounds[j] = SampleTimes.sampleAt(fromMicros + j * stepMicros, manifest.getSampleRate());
        }
        try {
            return media.energies(manifest.getChannels(), progress.audioHeldFrom, progress.samplesContiguous, bounds);
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the audio held for clip " + manifest.getClipId(), e);
        }
    }
}
