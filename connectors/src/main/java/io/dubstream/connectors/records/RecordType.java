package io.dubstream.connectors.records;

/** The record kinds of the dubstream wire format, with the type byte each is written with. */
public enum RecordType {
    MANIFEST(1),
    END_OF_CLIP(2),
    VIDEO_FRAME(3),
    AUDIO_BLOCK(4),
    DEAD_LETTER(5),
    CHUNK_STATUS(6),
    CLIP_STATUS(7),
    /** Since format version 2. */
    SCRIPT_LINE(8),
    /** Since format version 3: one piece of a frame too large for one record ({@link FramePart}). */
    FRAME_PART(9);

    private final byte code;

    RecordType(int code) {
        this.code = (byte) code;
    }

    public byte code() {
        return code;
    }

    /** The type for a header byte, or {@code null} when the byte names no known type. */
    public static RecordType fromCode(byte code) {
        for (RecordType type : values()) {
            if (type.code == code) {
                return type;
            }
        }
        return null;
    }
}
