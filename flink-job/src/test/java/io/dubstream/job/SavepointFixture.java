package io.dubstream.job;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Stream;

import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;

import io.dubstream.connectors.format.ClipRecordCodec;
import io.dubstream.connectors.kafka.ClipTopics;
import io.dubstream.connectors.records.RecordType;

/**
 * A savepoint committed under {@code src/test/resources/savepoints/<name>/}, taken by
 * {@link SavepointFixtureWriterITCase} in the middle of {@link FixtureClip}, and the
 * {@value #PROPERTIES} beside it that says what it is: the job options it ran with and how much of
 * the clip was committed before the savepoint. {@link SavepointCompatibilityITCase} restores every one.
 */
record SavepointFixture(String name, Path directory, Properties properties) {

    static final String PROPERTIES = "fixture.properties";
    /** Where the writer puts a new fixture: the module's test resources, run from the module directory. */
    static final Path SOURCE_DIRECTORY = Path.of("src", "test", "resources", "savepoints");
    /** Prefix of the job options in {@value #PROPERTIES}. */
    private static final String OPTION = "option.";
    /** The topics, after the input prefix, that the fixture's frames and audio went to. */
    private static final String MEDIA_TOPICS = "input.media.topics";
    private static final String RECORD_FORMAT_VERSION = "record.format.version";

    /** The job options of a fixture run, the Kafka address and the checkpoint directory aside. */
    static Map<String, String> jobOptions() {
        Configuration conf = new Configuration();
        conf.set(DubstreamOptions.INPUT_TOPIC_PREFIX, "fixture.in.");
        conf.set(DubstreamOptions.OUTPUT_TOPIC_PREFIX, "fixture.out.");
        conf.set(DubstreamOptions.CONSUMER_GROUP, "fixture");
        conf.set(DubstreamOptions.DEAD_LETTER_TOPIC, "fixture.dlq");
        conf.set(DubstreamOptions.STATUS_TOPIC, "fixture.status");
        conf.set(DubstreamOptions.TRANSACTIONAL_ID_PREFIX, "fixture");
        conf.set(DubstreamOptions.MODEL, "identity");
        conf.set(DubstreamOptions.CHECKPOINT_INTERVAL, Duration.ofMillis(500));
        return new TreeMap<>(conf.toMap());
    }

    /** The job's configuration for {@code options}, against {@code bootstrap}, checkpointing under {@code tmp}. */
    static Configuration configuration(Map<String, String> options, String bootstrap, Path tmp) {
        Configuration conf = Configuration.fromMap(options);
        conf.set(DubstreamOptions.BOOTSTRAP_SERVERS, bootstrap);
        conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, tmp.resolve("checkpoints").toUri().toString());
        return conf;
    }

    /** The job options this fixture was taken with. */
    Map<String, String> options() {
        Map<String, String> options = new TreeMap<>();
        for (String key : properties.stringPropertyNames()) {
            if (key.startsWith(OPTION)) {
                options.put(key.substring(OPTION.length()), properties.getProperty(key));
            }
        }
        return options;
    }

    int parallelism() {
        return Integer.parseInt(properties.getProperty("parallelism"));
    }

    long framesCommittedBefore() {
        return Long.parseLong(properties.getProperty("frames.committed.before.savepoint"));
    }

    long samplesCommittedBefore() {
        return Long.parseLong(properties.getProperty("samples.committed.before.savepoint"));
    }

    String inputSha256() {
        return properties.getProperty("input.sha256");
    }

    /**
     * The record format version the fixture's clip was written in; 3 for fixtures that do not state
     * it, all written before version 4.
     */
    int recordFormatVersion() {
        return Integer.parseInt(properties.getProperty(RECORD_FORMAT_VERSION, "3"));
    }

    /**
     * Where the fixture's clip went in under {@code prefix}, as its source state expects it: frames
     * and audio on the media topic ({@value #MEDIA_TOPICS} {@code media}), or, in fixtures of
     * releases before it, on topics of their own ({@code frames,audio}).
     */
    Function<RecordType, String> inputTopics(String prefix) {
        ClipTopics topics = ClipTopics.withPrefix(prefix);
        if (!hasLegacyMediaTopics()) {
            return topics::topicOf;
        }
        List<String> framesAndAudio = topics.legacyMedia();
        return type -> switch (type) {
            case VIDEO_FRAME, FRAME_PART -> framesAndAudio.get(0);
            case AUDIO_BLOCK -> framesAndAudio.get(1);
            default -> topics.topicOf(type);
        };
    }

    /** The topics under {@code prefix} that the fixture's frames and audio went to. */
    List<String> mediaTopics(String prefix) {
        return hasLegacyMediaTopics() ? ClipTopics.withPrefix(prefix).legacyMedia()
                : List.of(ClipTopics.withPrefix(prefix).media());
    }

    private boolean hasLegacyMediaTopics() {
        String media = properties.getProperty(MEDIA_TOPICS);
        if (!"media".equals(media) && !"frames,audio".equals(media)) {
            throw new IllegalStateException("fixture " + name + ": " + MEDIA_TOPICS + " is '" + media
                    + "', not media or frames,audio");
        }
        return media.equals("frames,audio");
    }

    /** The savepoint itself: everything in the directory but {@value #PROPERTIES}. */
    Path copySavepointTo(Path target) throws IOException {
        Files.createDirectories(target);
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                if (!file.getFileName().toString().equals(PROPERTIES)) {
                    Path to = target.resolve(directory.relativize(file).toString());
                    Files.createDirectories(to.getParent());
                    Files.copy(file, to);
                }
            }
        }
        return target;
    }

    /** The fixtures on the test classpath, by name. */
    static List<SavepointFixture> all() throws IOException {
        URL root = SavepointFixture.class.getResource("/savepoints");
        if (root == null) {
            return List.of();
        }
        Path dir;
        try {
            dir = Path.of(root.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        try (Stream<Path> dirs = Files.list(dir)) {
            return dirs.filter(d -> Files.isRegularFile(d.resolve(PROPERTIES))).sorted().map(SavepointFixture::read)
                    .toList();
        }
    }

    private static SavepointFixture read(Path dir) {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(dir.resolve(PROPERTIES))) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new SavepointFixture(dir.getFileName().toString(), dir, properties);
    }

    /** Writes what a new fixture is, beside its savepoint in {@code dir}. */
    static void writeProperties(Path dir, Map<String, String> options, int parallelism, long frames, long samples,
            String inputSha256) throws IOException {
        Properties p = new Properties();
        p.setProperty("clip.id", FixtureClip.CLIP);
        p.setProperty("clip.frames", Integer.toString(FixtureClip.FRAMES));
        p.setProperty("clip.samples", Long.toString(FixtureClip.SAMPLES));
        p.setProperty("clip.cut.frame", Integer.toString(FixtureClip.CUT_FRAME));
        p.setProperty("input.sha256", inputSha256);
        p.setProperty(RECORD_FORMAT_VERSION, Integer.toString(ClipRecordCodec.VERSION));
        p.setProperty(MEDIA_TOPICS, "media");
        p.setProperty("frames.committed.before.savepoint", Long.toString(frames));
        p.setProperty("samples.committed.before.savepoint", Long.toString(samples));
        p.setProperty("parallelism", Integer.toString(parallelism));
        p.setProperty("flink.version", org.apache.flink.runtime.util.EnvironmentInformation.getVersion());
        options.forEach((k, v) -> p.setProperty(OPTION + k, v));
        // sorted and without store()'s date line, so that the file reads well in review
        StringBuilder text = new StringBuilder(
                "# A savepoint of the job taken mid-clip by SavepointFixtureWriterITCase; SavepointCompatibilityITCase restores it\n");
        new TreeMap<>(p).forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        Files.writeString(dir.resolve(PROPERTIES), text);
    }
}
