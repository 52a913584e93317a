package io.dubstream.connectors.format;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.dubstream.connectors.records.ChunkStatus;
import io.dubstream.connectors.records.ClipManifest;
import io.dubstream.connectors.records.ClipRecord;
import io.dubstream.connectors.records.DeadLetter;
import io.dubstream.connectors.records.EndOfClip;

/**
 * Fixed bytes of every record type in every format version a reader accepts, committed under
 * {@code src/test/resources/format/v<N>/} as hex: each reads as the record it stands for, and the
 * current version's are what the codec writes today. A change to the format that breaks reading
 * records already on Kafka, or that changes what is written without a new version, fails here.
 *
 * <p>The files were written once per version and are never regenerated for an old version. For a
 * new version, write its files with {@code -Ddubstream.fixtures.write=true} (this test then writes
 * the current version's files from the codec) and commit them beside the old ones.
 */
class RecordFormatFixturesTest {

    private static final Path FIXTURES = Path.of("src/test/resources/format");

    private final ClipRecordCodec codec = new ClipRecordCodec();

    /** Every record type, as the current version writes it. */
    private static Map<String, ClipRecord> current() {
        Map<String, ClipRecord> records = new LinkedHashMap<>();
        records.put("manifest", ClipRecordCodecTest.manifest());
        records.put("video-frame", ClipRecordCodecTest.frame());
        records.put("audio-block", ClipRecordCodecTest.audio());
        records.put("end-of-clip", new EndOfClip("clip-1", 1798, 960_000, EndOfClip.Status.FAILED,
                "mode=chunked chunks=6", 1_764_000_060_000L));
        records.put("dead-letter", new DeadLetter("clip-1", "dubstream.frames", 3, 12_345, "frame index -1 is negative",
                new byte[] {'D', 'S', 3, 2, 0, 1}, 1_764_000_001_000L));
        records.put("chunk-status", ClipRecordCodecTest.chunkStatus().withDubLines(5, 1, 2, 1)
                .withModel("colour-gain", "voice-identity"));
        records.put("clip-status", ClipRecordCodecTest.clipStatus());
        records.put("script-line", ClipRecordCodecTest.scriptLine());
        records.put("frame-part", ClipRecordCodecTest.framePart());
        return records;
    }

    /** The format version a record type first appeared in. */
    private static int since(String name) {
        return switch (name) {
            case "script-line" -> 2;
            case "frame-part" -> 3;
            default -> 1;
        };
    }

    /** The record that the fixture {@code name} of format {@code version} stands for. */
    private static ClipRecord expected(int version, String name) {
        ClipRecord record = current().get(name);
        if (record instanceof ClipManifest m) {
            m.setFormatVersion(version);
            if (version < 2) {
                m.setScriptLineCount(0);
                m.setRotationDegrees(0);
                m.setScriptLanguage("");
            }
        }
        if (record instanceof ChunkStatus s && version < 2) {
            return new ChunkStatus(s.getClipId(), s.getChunkIndex(), s.getChunkCount(), s.getState(), s.getAttempt(),
                    s.getError(), s.getAtMillis(), s.getClipMode());
        }
        if (record instanceof ChunkStatus s && version < 4) {
            return s.withModel("", "");
        }
        return record;
    }

    static List<Arguments> fixtures() throws IOException {
        if (Boolean.getBoolean("dubstream.fixtures.write")) {
            writeCurrent();
        }
        List<Arguments> fixtures = new ArrayList<>();
        for (int version = ClipRecordCodec.OLDEST_READABLE_VERSION; version <= ClipRecordCodec.VERSION; version++) {
            for (String name : current().keySet()) {
                Path file = FIXTURES.resolve("v" + version).resolve(name + ".hex");
                if (Files.exists(file)) {
                    fixtures.add(Arguments.of(version, name, file));
                }
            }
        }
        return fixtures;
    }

    private static void writeCurrent() throws IOException {
        Path dir = Files.createDirectories(FIXTURES.resolve("v" + ClipRecordCodec.VERSION));
        ClipRecordCodec codec = new ClipRecordCodec();
        for (var entry : current().entrySet()) {
            try {
                Files.writeString(dir.resolve(entry.getKey() + ".hex"),
                        HexFormat.of().formatHex(codec.encode(entry.getValue())) + "\n", StandardCharsets.US_ASCII);
            } catch (InvalidRecordException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @ParameterizedTest(name = "version {0}: {1}")
    @MethodSource("fixtures")
    void eachFixtureReadsAsItsRecordAndTheCurrentVersionIsWhatTheCodecWrites(int version, String name, Path file)
            throws Exception {
        byte[] bytes = HexFormat.of().parseHex(Files.readString(file, StandardCharsets.US_ASCII).strip());
        assertThat(bytes[2]).as("the version byte").isEqualTo((byte) version);

        assertThat(codec.decodeOrThrow(bytes)).isEqualTo(expected(version, name));
        if (version == ClipRecordCodec.VERSION) {
            assertThat(codec.encode(expected(version, name))).isEqualTo(bytes);
        }
    }

    @ParameterizedTest(name = "version {0}")
    @MethodSource("versions")
    void everyReadableVersionHasItsFixtures(int version) {
        List<String> present = current().keySet().stream()
                .filter(name -> Files.exists(FIXTURES.resolve("v" + version).resolve(name + ".hex"))).toList();
        // version 1 had no script line records, versions 1 and 2 no frame parts
        assertThat(present).containsExactlyElementsOf(
                current().keySet().stream().filter(name -> since(name) <= version).toList());
    }

    static List<Integer> versions() {
        List<Integer> versions = new ArrayList<>();
        for (int v = ClipRecordCodec.OLDEST_READABLE_VERSION; v <= ClipRecordCodec.VERSION; v++) {
            versions.add(v);
        }
        return versions;
    }
}
