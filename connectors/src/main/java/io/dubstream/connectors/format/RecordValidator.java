package io.dubstream.connectors.format;

import java.util.regex.Pattern;

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

/** Checks records against {@link RecordLimits}: the same checks on the way out and on the way in. */
public final class RecordValidator {

    /** Clip ids are safe as Kafka keys, file names and metric labels. */
    private static final Pattern CLIP_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    /** A BCP 47 language tag in its common shapes: {@code fr}, {@code fra}, {@code pt-BR}, {@code zh-Hant-TW}. */
    private static final Pattern LANGUAGE = Pattern.compile("[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*");

    private final RecordLimits limits;

    public RecordValidator(RecordLimits limits) {
        this.limits = limits;
    }

    public RecordLimits limits() {
        return limits;
    }

    /** Throws with the first problem found, or returns normally when the record is valid. */
    public void validate(ClipRecord record) throws InvalidRecordException {
        if (record == null) {
            throw new InvalidRecordException("record is null");
        }
        if (!(record instanceof DeadLetter)) {
            checkClipId(record.getClipId());
        }
        if (record instanceof ClipManifest m) {
            checkManifest(m);
        } else if (record instanceof VideoFrame f) {
            checkFrame(f);
        } else if (record instanceof FramePart p) {
            checkFramePart(p);
        } else if (record instanceof AudioBlock b) {
            checkAudio(b);
        } else if (record instanceof EndOfClip e) {
            checkEnd(e);
        } else if (record instanceof DeadLetter d) {
            checkDeadLetter(d);
        } else if (record instanceof ChunkStatus s) {
            checkChunkStatus(s);
        } else if (record instanceof ClipStatus s) {
            checkClipStatus(s);
        } else if (record instanceof ScriptLine l) {
            checkScriptLine(l);
        } else {
            throw new InvalidRecordException("unknown record class " + record.getClass().getName());
        }
    }

    /** Checks a clip id on its own, e.g. one given on a command line. */
    public void checkClipId(String clipId) throws InvalidRecordException {
        if (clipId == null || clipId.isEmpty()) {
            throw new InvalidRecordException("clip id is empty");
        }
        if (clipId.length() > limits.maxClipIdLength()) {
            throw new InvalidRecordException("clip id is " + clipId.length() + " characters, above the limit of "
                    + limits.maxClipIdLength());
        }
        if (!CLIP_ID.matcher(clipId).matches()) {
            throw new InvalidRecordException("clip id '" + printable(clipId)
                    + "' has characters other than letters, digits, '.', '_' and '-' (or starts with one of the last three)");
        }
    }

    private void checkManifest(ClipManifest m) throws InvalidRecordException {
        checkText("container", m.getContainer());
        checkText("video codec", m.getVideoCodec());
        checkText("audio codec", m.getAudioCodec());
        if (!ClipManifest.FRAME_ENCODING_JPEG.equals(m.getFrameEncoding())) {
            throw new InvalidRecordException("frame encoding '" + printable(String.valueOf(m.getFrameEncoding()))
                    + "' is not supported (only '" + ClipManifest.FRAME_ENCODING_JPEG + "')");
        }
        checkFrameRate(m.getFpsNum(), m.getFpsDen());
        checkSize(m.getWidth(), m.getHeight());
        if (m.getFrameCount() < -1) {
            throw new InvalidRecordException("frame count " + m.getFrameCount() + " is negative (-1 means unknown)");
        }
        if (m.getDurationMicros() < -1) {
            throw new InvalidRecordException("duration " + m.getDurationMicros() + " us is negative (-1 means unknown)");
        }
        boolean noAudio = m.getSampleRate() == 0 && m.getChannels() == 0;
        if (!noAudio) {
            checkRate("transport", m.getSampleRate(), m.getChannels());
        }
        if (!(m.getSourceSampleRate() == 0 && m.getSourceChannels() == 0)) {
            if (m.getSourceSampleRate() <= 0 || m.getSourceChannels() <= 0) {
                throw new InvalidRecordException("source audio " + m.getSourceSampleRate() + " Hz x"
                        + m.getSourceChannels() + " must be both positive or both 0 (no audio)");
            }
        }
        if (noAudio != m.getAudioCodec().isEmpty()) {
            throw new InvalidRecordException("audio codec '" + m.getAudioCodec() + "' and transport audio "
                    + m.getSampleRate() + " Hz x" + m.getChannels() + " disagree on whether the clip has audio");
        }
        if (m.getCreatedAtMillis() < 0) {
            throw new InvalidRecordException("created-at " + m.getCreatedAtMillis() + " is negative");
        }
        if (m.getScriptLineCount() < 0 || m.getScriptLineCount() > RecordLimits.MAX_SCRIPT_LINES) {
            throw new InvalidRecordException("script line count " + m.getScriptLineCount() + " is outside 0.."
                    + RecordLimits.MAX_SCRIPT_LINES);
        }
        if (m.getRotationDegrees() % 90 != 0 || m.getRotationDegrees() < 0 || m.getRotationDegrees() >= 360) {
            throw new InvalidRecordException("rotation " + m.getRotationDegrees()
                    + " degrees is not one of 0, 90, 180 and 270");
        }
        checkLanguage("manifest script language", m.getScriptLanguage());
    }

    /** Checks a language tag on its own, e.g. one given on a command line: empty, or a BCP 47 tag. */
    public void checkLanguage(String what, String tag) throws InvalidRecordException {
        if (tag == null) {
            throw new InvalidRecordException(what + " is missing (null)");
        }
        if (!tag.isEmpty() && (tag.length() > RecordLimits.MAX_SCRIPT_LABEL_LENGTH || !LANGUAGE.matcher(tag).matches())) {
            throw new InvalidRecordException(what + " '" + printable(tag)
                    + "' is not a language tag such as 'fr', 'deu' or 'pt-BR'");
        }
    }

    private void checkScriptLine(ScriptLine l) throws InvalidRecordException {
        int index = l.getLineIndex();
        if (index < 0 || index >= RecordLimits.MAX_SCRIPT_LINES) {
            throw new InvalidRecordException("script line index " + index + " is outside 0.."
                    + (RecordLimits.MAX_SCRIPT_LINES - 1));
        }
        if (l.getStartMicros() < 0 || l.getEndMicros() <= l.getStartMicros()) {
            throw new InvalidRecordException("script line " + index + " runs from " + l.getStartMicros() + " to "
                    + l.getEndMicros() + " us: it must start at 0 or later and end after it starts");
        }
        if (l.getText() == null || l.getText().isBlank()) {
            throw new InvalidRecordException("script line " + index + " has no text");
        }
        if (l.getText().length() > RecordLimits.MAX_SCRIPT_TEXT_LENGTH) {
            throw new InvalidRecordException("script line " + index + " has " + l.getText().length()
                    + " characters of text, above the limit of " + RecordLimits.MAX_SCRIPT_TEXT_LENGTH);
        }
        checkLanguage("script line " + index + " language", l.getLanguage());
        if (l.getSpeaker() == null) {
            throw new InvalidRecordException("script line " + index + " speaker is missing (null)");
        }
        if (l.getSpeaker().length() > RecordLimits.MAX_SCRIPT_LABEL_LENGTH) {
            throw new InvalidRecordException("script line " + index + " speaker is " + l.getSpeaker().length()
                    + " characters, above the limit of " + RecordLimits.MAX_SCRIPT_LABEL_LENGTH);
        }
    }

    private void checkFrame(VideoFrame f) throws InvalidRecordException {
        if (f.getFrameIndex() < 0) {
            throw new InvalidRecordException("frame index " + f.getFrameIndex() + " is negative");
        }
        if (f.getPtsMicros() < 0) {
            throw new InvalidRecordException("frame " + f.getFrameIndex() + " has negative presentation time "
                    + f.getPtsMicros() + " us");
        }
        checkSize(f.getWidth(), f.getHeight());
        byte[] image = f.getImage();
        if (image == null || image.length == 0) {
            throw new InvalidRecordException("frame " + f.getFrameIndex() + " has no image bytes");
        }
        if (image.length > limits.maxFrameBytes()) {
            throw new InvalidRecordException("frame " + f.getFrameIndex() + " is " + image.length
                    + " bytes encoded, above the limit of " + limits.maxFrameBytes() + " bytes per frame");
        }
    }

    /**
     * A frame part on its own: the frame it belongs to as for a whole frame, a whole length within
     * {@link RecordLimits#maxWholeFrameBytes()}, an index within its count, and exactly the bytes its
     * place in the even cut gives it ({@link FrameParts}), at most {@link RecordLimits#maxFrameBytes()}.
     */
    private void checkFramePart(FramePart p) throws InvalidRecordException {
        if (p.getFrameIndex() < 0) {
            throw new InvalidRecordException("frame index " + p.getFrameIndex() + " of a frame part is negative");
        }
        String name = p.describe();
        if (p.getPtsMicros() < 0) {
            throw new InvalidRecordException(name + " has negative presentation time " + p.getPtsMicros() + " us");
        }
        checkSize(p.getWidth(), p.getHeight());
        if (p.getFrameBytes() < 1 || p.getFrameBytes() > limits.maxWholeFrameBytes()) {
            throw new InvalidRecordException(name + " says the frame is " + p.getFrameBytes()
                    + " bytes encoded, outside 1.." + limits.maxWholeFrameBytes() + " bytes for a whole frame");
        }
        if (p.getPartCount() < 2 || p.getPartCount() > p.getFrameBytes()) {
            throw new InvalidRecordException(name + " says the frame of " + p.getFrameBytes() + " bytes is in "
                    + p.getPartCount() + " parts, outside 2.." + p.getFrameBytes() + " (a frame of one part travels as a video frame record)");
        }
        if (p.getPartIndex() < 0 || p.getPartIndex() >= p.getPartCount()) {
            throw new InvalidRecordException("part index " + p.getPartIndex() + " of frame " + p.getFrameIndex()
                    + " is outside 0.." + (p.getPartCount() - 1) + " (the frame is in " + p.getPartCount() + " parts)");
        }
        byte[] data = p.getData();
        if (data == null || data.length == 0) {
            throw new InvalidRecordException(name + " has no bytes");
        }
        if (data.length > limits.maxFrameBytes()) {
            throw new InvalidRecordException(name + " is " + data.length + " bytes, above the limit of "
                    + limits.maxFrameBytes() + " bytes per frame record");
        }
        int expected = FrameParts.partLength(p.getFrameBytes(), p.getPartCount(), p.getPartIndex());
        if (data.length != expected) {
            throw new InvalidRecordException(name + " has " + data.length + " bytes, but a frame of "
                    + p.getFrameBytes() + " bytes in " + p.getPartCount() + " parts has " + expected + " in part "
                    + p.getPartIndex());
        }
    }

    private void checkAudio(AudioBlock b) throws InvalidRecordException {
        if (b.getFirstSample() < 0) {
            throw new InvalidRecordException("audio block starts at negative sample " + b.getFirstSample());
        }
        checkRate("audio block", b.getSampleRate(), b.getChannels());
        short[] samples = b.getSamples();
        if (samples == null || samples.length == 0) {
            throw new InvalidRecordException("audio block at sample " + b.getFirstSample() + " is empty");
        }
        if (samples.length % b.getChannels() != 0) {
            throw new InvalidRecordException("audio block at sample " + b.getFirstSample() + " has " + samples.length
                    + " values, not a multiple of its " + b.getChannels() + " channels");
        }
        if (samples.length > limits.maxAudioBlockSamples()) {
            throw new InvalidRecordException("audio block at sample " + b.getFirstSample() + " has " + samples.length
                    + " values, above the limit of " + limits.maxAudioBlockSamples());
        }
    }

    private void checkEnd(EndOfClip e) throws InvalidRecordException {
        if (e.getFramesSent() < 0 || e.getSamplesSent() < 0) {
            throw new InvalidRecordException("end of clip has negative totals: " + e.getFramesSent() + " frames, "
                    + e.getSamplesSent() + " samples");
        }
        if (e.getStatus() == null) {
            throw new InvalidRecordException("end of clip has no status");
        }
        checkText("end-of-clip reason", e.getReason());
        if (e.getStatus() != EndOfClip.Status.COMPLETE && e.getReason().isEmpty()) {
            throw new InvalidRecordException("end of clip with status " + e.getStatus() + " must give a reason");
        }
    }

    private void checkDeadLetter(DeadLetter d) throws InvalidRecordException {
        checkText("dead-letter clip id", d.getClipId());
        checkText("dead-letter source topic", d.getSourceTopic());
        checkText("dead-letter reason", d.getReason());
        if (d.getOriginalValue() == null) {
            throw new InvalidRecordException("dead letter has no original value (use an empty array)");
        }
        if (d.getOriginalLength() < d.getOriginalValue().length) {
            throw new InvalidRecordException("dead letter keeps " + d.getOriginalValue().length
                    + " original bytes of an original of " + d.getOriginalLength());
        }
        if (d.getOriginalSha256() == null || d.getOriginalSha256().length != DeadLetter.SHA256_BYTES) {
            throw new InvalidRecordException("dead letter's original SHA-256 must be " + DeadLetter.SHA256_BYTES + " bytes");
        }
    }

    private void checkChunkStatus(ChunkStatus s) throws InvalidRecordException {
        if (s.getChunkIndex() < 0) {
            throw new InvalidRecordException("chunk status has negative chunk index " + s.getChunkIndex());
        }
        if (s.getChunkCount() != ChunkStatus.UNKNOWN_COUNT && s.getChunkCount() <= s.getChunkIndex()) {
            throw new InvalidRecordException("chunk " + s.getChunkIndex() + " cannot be in a clip of "
                    + s.getChunkCount() + " chunks (" + ChunkStatus.UNKNOWN_COUNT + " means unknown)");
        }
        if (s.getState() == null) {
            throw new InvalidRecordException("chunk status of chunk " + s.getChunkIndex() + " has no state");
        }
        boolean pending = s.getState() == ChunkStatus.State.PENDING;
        if (pending ? s.getAttempt() != 0 : s.getAttempt() < 1) {
            throw new InvalidRecordException("chunk " + s.getChunkIndex() + " is " + s.getState() + " at attempt "
                    + s.getAttempt() + " (PENDING is attempt 0, every other state attempt 1 or later)");
        }
        checkText("chunk status error", s.getError());
        boolean failed = s.getState() == ChunkStatus.State.RETRIED || s.getState() == ChunkStatus.State.FAILED;
        if (failed && s.getError().isEmpty()) {
            throw new InvalidRecordException("chunk " + s.getChunkIndex() + " is " + s.getState()
                    + " and must give the error");
        }
        checkText("chunk status clip mode", s.getClipMode());
        checkText("chunk status cut", s.getCut());
        checkText("chunk status model", s.getModel());
        checkText("chunk status voice", s.getVoice());
        if (s.hasDubLines()) {
            int[] dub = s.getDubLines();
            if (dub.length != 4 || dub[0] < 0 || dub[1] < 0 || dub[2] < 0 || dub[3] < 0
                    || dub[1] + dub[2] + dub[3] > dub[0]) {
                throw new InvalidRecordException("chunk " + s.getChunkIndex() + " states dub lines "
                        + java.util.Arrays.toString(dub) + ": spoken, extended, stretched and cut must be 0 or more,"
                        + " and extended + stretched + cut at most spoken");
            }
        }
        if (s.getCoreStartMicros() < 0 || s.getCoreEndMicros() < s.getCoreStartMicros()) {
            throw new InvalidRecordException("chunk " + s.getChunkIndex() + " has core " + s.getCoreStartMicros() + ".."
                    + s.getCoreEndMicros() + " us: it must start at 0 or later and not end before it starts");
        }
        if (s.getAtMillis() < 0) {
            throw new InvalidRecordException("chunk status time " + s.getAtMillis() + " is negative");
        }
    }

    private void checkClipStatus(ClipStatus s) throws InvalidRecordException {
        if (s.getOutcome() == null) {
            throw new InvalidRecordException("clip status has no outcome");
        }
        if (s.getChunksMerged() < 0 || s.getRetries() < 0) {
            throw new InvalidRecordException("clip status has negative counts: " + s.getChunksMerged()
                    + " chunks merged, " + s.getRetries() + " retries");
        }
        checkText("clip status reason", s.getReason());
        if (s.getOutcome() == ClipStatus.Outcome.FAILED && s.getReason().isEmpty()) {
            throw new InvalidRecordException("a FAILED clip status must give a reason");
        }
        if (s.getAtMillis() < 0) {
            throw new InvalidRecordException("clip status time " + s.getAtMillis() + " is negative");
        }
    }

    private void checkFrameRate(int num, int den) throws InvalidRecordException {
        if (num <= 0 || den <= 0) {
            throw new InvalidRecordException("frame rate " + num + "/" + den + " must have a positive numerator and denominator");
        }
        double fps = (double) num / den;
        if (fps < 1.0 / 60 || fps > limits.maxFps()) {
            throw new InvalidRecordException("frame rate " + num + "/" + den + " (" + fps + " fps) is outside 1/60.."
                    + limits.maxFps() + " fps");
        }
    }

    private void checkSize(int width, int height) throws InvalidRecordException {
        if (width <= 0 || height <= 0) {
            throw new InvalidRecordException("frame size " + width + "x" + height + " is not positive");
        }
        if (width > limits.maxWidth() || height > limits.maxHeight()) {
            throw new InvalidRecordException("frame size " + width + "x" + height + " is above the limit of "
                    + limits.maxWidth() + "x" + limits.maxHeight());
        }
    }

    private void checkRate(String what, int rate, int channels) throws InvalidRecordException {
        if (rate < limits.minSampleRate() || rate > limits.maxSampleRate()) {
            throw new InvalidRecordException(what + " sample rate " + rate + " Hz is outside " + limits.minSampleRate()
                    + ".." + limits.maxSampleRate() + " Hz");
        }
        if (channels < 1 || channels > limits.maxChannels()) {
            throw new InvalidRecordException(what + " has " + channels + " channels, outside 1.." + limits.maxChannels());
        }
    }

    private void checkText(String what, String value) throws InvalidRecordException {
        if (value == null) {
            throw new InvalidRecordException(what + " is missing (null)");
        }
        if (value.length() > limits.maxTextLength()) {
            throw new InvalidRecordException(what + " is " + value.length() + " characters, above the limit of "
                    + limits.maxTextLength());
        }
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && i < 64; i++) {
            char c = s.charAt(i);
            b.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\u%04x", (int) c));
        }
        return s.length() > 64 ? b + "..." : b.toString();
    }
}
