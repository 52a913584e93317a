package io.dubstream.connectors.format;

/**
 * The bounds every record is checked against when it is written and when it is read.
 *
 * <p>The defaults keep every record under Kafka's default 1 MiB limit on a record
 * ({@code max.request.size} of producers, {@code message.max.bytes} of brokers): a frame payload of
 * at most 1,000,000 bytes leaves room for the header, the key and Kafka's own record overhead.
 * Raise {@link #maxFrameBytes()} only together with those Kafka settings.
 *
 * <p>A frame's JPEG may be larger than one record holds (a 4K frame is 1.8 MB at quality 0.9): it
 * then travels as {@link io.dubstream.connectors.records.FramePart frame parts} of at most
 * {@link #maxFrameBytes()} each. {@link #maxWholeFrameBytes()} bounds the whole frame, 16 MiB by
 * default, so that whoever joins the parts holds a bounded amount of memory whatever a sender
 * declares.
 */
public record RecordLimits(
        int maxClipIdLength,
        int maxWidth,
        int maxHeight,
        int maxFrameBytes,
        int maxWholeFrameBytes,
        int maxAudioBlockSamples,
        int maxFps,
        int minSampleRate,
        int maxSampleRate,
        int maxChannels,
        int maxTextLength) implements java.io.Serializable {

    /** The most script lines a clip may have. */
    public static final int MAX_SCRIPT_LINES = 10_000;
    /** The longest text of one script line, in characters: a few sentences, far more than one slot holds. */
    public static final int MAX_SCRIPT_TEXT_LENGTH = 1_000;
    /** The longest speaker name and language tag, in characters. */
    public static final int MAX_SCRIPT_LABEL_LENGTH = 64;

    /** Kafka's default record limit ({@code max.request.size}). */
    public static final int KAFKA_DEFAULT_MAX_RECORD_BYTES = 1_048_576;

    /** The default bound on a whole frame's JPEG, all its parts together: 16 MiB. */
    public static final int DEFAULT_MAX_WHOLE_FRAME_BYTES = 16 * 1024 * 1024;

    public static final RecordLimits DEFAULTS = new RecordLimits(
            128, 7680, 4320, 1_000_000, DEFAULT_MAX_WHOLE_FRAME_BYTES, 192_000, 240, 8_000, 192_000, 8, 4096);

    public RecordLimits {
        positive("maxClipIdLength", maxClipIdLength);
        positive("maxWidth", maxWidth);
        positive("maxHeight", maxHeight);
        positive("maxFrameBytes", maxFrameBytes);
        if (maxWholeFrameBytes < maxFrameBytes) {
            throw new IllegalArgumentException("maxWholeFrameBytes " + maxWholeFrameBytes + " is below maxFrameBytes "
                    + maxFrameBytes + ": a whole frame must be allowed what one record may hold");
        }
        positive("maxAudioBlockSamples", maxAudioBlockSamples);
        positive("maxFps", maxFps);
        positive("minSampleRate", minSampleRate);
        positive("maxChannels", maxChannels);
        positive("maxTextLength", maxTextLength);
        if (maxSampleRate < minSampleRate) {
            throw new IllegalArgumentException("maxSampleRate " + maxSampleRate + " < minSampleRate " + minSampleRate);
        }
    }

    /** Kafka's bytes around one record's key and value: a record batch's header (61) and a record's (up to 21), rounded up. */
    public static final int KAFKA_RECORD_OVERHEAD = 128;

    /** The longest topic name Kafka allows. */
    public static final int MAX_TOPIC_NAME_LENGTH = 249;

    /**
     * The most bytes a Kafka record of a frame can take within these limits: key (the clip id), value
     * and Kafka's overhead. The largest is a {@link io.dubstream.connectors.records.FramePart frame
     * part} (header, clip id, index, time, size, part index, part count, frame length, then up to
     * {@link #maxFrameBytes()} of the JPEG), 12 bytes more than a whole frame record with as much JPEG.
     * A producer's {@code max.request.size} and a topic's {@code max.message.bytes} must allow it.
     */
    public int largestFrameRecordBytes() {
        return KAFKA_RECORD_OVERHEAD + 2 * utf8(maxClipIdLength) + 4 + 8 + 8 + 4 + 4 + 4 + 4 + 4 + 4 + maxFrameBytes;
    }

    /** As {@link #largestFrameRecordBytes()}, for a dead letter that keeps up to {@code maxKept} original bytes. */
    public int largestDeadLetterRecordBytes(int maxKept) {
        return KAFKA_RECORD_OVERHEAD + utf8(maxClipIdLength) + 4 + utf8(maxTextLength) + utf8(MAX_TOPIC_NAME_LENGTH)
                + 4 + 8 + utf8(maxTextLength) + 4 + maxKept + 8 + 4 + 4 + 32;
    }

    /** A string of {@code chars} on the wire at most: its u16 length and up to 3 UTF-8 bytes a char. */
    private static int utf8(int chars) {
        return 2 + 3 * chars;
    }

    /**
     * The same limits with another bound on the JPEG bytes one frame record (or frame part) holds; the
     * bound on a whole frame is raised to it where it is lower.
     */
    public RecordLimits withMaxFrameBytes(int bytes) {
        return new RecordLimits(maxClipIdLength, maxWidth, maxHeight, bytes, Math.max(bytes, maxWholeFrameBytes),
                maxAudioBlockSamples, maxFps, minSampleRate, maxSampleRate, maxChannels, maxTextLength);
    }

    /** The same limits with another bound on a whole frame's JPEG, all its parts together. */
    public RecordLimits withMaxWholeFrameBytes(int bytes) {
        return new RecordLimits(maxClipIdLength, maxWidth, maxHeight, maxFrameBytes, bytes, maxAudioBlockSamples,
                maxFps, minSampleRate, maxSampleRate, maxChannels, maxTextLength);
    }

    private static void positive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
    }
}
