package io.dubstream.job.records;

import java.util.Objects;

import io.dubstream.connectors.records.AudioBlock;
import io.dubstream.connectors.records.ChunkStatus;
import io.dubstream.connectors.records.ClipManifest;
import io.dubstream.connectors.records.ClipRecord;
import io.dubstream.connectors.records.ClipStatus;
import io.dubstream.connectors.records.DeadLetter;
import io.dubstream.connectors.records.EndOfClip;
import io.dubstream.connectors.records.FramePart;
import io.dubstream.connectors.records.ScriptLine;
import io.dubstream.connectors.records.VideoFrame;

/**
 * One record of a clip inside the job: exactly one of its fields is set. The job reads the input
 * topics as one stream of these and writes the output topics from one stream of these, so
 * that a clip's records keep their order through one keyed operator. The status records the job
 * publishes about its clips travel as these too.
 *
 * <p>A Flink POJO (tested): null fields cost a byte each on the wire.
 */
public class ClipEvent {

    private ClipManifest manifest;
    private VideoFrame frame;
    private FramePart framePart;
    private AudioBlock audio;
    private EndOfClip end;
    private DeadLetter deadLetter;
    private ChunkStatus chunkStatus;
    private ClipStatus clipStatus;
    private ScriptLine scriptLine;

    public ClipEvent() {}

    /** Wraps a record of any type. */
    public static ClipEvent of(ClipRecord record) {
        ClipEvent e = new ClipEvent();
        switch (Objects.requireNonNull(record).recordType()) {
            case MANIFEST -> e.manifest = (ClipManifest) record;
            case VIDEO_FRAME -> e.frame = (VideoFrame) record;
            case FRAME_PART -> e.framePart = (FramePart) record;
            case AUDIO_BLOCK -> e.audio = (AudioBlock) record;
            case END_OF_CLIP -> e.end = (EndOfClip) record;
            case DEAD_LETTER -> e.deadLetter = (DeadLetter) record;
            case CHUNK_STATUS -> e.chunkStatus = (ChunkStatus) record;
            case CLIP_STATUS -> e.clipStatus = (ClipStatus) record;
            case SCRIPT_LINE -> e.scriptLine = (ScriptLine) record;
        }
        return e;
    }

    /** The record this event carries. */
    public ClipRecord record() {
        if (manifest != null) {
            return manifest;
        }
        if (frame != null) {
            return frame;
        }
        if (framePart != null) {
            return framePart;
        }
        if (audio != null) {
            return audio;
        }
        if (end != null) {
            return end;
        }
        if (deadLetter != null) {
            return deadLetter;
        }
        if (chunkStatus != null) {
            return chunkStatus;
        }
        if (clipStatus != null) {
            return clipStatus;
        }
        if (scriptLine != null) {
            return scriptLine;
        }
        throw new IllegalStateException("empty ClipEvent");
    }

    /** The clip id, the key of every keyed operator of the job. */
    public String clipId() {
        return record().getClipId();
    }

    public ClipManifest getManifest() {
        return manifest;
    }

    public void setManifest(ClipManifest manifest) {
        this.manifest = manifest;
    }

    public VideoFrame getFrame() {
        return frame;
    }

    public void setFrame(VideoFrame frame) {
        this.frame = frame;
    }

    public FramePart getFramePart() {
        return framePart;
    }

    public void setFramePart(FramePart framePart) {
        this.framePart = framePart;
    }

    public AudioBlock getAudio() {
        return audio;
    }

    public void setAudio(AudioBlock audio) {
        this.audio = audio;
    }

    public EndOfClip getEnd() {
        return end;
    }

    public void setEnd(EndOfClip end) {
        this.end = end;
    }

    public DeadLetter getDeadLetter() {
        return deadLetter;
    }

    public void setDeadLetter(DeadLetter deadLetter) {
        this.deadLetter = deadLetter;
    }

    public ChunkStatus getChunkStatus() {
        return chunkStatus;
    }

    public void setChunkStatus(ChunkStatus chunkStatus) {
        this.chunkStatus = chunkStatus;
    }

    public ClipStatus getClipStatus() {
        return clipStatus;
    }

    public void setClipStatus(ClipStatus clipStatus) {
        this.clipStatus = clipStatus;
    }

    public ScriptLine getScriptLine() {
        return scriptLine;
    }

    public void setScriptLine(ScriptLine scriptLine) {
        this.scriptLine = scriptLine;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ClipEvent other && Objects.equals(record(), other.record());
    }

    @Override
    public int hashCode() {
        return record().hashCode();
    }

    @Override
    public String toString() {
        return "ClipEvent{" + record() + "}";
    }
}
