package io.dubstream.job.merge;

import io.dubstream.connectors.records.ClipManifest;

/**
 * How far {@link OverlapAddMerger} has merged one clip: keyed state, one per clip in progress. It
 * exists from the moment the clip's manifest went out.
 *
 * <p>Frames {@code 0 .. framesEmitted-1} and samples {@code 0 .. samplesEmitted-1} have been emitted
 * (the samples of {@code audioCarry} are counted but wait to fill an audio block). The tail is the
 * last merged chunk's output from there to its end: the overlap that the next chunk, number
 * {@code nextIndex}, starts with and is crossfaded with. So the tail starts at frame
 * {@code framesEmitted} and sample {@code samplesEmitted}.
 *
 * <p>A Flink POJO (tested), never Kryo.
 */
public class MergeProgress {

    private int nextIndex;
    private ClipManifest manifest;
    private long framesEmitted;
    private long samplesEmitted;
    /** Interleaved values counted in samplesEmitted but not yet sent: less than one audio block. */
    private short[] audioCarry;
    private byte[][] tailImages;
    /** The presentation times of the tail's frames; null in state from before frames kept their times. */
    private long[] tailPts;
    /** Interleaved. */
    private short[] tailSamples;
    /** Script lines {@code 0 .. scriptLinesEmitted-1} are out. */
    private int scriptLinesEmitted;
    /**
     * Whether the clip's start marker has arrived; false in state from before the marker existed. A
     * clip that completes without it keeps a finished marker that drops it when it comes.
     */
    private boolean clipStartSeen;

    public MergeProgress() {}

    /** The progress of a clip before its first chunk. */
    public static MergeProgress start(ClipManifest manifest) {
        MergeProgress p = new MergeProgress();
        p.manifest = manifest;
        p.audioCarry = new short[0];
        p.tailImages = new byte[0][];
        p.tailPts = new long[0];
        p.tailSamples = new short[0];
        return p;
    }

    public int getNextIndex() {
        return nextIndex;
    }

    public void setNextIndex(int nextIndex) {
        this.nextIndex = nextIndex;
    }

    public ClipManifest getManifest() {
        return manifest;
    }

    public void setManifest(ClipManifest manifest) {
        this.manifest = manifest;
    }

    public long getFramesEmitted() {
        return framesEmitted;
    }

    public void setFramesEmitted(long framesEmitted) {
        this.framesEmitted = framesEmitted;
    }

    public long getSamplesEmitted() {
        return samplesEmitted;
    }

    public void setSamplesEmitted(long samplesEmitted) {
        this.samplesEmitted = samplesEmitted;
    }

    public short[] getAudioCarry() {
        return audioCarry;
    }

    public void setAudioCarry(short[] audioCarry) {
        this.audioCarry = audioCarry;
    }

    public int getScriptLinesEmitted() {
        return scriptLinesEmitted;
    }

    public void setScriptLinesEmitted(int scriptLinesEmitted) {
        this.scriptLinesEmitted = scriptLinesEmitted;
    }

    public boolean isClipStartSeen() {
        return clipStartSeen;
    }

    public void setClipStartSeen(boolean clipStartSeen) {
        this.clipStartSeen = clipStartSeen;
    }

    public long[] getTailPts() {
        return tailPts;
    }

    public void setTailPts(long[] tailPts) {
        this.tailPts = tailPts;
    }

    /** The presentation time of the tail's frame {@code j}, from its chunk, or from its index and the frame rate. */
    public long tailPts(int j) {
        if (tailPts != null && j < tailPts.length) {
            return tailPts[j];
        }
        long index = framesEmitted + j;
        return Math.floorDiv(index * 1_000_000L * manifest.getFpsDen(), manifest.getFpsNum());
    }

    public byte[][] getTailImages() {
        return tailImages;
    }

    public void setTailImages(byte[][] tailImages) {
        this.tailImages = tailImages;
    }

    public short[] getTailSamples() {
        return tailSamples;
    }

    public void setTailSamples(short[] tailSamples) {
        this.tailSamples = tailSamples;
    }

    @Override
    public String toString() {
        return "MergeProgress{next chunk " + nextIndex + ", frames emitted " + framesEmitted + ", samples emitted "
                + samplesEmitted + ", tail of " + tailImages.length + " frames and " + tailSamples.length
                + " values, " + audioCarry.length + " values waiting for a block}";
    }
}
