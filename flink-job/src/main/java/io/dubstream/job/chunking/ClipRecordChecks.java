package io.dubstream.job.chunking;

import io.dubstream.connectors.records.AudioBlock;
import io.dubstream.connectors.records.ClipManifest;
import io.dubstream.connectors.records.ClipRecord;
import io.dubstream.connectors.records.EndOfClip;
import io.dubstream.connectors.records.ScriptLine;
import io.dubstream.connectors.records.FramePart;
import io.dubstream.connectors.records.VideoFrame;

/**
 * The checks of one record against what its clip already says (its manifest, its end-of-clip
 * record), and the reasons the assembler gives when it refuses a record. Records reach these checks
 * valid on their own (the codec checked them); what is left is whether they fit their clip.
 */
final class ClipRecordChecks {

    private ClipRecordChecks() {}

    /** A frame of another size than the manifest's fails the clip. */
    static void checkFrame(VideoFrame frame, ClipManifest manifest) throws ClipFailure {
        if (frame.getWidth() != manifest.getWidth() || frame.getHeight() != manifest.getHeight()) {
            throw new ClipFailure("frame " + frame.getFrameIndex() + " is " + frame.getWidth() + "x" + frame.getHeight()
                    + " but the manifest says " + manifest.getWidth() + "x" + manifest.getHeight(), frame);
        }
    }

    /** Audio of another layout than the manifest's, or audio for a clip without, fails the clip. */
    static void checkAudio(AudioBlock block, ClipManifest manifest) throws ClipFailure {
        if (!manifest.hasAudio()) {
            throw new ClipFailure("audio block at sample " + block.getFirstSample()
                    + " but the manifest says the clip has no audio", block);
        }
        if (block.getSampleRate() != manifest.getSampleRate() || block.getChannels() != manifest.getChannels()) {
            throw new ClipFailure("audio block at sample " + block.getFirstSample() + " is " + block.getSampleRate()
                    + " Hz x" + block.getChannels() + " but the manifest says " + manifest.getSampleRate() + " Hz x"
                    + manifest.getChannels(), block);
        }
    }

    /**
     * Why a script line cannot belong to the clip the manifest describes, or null when it can: the
     * clip has no script, or fewer lines than the line's index. The clip goes on without it.
     */
    static String misfit(ScriptLine line, ClipManifest manifest) {
        if (!manifest.hasScript()) {
            return "script line " + line.getLineIndex() + " of clip " + line.getClipId()
                    + " but the manifest says the clip has no script";
        }
        if (line.getLineIndex() >= manifest.getScriptLineCount()) {
            return "script line " + line.getLineIndex() + " of clip " + line.getClipId() + " is past its script: the"
                    + " manifest says " + manifest.getScriptLineCount() + " lines";
        }
        return null;
    }

    /** The end-of-clip totals must be what arrived. */
    static void checkTotals(EndOfClip end, ClipManifest manifest, long framesReceived, long samplesReceived)
            throws ClipFailure {
        long framesSent = end.getFramesSent();
        long samplesSent = end.getSamplesSent();
        if (framesSent <= 0) {
            throw new ClipFailure("the end-of-clip record says the clip has " + framesSent + " frames", end);
        }
        if (framesReceived != framesSent) {
            throw new ClipFailure(framesReceived + " frames arrived but the end-of-clip record says " + framesSent, end);
        }
        if (!manifest.hasAudio() && samplesSent != 0) {
            throw new ClipFailure("the end-of-clip record says " + samplesSent
                    + " samples but the manifest says the clip has no audio", end);
        }
        if (manifest.hasAudio() && samplesReceived != samplesSent) {
            throw new ClipFailure(samplesReceived + " samples arrived but the end-of-clip record says " + samplesSent,
                    end);
        }
    }

    static String pastEndReason(VideoFrame frame, EndOfClip end) {
        return "frame " + frame.getFrameIndex() + " of clip " + frame.getClipId()
                + " is past its end: the end-of-clip record says " + end.getFramesSent() + " frames";
    }

    static String pastEndReason(AudioBlock block, EndOfClip end) {
        return "audio block at sample " + block.getFirstSample() + " of clip " + block.getClipId()
                + " is past its end: the end-of-clip record says " + end.getSamplesSent() + " samples";
    }

    /** Why a record of a clip that has ended is refused; {@code known} is the clip's manifest, if held. */
    static String afterEndReason(ClipRecord record, ClipManifest known) {
        String clipId = record.getClipId();
        if (record instanceof ClipManifest manifest && known != null) {
            return manifest.equals(known) ? "duplicate manifest of clip " + clipId + ", after the clip ended"
                    : "clip id " + clipId + " was uploaded twice: a different manifest arrived after the clip ended";
        }
        return describe(record) + " of clip " + clipId + " arrived after the clip ended";
    }

    /** A record in a few words, for a reason. */
    static String describe(ClipRecord record) {
        return switch (record.recordType()) {
            case MANIFEST -> "manifest";
            case VIDEO_FRAME -> "frame " + ((VideoFrame) record).getFrameIndex();
            case FRAME_PART -> ((FramePart) record).describe();
            case AUDIO_BLOCK -> "audio block at sample " + ((AudioBlock) record).getFirstSample();
            case SCRIPT_LINE -> "script line " + ((ScriptLine) record).getLineIndex();
            case END_OF_CLIP -> "end-of-clip record";
            case DEAD_LETTER -> "dead letter";
            case CHUNK_STATUS -> "chunk status";
            case CLIP_STATUS -> "clip status";
        };
    }
}
