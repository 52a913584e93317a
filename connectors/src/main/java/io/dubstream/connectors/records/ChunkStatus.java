package io.dubstream.connectors.records;

import java.util.Objects;

/**
 * One change of state of one chunk of a clip in the job (topic {@code dubstream.out.status}), so that
 * a consumer can follow a clip chunk by chunk. A clip's status records are keyed by its clip id and
 * sit in one partition in the order the job published them; the last one of a clip is its
 * {@link ClipStatus}.
 *
 * <p>A chunk goes {@code PENDING -> RUNNING -> DONE -> MERGED}; an attempt that fails goes to
 * {@code RETRIED} (another attempt follows after a backoff: {@code RUNNING} again with the next
 * attempt number) or, when it was the last attempt allowed, to {@code FAILED}, which fails the clip.
 * A chunk that stays {@code PENDING} is reported again now and then, as a heartbeat
 * ({@link #repeats}).
 */
public class ChunkStatus extends KeyedByClip {

    /** Where a chunk is; the byte is its code in the wire format. */
    public enum State {
        /** Cut from the clip, waiting for inference. Attempt 0. */
        PENDING(0),
        /** An attempt of the model on the chunk started. */
        RUNNING(1),
        /** The attempt failed ({@code error} says why); another one follows after a backoff. */
        RETRIED(2),
        /** The attempt failed and it was the last one allowed: the chunk, and so its clip, failed. */
        FAILED(3),
        /** The attempt produced the chunk's output. */
        DONE(4),
        /** The output was merged into the clip's output; {@code attempt} is the one that produced it. */
        MERGED(5);

        private final byte code;

        State(int code) {
            this.code = (byte) code;
        }

        public byte code() {
            return code;
        }

        /** The state for a wire code, or {@code null} when the code names none. */
        public static State fromCode(byte code) {
            for (State s : values()) {
                if (s.code == code) {
                    return s;
                }
            }
            return null;
        }
    }

    /** {@link #getChunkCount()} when the clip's last chunk has not been cut yet. */
    public static final int UNKNOWN_COUNT = -1;

    private int chunkIndex;
    private int chunkCount = UNKNOWN_COUNT;
    private State state;
    /** From 1; 0 for {@link State#PENDING}. */
    private int attempt;
    /** Why the attempt failed; empty unless the state is RETRIED or FAILED. */
    private String error = "";
    private long atMillis;
    /** How the job processes the clip, when it distinguishes modes; empty otherwise. */
    private String clipMode = "";
    /**
     * The chunk's core, the part of the clip it stands for, in µs of presentation time
     * {@code [coreStartMicros, coreEndMicros)}; both 0 when not stated. Since format version 2.
     */
    private long coreStartMicros;
    private long coreEndMicros;
    /**
     * How the cut at the core's end was chosen: {@code gap} (between script lines), {@code silence},
     * {@code inside-line}, {@code nominal}, or {@code end} for the last chunk; empty when not stated.
     * Since format version 2.
     */
    private String cut = "";
    /**
     * On a chunk's DONE and MERGED records after a dub: how many script lines whose start lies in its
     * core it spoke, and of them how many took the silence after their slot, were sped up, or were cut
     * (spoken, extended, stretched, cut); null otherwise. Since format version 2.
     */
    private int[] dubLines;
    /**
     * The model ({@code --model}) and the voice ({@code --voice}) of the attempt, on the RUNNING,
     * RETRIED, FAILED, DONE and MERGED records of a chunk; empty when not stated (PENDING, no voice,
     * or a record older than format version 4). Since format version 4.
     */
    private String model = "";
    private String voice = "";

    public ChunkStatus() {}

    public ChunkStatus(String clipId, int chunkIndex, int chunkCount, State state, int attempt, String error,
            long atMillis, String clipMode) {
        super(clipId);
        this.chunkIndex = chunkIndex;
        this.chunkCount = chunkCount;
        this.state = state;
        this.attempt = attempt;
        this.error = error;
        this.atMillis = atMillis;
        this.clipMode = clipMode;
    }

    /** A change with no error, no known chunk count and no clip mode. */
    public static ChunkStatus of(String clipId, int chunkIndex, State state, int attempt, long atMillis) {
        return new ChunkStatus(clipId, chunkIndex, UNKNOWN_COUNT, state, attempt, "", atMillis, "");
    }

    /** The same change with another chunk count. */
    public ChunkStatus withChunkCount(int count) {
        ChunkStatus s = copy();
        s.setChunkCount(count);
        return s;
    }

    /** The same change of a clip processed in {@code mode} ({@code whole} or {@code chunked}). */
    public ChunkStatus withClipMode(String mode) {
        ChunkStatus s = copy();
        s.clipMode = mode;
        return s;
    }

    /** The same change of a chunk whose core is {@code [start, end)} µs, ended by a cut of kind {@code cutKind}. */
    public ChunkStatus withCore(long start, long end, String cutKind) {
        ChunkStatus s = copy();
        s.coreStartMicros = start;
        s.coreEndMicros = end;
        s.cut = cutKind;
        return s;
    }

    /** The same change with the chunk's dub: lines spoken, extended, stretched and cut ({@link #getDubLines()}). */
    public ChunkStatus withDubLines(int spoken, int extended, int stretched, int cutLines) {
        ChunkStatus s = copy();
        s.dubLines = new int[] {spoken, extended, stretched, cutLines};
        return s;
    }

    /** The same change made by the model {@code modelName} with the voice {@code voiceName} (empty: none). */
    public ChunkStatus withModel(String modelName, String voiceName) {
        ChunkStatus s = copy();
        s.model = modelName;
        s.voice = voiceName;
        return s;
    }

    private ChunkStatus copy() {
        ChunkStatus s = new ChunkStatus(getClipId(), chunkIndex, chunkCount, state, attempt, error, atMillis, clipMode);
        s.coreStartMicros = coreStartMicros;
        s.coreEndMicros = coreEndMicros;
        s.cut = cut;
        s.dubLines = dubLines == null ? null : dubLines.clone();
        s.model = model;
        s.voice = voice;
        return s;
    }

    /**
     * Whether this record repeats what {@code previous}, the record before it of the same chunk, said:
     * the same clip, chunk, state and attempt. No change of state does that (each one moves a chunk on
     * or starts another attempt); the job does it on purpose as a heartbeat, reporting a chunk that
     * stays pending again at the heartbeat's time, so that readers see the clip is being worked on.
     * Readers that want the changes only skip such records.
     */
    public boolean repeats(ChunkStatus previous) {
        return previous != null && Objects.equals(getClipId(), previous.getClipId())
                && chunkIndex == previous.chunkIndex && state == previous.state && attempt == previous.attempt;
    }

    /** Whether the record states the chunk's dub. */
    public boolean hasDubLines() {
        return dubLines != null;
    }

    public int[] getDubLines() {
        return dubLines;
    }

    public void setDubLines(int[] dubLines) {
        this.dubLines = dubLines;
    }

    /** Whether the record names the model of its attempt. */
    public boolean hasModel() {
        return model != null && !model.isEmpty();
    }

    public String getModel() {
        return model;
    }

    public void setModel(String model) {
        this.model = model;
    }

    public String getVoice() {
        return voice;
    }

    public void setVoice(String voice) {
        this.voice = voice;
    }

    /** Whether the record states the chunk's core. */
    public boolean hasCore() {
        return coreEndMicros > coreStartMicros;
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

    public String getCut() {
        return cut;
    }

    public void setCut(String cut) {
        this.cut = cut;
    }

    @Override
    public RecordType recordType() {
        return RecordType.CHUNK_STATUS;
    }

    public boolean hasChunkCount() {
        return chunkCount != UNKNOWN_COUNT;
    }

    public int getChunkIndex() {
        return chunkIndex;
    }

    public void setChunkIndex(int chunkIndex) {
        this.chunkIndex = chunkIndex;
    }

    public int getChunkCount() {
        return chunkCount;
    }

    public void setChunkCount(int chunkCount) {
        this.chunkCount = chunkCount;
    }

    public State getState() {
        return state;
    }

    public void setState(State state) {
        this.state = state;
    }

    public int getAttempt() {
        return attempt;
    }

    public void setAttempt(int attempt) {
        this.attempt = attempt;
    }

    public String getError() {
        return error;
    }

    public void setError(String error) {
        this.error = error;
    }

    public long getAtMillis() {
        return atMillis;
    }

    public void setAtMillis(long atMillis) {
        this.atMillis = atMillis;
    }

    public String getClipMode() {
        return clipMode;
    }

    public void setClipMode(String clipMode) {
        this.clipMode = clipMode;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof ChunkStatus)) {
            return false;
        }
        ChunkStatus s = (ChunkStatus) o;
        return chunkIndex == s.chunkIndex && chunkCount == s.chunkCount && attempt == s.attempt
                && atMillis == s.atMillis && state == s.state && Objects.equals(getClipId(), s.getClipId())
                && Objects.equals(error, s.error) && Objects.equals(clipMode, s.clipMode)
                && coreStartMicros == s.coreStartMicros && coreEndMicros == s.coreEndMicros
                && Objects.equals(cut, s.cut) && java.util.Arrays.equals(dubLines, s.dubLines)
                && Objects.equals(model, s.model) && Objects.equals(voice, s.voice);
    }

    @Override
    public int hashCode() {
        return Objects.hash(getClipId(), chunkIndex, state, attempt, atMillis);
    }

    @Override
    public String toString() {
        return "ChunkStatus{clipId=" + getClipId() + ", chunk " + chunkIndex
                + (hasChunkCount() ? " of " + chunkCount : "") + " " + state + ", attempt " + attempt
                + (error == null || error.isEmpty() ? "" : ", error=" + error) + ", at " + atMillis
                + (clipMode == null || clipMode.isEmpty() ? "" : ", mode " + clipMode)
                + (hasCore() ? ", core " + coreStartMicros + ".." + coreEndMicros + " us, cut " + cut : "")
                + (hasDubLines() ? ", dub lines " + java.util.Arrays.toString(dubLines) : "")
                + (hasModel() ? ", model " + model + (voice == null || voice.isEmpty() ? "" : ", voice " + voice) : "")
                + "}";
    }
}
