package io.dubstream.connectors.kafka;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

import io.dubstream.connectors.records.RecordType;

/**
 * The three topics that carry clips in one direction: manifests and end-of-clip records
 * ({@code clips}), video frames and audio blocks ({@code media}) and the lines of the dubbing
 * script ({@code script}).
 *
 * <p>Frames and audio share one topic so that a clip's media stays in the order it was sent: all
 * of it is in one partition (the key is the clip id), and a reader gets the audio of a second
 * together with its frames however far behind the writer it reads. On two topics a reader catching
 * up on a backlog gets each partition a fetch at a time, and the one with the smaller records runs
 * ahead by minutes.
 *
 * <p>The upload service writes {@link #INPUT} ({@code dubstream.clips}, {@code dubstream.media},
 * {@code dubstream.script}); the job writes {@link #OUTPUT} ({@code dubstream.out.*}) in the same
 * formats; records that cannot be accepted go to {@link #DEAD_LETTER_TOPIC}, and the state of every
 * clip's chunks to {@link #STATUS_TOPIC}. Writers before the media topic put frames on
 * {@code <prefix>frames} and audio on {@code <prefix>audio} ({@link #LEGACY_MEDIA}); readers still
 * read those, so that readers can be upgraded first.
 */
public record ClipTopics(String clips, String media, String script) implements java.io.Serializable {

    public static final String INPUT_PREFIX = "dubstream.";
    public static final String OUTPUT_PREFIX = "dubstream.out.";
    public static final String DEAD_LETTER_TOPIC = "dubstream.dlq";
    /** Chunk and clip status records ({@code ChunkStatus}, {@code ClipStatus}) of the job. */
    public static final String STATUS_TOPIC = "dubstream.out.status";
    /** The names, after the prefix, of the frames and audio topics that writers used before the media topic. */
    public static final List<String> LEGACY_MEDIA = List.of("frames", "audio");

    public static final ClipTopics INPUT = withPrefix(INPUT_PREFIX);
    public static final ClipTopics OUTPUT = withPrefix(OUTPUT_PREFIX);

    private static final String PREFIX_CHARACTERS = "[A-Za-z0-9._-]*";

    public ClipTopics {
        Objects.requireNonNull(clips);
        Objects.requireNonNull(media);
        Objects.requireNonNull(script);
    }

    /** {@code prefix + "clips"}, {@code prefix + "media"}, {@code prefix + "script"}. */
    public static ClipTopics withPrefix(String prefix) {
        checkPrefix(prefix);
        return new ClipTopics(prefix + "clips", prefix + "media", prefix + "script");
    }

    /**
     * The topics a reader of {@code prefix}'s clips subscribes to: the three of {@link #withPrefix},
     * and the legacy frames and audio topics ({@link #LEGACY_MEDIA}) wherever they exist.
     */
    public static Pattern subscription(String prefix) {
        checkPrefix(prefix);
        return Pattern.compile(Pattern.quote(prefix) + "(clips|media|script|" + String.join("|", LEGACY_MEDIA) + ")");
    }

    /**
     * The legacy frames and audio topics ({@link #LEGACY_MEDIA}) next to this media topic, when it
     * is named {@code <prefix>media}; none otherwise.
     */
    public List<String> legacyMedia() {
        if (!media.endsWith("media")) {
            return List.of();
        }
        String prefix = media.substring(0, media.length() - "media".length());
        return LEGACY_MEDIA.stream().map(name -> prefix + name).toList();
    }

    private static void checkPrefix(String prefix) {
        if (prefix == null || !prefix.matches(PREFIX_CHARACTERS)) {
            throw new IllegalArgumentException("topic prefix '" + prefix
                    + "' may hold only letters, digits, '.', '_' and '-'");
        }
    }

    public List<String> all() {
        return List.of(clips, media, script);
    }

    /**
     * The topic of these three that carries records of {@code type}: frames, frame parts and audio
     * blocks on {@code media}, script lines on {@code script}, the rest (manifests, end-of-clip
     * records, and records that belong on none: dead letters, status) on {@code clips}.
     */
    public String topicOf(RecordType type) {
        return switch (type) {
            case VIDEO_FRAME, FRAME_PART, AUDIO_BLOCK -> media;
            case SCRIPT_LINE -> script;
            case MANIFEST, END_OF_CLIP, DEAD_LETTER, CHUNK_STATUS, CLIP_STATUS -> clips;
        };
    }
}
