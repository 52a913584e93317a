package io.dubstream.connectors.format;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

import io.dubstream.connectors.records.AudioBlock;
import io.dubstream.connectors.records.ChunkStatus;
import io.dubstream.connectors.records.ClipManifest;
import io.dubstream.connectors.records.ClipRecord;
import io.dubstream.connectors.records.ClipStatus;
import io.dubstream.connectors.records.DeadLetter;
import io.dubstream.connectors.records.EndOfClip;
import io.dubstream.connectors.records.FramePart;
import io.dubstream.connectors.records.RecordType;
import io.dubstream.connectors.records.ScriptLine;
import io.dubstream.connectors.records.VideoFrame;

/**
 * The binary wire format of dubstream's Kafka record values.
 *
 * <pre>
 * header   'D' 'S' | version (1 byte) | record type (1 byte)
 * body     fields in big-endian order; strings as u16 length + UTF-8; audio as s16 little-endian PCM
 * </pre>
 *
 * Every record is validated when written ({@link #encode} refuses what the limits forbid) and when
 * read ({@link #decode} returns a {@link DecodeResult.Rejected} with the reason instead of
 * throwing), so that a consumer can route bad input to a dead-letter topic. See
 * {@code docs/design.md} for the field layout of each type.
 */
public final class ClipRecordCodec {

    public static final byte MAGIC_0 = 'D';
    public static final byte MAGIC_1 = 'S';
    /**
     * The format version this code writes. It reads versions 1 and 2 too: version 2 added the script
     * line record and, at the end of the manifest, the script line count, the display rotation and
     * the script language (a version 1 manifest reads with no script, no rotation and no language);
     * version 3 added, at the end of the dead letter, the whole original's length and SHA-256, since
     * a dead letter may keep only the first bytes of the original (an older dead letter kept all of
     * them: its length and digest are computed when it is read), and the frame part record, which
     * carries a frame too large for one record in pieces; version 4 added, at the end of the chunk
     * status, the model and the voice that made the attempt (an older chunk status reads with both
     * empty).
     */
    public static final byte VERSION = 4;
    /** The oldest format version this code reads. */
    public static final byte OLDEST_READABLE_VERSION = 1;
    public static final int HEADER_BYTES = 4;

    private final RecordValidator validator;

    public ClipRecordCodec() {
        this(RecordLimits.DEFAULTS);
    }

    public ClipRecordCodec(RecordLimits limits) {
        this.validator = new RecordValidator(limits);
    }

    public RecordValidator validator() {
        return validator;
    }

    /** Validates and encodes a record. */
    public byte[] encode(ClipRecord record) throws InvalidRecordException {
        validator.validate(record);
        Writer w = new Writer(estimateSize(record));
        w.buf.put(MAGIC_0).put(MAGIC_1).put(VERSION).put(record.recordType().code());
        w.string(record.getClipId());
        switch (record.recordType()) {
            case MANIFEST -> writeManifest(w, (ClipManifest) record);
            case END_OF_CLIP -> writeEnd(w, (EndOfClip) record);
            case VIDEO_FRAME -> writeFrame(w, (VideoFrame) record);
            case AUDIO_BLOCK -> writeAudio(w, (AudioBlock) record);
            case DEAD_LETTER -> writeDeadLetter(w, (DeadLetter) record);
            case CHUNK_STATUS -> writeChunkStatus(w, (ChunkStatus) record);
            case CLIP_STATUS -> writeClipStatus(w, (ClipStatus) record);
            case SCRIPT_LINE -> writeScriptLine(w, (ScriptLine) record);
            case FRAME_PART -> writeFramePart(w, (FramePart) record);
        }
        return w.toBytes();
    }

    /** Decodes and validates a record value; never throws for bad input. */
    public DecodeResult decode(byte[] value) {
        try {
            return new DecodeResult.Valid(decodeOrThrow(value));
        } catch (InvalidRecordException e) {
            return new DecodeResult.Rejected(e.getMessage(), value);
        }
    }

    /** Decodes and validates a record value, throwing with the reason when it is not valid. */
    public ClipRecord decodeOrThrow(byte[] value) throws InvalidRecordException {
        if (value == null) {
            throw new InvalidRecordException("record value is null (a tombstone is not a dubstream record)");
        }
        if (value.length < HEADER_BYTES) {
            throw new InvalidRecordException("record is " + value.length + " bytes, shorter than the "
                    + HEADER_BYTES + "-byte header");
        }
        if (value[0] != MAGIC_0 || value[1] != MAGIC_1) {
            throw new InvalidRecordException(String.format(
                    "record does not start with the dubstream magic 'DS' (found 0x%02x%02x)", value[0], value[1]));
        }
        byte version = value[2];
        if (version < OLDEST_READABLE_VERSION || version > VERSION) {
            throw new InvalidRecordException("record has format version " + version + "; this reader knows versions "
                    + OLDEST_READABLE_VERSION + " to " + VERSION);
        }
        RecordType type = RecordType.fromCode(value[3]);
        if (type == null || type == RecordType.SCRIPT_LINE && version < 2
                || type == RecordType.FRAME_PART && version < 3) {
            throw new InvalidRecordException("record has unknown type byte " + value[3] + " for format version "
                    + version);
        }
        Reader r = new Reader(ByteBuffer.wrap(value), type);
        ClipRecord record;
        try {
            String clipId = r.string("clip id");
            record = switch (type) {
                case MANIFEST -> readManifest(r, clipId, version);
                case END_OF_CLIP -> readEnd(r, clipId);
                case VIDEO_FRAME -> readFrame(r, clipId);
                case AUDIO_BLOCK -> readAudio(r, clipId);
                case DEAD_LETTER -> readDeadLetter(r, clipId, version);
                case CHUNK_STATUS -> readChunkStatus(r, clipId, version);
                case CLIP_STATUS -> readClipStatus(r, clipId);
                case SCRIPT_LINE -> readScriptLine(r, clipId);
                case FRAME_PART -> readFramePart(r, clipId);
            };
        } catch (BufferUnderflowException e) {
            throw new InvalidRecordException(type + " record is truncated: " + value.length + " bytes end inside "
                    + (r.field == null ? "the body" : "field '" + r.field + "'"));
        }
        if (r.buf.hasRemaining()) {
            throw new InvalidRecordException(type + " record has " + r.buf.remaining()
                    + " unexpected trailing bytes");
        }
        validator.validate(record);
        return record;
    }

    private static void writeManifest(Writer w, ClipManifest m) {
        w.string(m.getContainer());
        w.string(m.getVideoCodec());
        w.string(m.getAudioCodec());
        w.buf.putInt(m.getFpsNum()).putInt(m.getFpsDen()).putInt(m.getWidth()).putInt(m.getHeight())
                .putLong(m.getFrameCount());
        w.string(m.getFrameEncoding());
        w.buf.putInt(m.getSampleRate()).putInt(m.getChannels()).putInt(m.getSourceSampleRate())
                .putInt(m.getSourceChannels()).putLong(m.getDurationMicros()).putLong(m.getCreatedAtMillis());
        w.buf.putInt(m.getScriptLineCount()).putInt(m.getRotationDegrees());
        w.string(m.getScriptLanguage());
    }

    private static ClipManifest readManifest(Reader r, String clipId, byte version) throws InvalidRecordException {
        ClipManifest m = new ClipManifest();
        m.setClipId(clipId);
        m.setFormatVersion(version);
        m.setContainer(r.string("container"));
        m.setVideoCodec(r.string("video codec"));
        m.setAudioCodec(r.string("audio codec"));
        m.setFpsNum(r.i32("fps numerator"));
        m.setFpsDen(r.i32("fps denominator"));
        m.setWidth(r.i32("width"));
        m.setHeight(r.i32("height"));
        m.setFrameCount(r.i64("frame count"));
        m.setFrameEncoding(r.string("frame encoding"));
        m.setSampleRate(r.i32("sample rate"));
        m.setChannels(r.i32("channels"));
        m.setSourceSampleRate(r.i32("source sample rate"));
        m.setSourceChannels(r.i32("source channels"));
        m.setDurationMicros(r.i64("duration"));
        m.setCreatedAtMillis(r.i64("created-at"));
        if (version >= 2) {
            m.setScriptLineCount(r.i32("script line count"));
            m.setRotationDegrees(r.i32("rotation"));
            m.setScriptLanguage(r.string("script language"));
        }
        return m;
    }

    private static void writeEnd(Writer w, EndOfClip e) {
        w.buf.putLong(e.getFramesSent()).putLong(e.getSamplesSent()).put(e.getStatus().code());
        w.string(e.getReason());
        w.buf.putLong(e.getFinishedAtMillis());
    }

    private static EndOfClip readEnd(Reader r, String clipId) throws InvalidRecordException {
        long frames = r.i64("frames sent");
        long samples = r.i64("samples sent");
        byte code = r.i8("status");
        EndOfClip.Status status = EndOfClip.Status.fromCode(code);
        if (status == null) {
            throw new InvalidRecordException("end of clip has unknown status byte " + code);
        }
        String reason = r.string("reason");
        return new EndOfClip(clipId, frames, samples, status, reason, r.i64("finished-at"));
    }

    private static void writeFrame(Writer w, VideoFrame f) {
        w.buf.putLong(f.getFrameIndex()).putLong(f.getPtsMicros()).putInt(f.getWidth()).putInt(f.getHeight());
        w.bytes(f.getImage());
    }

    private VideoFrame readFrame(Reader r, String clipId) throws InvalidRecordException {
        long index = r.i64("frame index");
        long pts = r.i64("presentation time");
        int width = r.i32("width");
        int height = r.i32("height");
        byte[] image = r.bytes("image", validator.limits().maxFrameBytes());
        return new VideoFrame(clipId, index, pts, width, height, image);
    }

    private static void writeFramePart(Writer w, FramePart p) {
        w.buf.putLong(p.getFrameIndex()).putLong(p.getPtsMicros()).putInt(p.getWidth()).putInt(p.getHeight())
                .putInt(p.getPartIndex()).putInt(p.getPartCount()).putInt(p.getFrameBytes());
        w.bytes(p.getData());
    }

    private FramePart readFramePart(Reader r, String clipId) throws InvalidRecordException {
        long index = r.i64("frame index");
        long pts = r.i64("presentation time");
        int width = r.i32("width");
        int height = r.i32("height");
        int partIndex = r.i32("part index");
        int partCount = r.i32("part count");
        int frameBytes = r.i32("frame bytes");
        byte[] data = r.bytes("part bytes", validator.limits().maxFrameBytes());
        return new FramePart(clipId, index, pts, width, height, partIndex, partCount, frameBytes, data);
    }

    private static void writeAudio(Writer w, AudioBlock b) {
        short[] samples = b.getSamples();
        w.buf.putLong(b.getFirstSample()).putInt(b.getSampleRate()).putInt(b.getChannels()).putInt(samples.length);
        w.buf.order(ByteOrder.LITTLE_ENDIAN);
        w.buf.asShortBuffer().put(samples);
        w.buf.position(w.buf.position() + samples.length * 2);
        w.buf.order(ByteOrder.BIG_ENDIAN);
    }

    private AudioBlock readAudio(Reader r, String clipId) throws InvalidRecordException {
        long first = r.i64("first sample");
        int rate = r.i32("sample rate");
        int channels = r.i32("channels");
        int count = r.i32("sample count");
        if (count < 0 || count > validator.limits().maxAudioBlockSamples()) {
            throw new InvalidRecordException("audio block declares " + count + " sample values, outside 0.."
                    + validator.limits().maxAudioBlockSamples());
        }
        r.field = "samples";
        if (r.buf.remaining() < count * 2) {
            throw new BufferUnderflowException();
        }
        short[] samples = new short[count];
        r.buf.order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(samples);
        r.buf.position(r.buf.position() + count * 2);
        r.buf.order(ByteOrder.BIG_ENDIAN);
        return new AudioBlock(clipId, first, rate, channels, samples);
    }

    private static void writeDeadLetter(Writer w, DeadLetter d) {
        w.string(d.getSourceTopic());
        w.buf.putInt(d.getSourcePartition()).putLong(d.getSourceOffset());
        w.string(d.getReason());
        w.bytes(d.getOriginalValue());
        w.buf.putLong(d.getRejectedAtMillis());
        w.buf.putInt(d.getOriginalLength());
        w.bytes(d.getOriginalSha256());
    }

    private static DeadLetter readDeadLetter(Reader r, String clipId, byte version) throws InvalidRecordException {
        String topic = r.string("source topic");
        int partition = r.i32("source partition");
        long offset = r.i64("source offset");
        String reason = r.string("reason");
        byte[] original = r.bytes("original value", Integer.MAX_VALUE);
        DeadLetter d = new DeadLetter(clipId, topic, partition, offset, reason, original, r.i64("rejected-at"));
        if (version >= 3) {
            d.setOriginalLength(r.i32("original length"));
            d.setOriginalSha256(r.bytes("original SHA-256", DeadLetter.SHA256_BYTES));
        }
        return d;
    }

    private static void writeChunkStatus(Writer w, ChunkStatus s) {
        w.buf.putInt(s.getChunkIndex()).putInt(s.getChunkCount()).put(s.getState().code()).putInt(s.getAttempt());
        w.string(s.getError());
        w.buf.putLong(s.getAtMillis());
        w.string(s.getClipMode());
        w.buf.putLong(s.getCoreStartMicros()).putLong(s.getCoreEndMicros());
        w.string(s.getCut());
        int[] dub = s.hasDubLines() ? s.getDubLines() : new int[] {-1, -1, -1, -1};
        w.buf.putInt(dub[0]).putInt(dub[1]).putInt(dub[2]).putInt(dub[3]);
        w.string(s.getModel());
        w.string(s.getVoice());
    }

    private static ChunkStatus readChunkStatus(Reader r, String clipId, byte version) throws InvalidRecordException {
        int index = r.i32("chunk index");
        int count = r.i32("chunk count");
        byte code = r.i8("state");
        ChunkStatus.State state = ChunkStatus.State.fromCode(code);
        if (state == null) {
            throw new InvalidRecordException("chunk status has unknown state byte " + code);
        }
        int attempt = r.i32("attempt");
        String error = r.string("error");
        long at = r.i64("at");
        ChunkStatus status = new ChunkStatus(clipId, index, count, state, attempt, error, at, r.string("clip mode"));
        if (version < 2) {
            return status;
        }
        long coreStart = r.i64("core start");
        long coreEnd = r.i64("core end");
        status = status.withCore(coreStart, coreEnd, r.string("cut"));
        int spoken = r.i32("dub lines spoken");
        int extended = r.i32("dub lines extended");
        int stretched = r.i32("dub lines stretched");
        int cut = r.i32("dub lines cut");
        status = spoken < 0 ? status : status.withDubLines(spoken, extended, stretched, cut);
        if (version < 4) {
            return status;
        }
        String model = r.string("model");
        return status.withModel(model, r.string("voice"));
    }

    private static void writeClipStatus(Writer w, ClipStatus s) {
        w.buf.put(s.getOutcome().code()).putInt(s.getChunksMerged()).putInt(s.getRetries());
        w.string(s.getReason());
        w.buf.putLong(s.getAtMillis());
    }

    private static ClipStatus readClipStatus(Reader r, String clipId) throws InvalidRecordException {
        byte code = r.i8("outcome");
        ClipStatus.Outcome outcome = ClipStatus.Outcome.fromCode(code);
        if (outcome == null) {
            throw new InvalidRecordException("clip status has unknown outcome byte " + code);
        }
        int chunks = r.i32("chunks merged");
        int retries = r.i32("retries");
        String reason = r.string("reason");
        return new ClipStatus(clipId, outcome, chunks, retries, reason, r.i64("at"));
    }

    private static void writeScriptLine(Writer w, ScriptLine l) {
        w.buf.putInt(l.getLineIndex()).putLong(l.getStartMicros()).putLong(l.getEndMicros());
        w.string(l.getText());
        w.string(l.getLanguage());
        w.string(l.getSpeaker());
    }

    private static ScriptLine readScriptLine(Reader r, String clipId) throws InvalidRecordException {
        int index = r.i32("line index");
        long start = r.i64("start");
        long end = r.i64("end");
        String text = r.string("text");
        String language = r.string("language");
        return new ScriptLine(clipId, index, start, end, text, language, r.string("speaker"));
    }

    private static int estimateSize(ClipRecord record) {
        int strings = 3 * (record.getClipId() == null ? 0 : record.getClipId().length() * 3 + 2);
        return HEADER_BYTES + 256 + strings + switch (record.recordType()) {
            case VIDEO_FRAME -> ((VideoFrame) record).getImage().length;
            case FRAME_PART -> ((FramePart) record).getData().length;
            case AUDIO_BLOCK -> ((AudioBlock) record).getSamples().length * 2;
            case DEAD_LETTER -> ((DeadLetter) record).getOriginalValue().length
                    + ((DeadLetter) record).getReason().length() * 3 + ((DeadLetter) record).getSourceTopic().length() * 3;
            case MANIFEST -> 4 * 3 * 4096;
            case END_OF_CLIP -> ((EndOfClip) record).getReason().length() * 3;
            case CHUNK_STATUS -> (((ChunkStatus) record).getError().length()
                    + ((ChunkStatus) record).getClipMode().length() + ((ChunkStatus) record).getCut().length()
                    + ((ChunkStatus) record).getModel().length() + ((ChunkStatus) record).getVoice().length()) * 3;
            case CLIP_STATUS -> ((ClipStatus) record).getReason().length() * 3;
            case SCRIPT_LINE -> (((ScriptLine) record).getText().length() + ((ScriptLine) record).getLanguage().length()
                    + ((ScriptLine) record).getSpeaker().length()) * 3;
        };
    }

    /** Writes into a buffer sized up front (the validator bounds every variable field). */
    private static final class Writer {
        final ByteBuffer buf;

        Writer(int capacity) {
            buf = ByteBuffer.allocate(capacity);
        }

        void string(String s) {
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            if (utf8.length > 0xFFFF) {
                throw new IllegalArgumentException("string of " + utf8.length + " bytes does not fit a u16 length");
            }
            buf.putShort((short) utf8.length).put(utf8);
        }

        void bytes(byte[] b) {
            buf.putInt(b.length).put(b);
        }

        byte[] toBytes() {
            byte[] out = new byte[buf.position()];
            buf.flip();
            buf.get(out);
            return out;
        }
    }

    /** Reads fields, remembering which one it is in so that a truncation can be reported by name. */
    private static final class Reader {
        final ByteBuffer buf;
        final RecordType type;
        String field;

        Reader(ByteBuffer buf, RecordType type) {
            this.buf = buf;
            this.type = type;
            buf.position(HEADER_BYTES);
        }

        byte i8(String name) {
            field = name;
            return buf.get();
        }

        int i32(String name) {
            field = name;
            return buf.getInt();
        }

        long i64(String name) {
            field = name;
            return buf.getLong();
        }

        String string(String name) throws InvalidRecordException {
            field = name;
            int length = Short.toUnsignedInt(buf.getShort());
            if (length > buf.remaining()) {
                throw new BufferUnderflowException();
            }
            byte[] utf8 = new byte[length];
            buf.get(utf8);
            try {
                return StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(utf8))
                        .toString();
            } catch (CharacterCodingException e) {
                throw new InvalidRecordException(type + " field '" + name + "' is not valid UTF-8");
            }
        }

        byte[] bytes(String name, int max) throws InvalidRecordException {
            field = name;
            int length = buf.getInt();
            if (length < 0 || length > max) {
                throw new InvalidRecordException(type + " field '" + name + "' declares " + length
                        + " bytes, outside 0.." + max);
            }
            if (length > buf.remaining()) {
                throw new BufferUnderflowException();
            }
            byte[] out = new byte[length];
            buf.get(out);
            return out;
        }
    }
}
