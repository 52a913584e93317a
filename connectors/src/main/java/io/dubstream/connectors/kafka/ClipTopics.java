package io.dubstream.connectors.kafka;

import java.util.List;
import java.util.Objects;

import io.dubstream.connectors.records.RecordType;

/**
 * The four topics that carry clips in one direction: manifests and end-of-clip records
 * ({@code clips}), video frames ({@code frames}), audio blocks ({@code audio}) and the lines of the
 * dubbing script ({@code script}).
 *
 * <p>The upload service writes {@link #INPUT} ({@code dubstream.clips}, {@code dubstream.frames},
 * {@code dubstream.audio}, {@code dubstream.script}); the job writes {@link #OUTPUT} ({@code dubstream.out.*}) in the same
 * formats; records that cannot be accepted go to {@link #DEAD_LETTER_TOPIC}, and the state of every
 * clip's chunks to {@link #STATUS_TOPIC}.
 */
public record ClipTopics(String clips, String frames, String audio, String script) implements java.io.Serializable {

    public static final String INPUT_PREFIX = "dubstream.";
    public static final String OUTPUT_PREFIX = "dubstream.out.";
    public static final String DEAD_LETTER_TOPIC = "dubstream.dlq";
    /** Chunk and clip status records ({@code ChunkStatus}, {@code ClipStatus}) of the job. */
    public static final String STATUS_TOPIC = "dubstream.out.status";

    public static final ClipTopics INPUT = withPrefix(INPUT_PREFIX);
    public static final ClipTopics OUTPUT = withPrefix(OUTPUT_PREFIX);

    public ClipTopics {
        Objects.requireNonNull(clips);
        Objects.requireNonNull(frames);
        Objects.requireNonNull(audio);
        Objects.requireNonNull(script);
    }

    /** {@code prefix + "clips"}, {@code prefix + "frames"}, {@code prefix + "audio"}, {@code prefix + "script"}. */
    public static ClipTopics withPrefix(String prefix) {
        if (prefix == null || !prefix.matches("[A-Za-z0-9._-]*")) {
            throw new IllegalArgumentException("topic prefix '" + prefix
                    + "' may hold only letters, digits, '.', '_' and '-'");
        }
        return new ClipTopics(prefix + "clips", prefix + "frames", prefix + "audio", prefix + "script");
    }

    public List<String> all() {
        return List.of(clips, frames, audio, script);
    }

    /**
     * The topic of these four that carries records of {@code type}: frames and frame parts on
     * {@code frames}, audio blocks on {@code audio}, script lines on {@code script}, the rest
     * (manifests, end-of-clip records, and records that belong on none: dead letters, status) on
     * {@code clips}.
     */
    public String topicOf(RecordType type) {
        return switch (type) {
            case VIDEO_FRAME, FRAME_PART -> frames;
            case AUDIO_BLOCK -> audio;
            case SCRIPT_LINE -> script;
            case MANIFEST, END_OF_CLIP, DEAD_LETTER, CHUNK_STATUS, CLIP_STATUS -> clips;
        };
    }
}
