package io.dubstream.connectors.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;

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

class ClipRecordCodecTest {

    private final ClipRecordCodec codec = new ClipRecordCodec();

    static ClipManifest manifest() {
        ClipManifest m = new ClipManifest();
        m.setClipId("clip-1");
        m.setFormatVersion(ClipRecordCodec.VERSION);
        m.setContainer("mov,mp4,m4a,3gp,3g2,mj2");
        m.setVideoCodec("h264");
        m.setAudioCodec("aac");
        m.setFpsNum(30000);
        m.setFpsDen(1001);
        m.setWidth(640);
        m.setHeight(360);
        m.setFrameCount(1798);
        m.setFrameEncoding(ClipManifest.FRAME_ENCODING_JPEG);
        m.setSampleRate(16000);
        m.setChannels(1);
        m.setSourceSampleRate(44100);
        m.setSourceChannels(2);
        m.setDurationMicros(60_000_000);
        m.setCreatedAtMillis(1_764_000_000_000L);
        m.setScriptLineCount(12);
        m.setRotationDegrees(90);
        m.setScriptLanguage("pt-BR");
        return m;
    }

    static ScriptLine scriptLine() {
        return new ScriptLine("clip-1", 3, 4_250_000, 6_100_000, "Où est la gare ? « Là-bas » — dit-il.", "fr",
                "Narrator");
    }

    static VideoFrame frame() {
        byte[] image = new byte[5000];
        new Random(1).nextBytes(image);
        return new VideoFrame("clip-1", 42, 1_401_400, 640, 360, image);
    }

    /** The middle one of the three parts {@link #frame()} would travel in: 1667 of its 5000 bytes. */
    static FramePart framePart() {
        return FrameParts.split(frame(), 3).get(1);
    }

    static AudioBlock audio() {
        short[] samples = new short[8000];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = (short) (i * 37 - 30000);
        }
        samples[0] = Short.MIN_VALUE;
        samples[1] = Short.MAX_VALUE;
        return new AudioBlock("clip-1", 48_000, 16000, 2, samples);
    }

    static ChunkStatus chunkStatus() {
        return new ChunkStatus("clip-1", 2, 5, ChunkStatus.State.RETRIED, 1,
                "model identity failed: injected fault", 1_764_000_001_000L, "").withCore(19_850_000, 31_200_000, "gap");
    }

    static ClipStatus clipStatus() {
        return new ClipStatus("clip-1", ClipStatus.Outcome.FAILED, 2, 3,
                "chunk 2 failed all 3 attempts: out of memory", 1_764_000_002_000L);
    }

    private ClipRecord roundTrip(ClipRecord record) throws Exception {
        byte[] bytes = codec.encode(record);
        assertThat(bytes).startsWith('D', 'S', ClipRecordCodec.VERSION, record.recordType().code());
        DecodeResult result = codec.decode(bytes);
        assertThat(result).isInstanceOf(DecodeResult.Valid.class);
        return result.recordOrThrow();
    }

    @Test
    void everyRecordTypeRoundTrips() throws Exception {
        assertThat(roundTrip(manifest())).isEqualTo(manifest());
        assertThat(roundTrip(frame())).isEqualTo(frame());
        assertThat(roundTrip(framePart())).isEqualTo(framePart());
        assertThat(roundTrip(audio())).isEqualTo(audio());
        EndOfClip complete = EndOfClip.complete("clip-1", 1798, 959_040, 1_764_000_060_000L);
        assertThat(roundTrip(complete)).isEqualTo(complete);
        EndOfClip aborted = EndOfClip.aborted("clip-1", 10, 6400, "frame 10 is too large", 5L);
        assertThat(roundTrip(aborted)).isEqualTo(aborted);
        DeadLetter dead = new DeadLetter("clip-1", "dubstream.frames", 3, 12345, "frame index -1 is negative",
                new byte[] {1, 2, 3}, 99L);
        assertThat(roundTrip(dead)).isEqualTo(dead);
        assertThat(roundTrip(chunkStatus())).isEqualTo(chunkStatus());
        assertThat(roundTrip(clipStatus())).isEqualTo(clipStatus());
        assertThat(roundTrip(scriptLine())).isEqualTo(scriptLine());
        ChunkStatus dubbed = chunkStatus().withDubLines(5, 1, 2, 1);
        assertThat(roundTrip(dubbed)).isEqualTo(dubbed);
        assertThat(((ChunkStatus) roundTrip(dubbed)).getDubLines()).containsExactly(5, 1, 2, 1);
    }

    @Test
    void aVersionOneManifestReadsWithNoScriptRotationOrLanguage() throws Exception {
        ClipManifest m = manifest();
        byte[] v2 = codec.encode(m);
        // version 2 appended script line count i32, rotation i32 and the language string (2 + 5 bytes)
        byte[] v1 = Arrays.copyOf(v2, v2.length - 4 - 4 - 2 - "pt-BR".length());
        v1[2] = 1;
        ClipManifest back = (ClipManifest) codec.decode(v1).recordOrThrow();
        assertThat(back.getFormatVersion()).isEqualTo(1);
        assertThat(back.getScriptLineCount()).isZero();
        assertThat(back.getRotationDegrees()).isZero();
        assertThat(back.getScriptLanguage()).isEmpty();
        assertThat(back.getWidth()).isEqualTo(640);
        assertThat(back.getCreatedAtMillis()).isEqualTo(m.getCreatedAtMillis());
        // a version 1 frame is the same bytes as a version 2 one
        byte[] frame = mutate(codec.encode(frame()), b -> b[2] = 1);
        assertThat(codec.decode(frame).recordOrThrow()).isEqualTo(frame());
    }

    @Test
    void aVersionOneChunkStatusReadsWithoutItsCore() throws Exception {
        byte[] v4 = codec.encode(chunkStatus());
        // version 2 appended core start i64, core end i64, the cut string (2 + 3 bytes) and four i32 dub counts;
        // version 4 the model and voice strings (2 + 0 bytes each here)
        byte[] v1 = Arrays.copyOf(v4, v4.length - 8 - 8 - 2 - "gap".length() - 4 * 4 - 2 - 2);
        v1[2] = 1;
        ChunkStatus back = (ChunkStatus) codec.decode(v1).recordOrThrow();
        assertThat(back.hasCore()).isFalse();
        assertThat(back.getCut()).isEmpty();
        assertThat(back.withCore(19_850_000, 31_200_000, "gap")).isEqualTo(chunkStatus());
    }

    @Test
    void aChunkStatusNamesItsModelAndVoiceAndAVersionThreeOneReadsWithNeither() throws Exception {
        ChunkStatus named = chunkStatus().withModel("colour-gain", "voice-identity");
        ChunkStatus back = (ChunkStatus) roundTrip(named);
        assertThat(back).isEqualTo(named);
        assertThat(back.getModel()).isEqualTo("colour-gain");
        assertThat(back.getVoice()).isEqualTo("voice-identity");
        assertThat(back).isNotEqualTo(chunkStatus().withModel("identity", "voice-identity"));

        // version 4 appended the model and the voice strings (u16 length + UTF-8 each)
        byte[] v4 = codec.encode(named);
        byte[] v3 = Arrays.copyOf(v4, v4.length - 2 - "colour-gain".length() - 2 - "voice-identity".length());
        v3[2] = 3;
        ChunkStatus old = (ChunkStatus) codec.decode(v3).recordOrThrow();
        assertThat(old.hasModel()).isFalse();
        assertThat(old.getModel()).isEmpty();
        assertThat(old.getVoice()).isEmpty();
        assertThat(old).isEqualTo(chunkStatus());
        // a version 3 reader's layout with version 4's fields left over is refused, not misread
        byte[] mislabelled = v4.clone();
        mislabelled[2] = 3;
        assertThat(codec.decode(mislabelled).isValid()).isFalse();
    }

    @Test
    void aDeadLetterKeepsTheFirstBytesOfALargeOriginalWithItsLengthAndDigest() throws Exception {
        byte[] original = new byte[1_048_400];
        new java.util.Random(11).nextBytes(original);
        DeadLetter dead = DeadLetter.keeping("clip-1", "dubstream.frames", 0, 7, "record does not start with the magic",
                original, DeadLetter.DEFAULT_MAX_KEPT_BYTES, 1_700_000_000_000L);
        byte[] bytes = codec.encode(dead);
        assertThat(bytes.length).isLessThan(DeadLetter.DEFAULT_MAX_KEPT_BYTES + 1_000);
        DeadLetter back = (DeadLetter) codec.decode(bytes).recordOrThrow();
        assertThat(back).isEqualTo(dead);
        assertThat(back.isOriginalCut()).isTrue();
        assertThat(back.getOriginalLength()).isEqualTo(1_048_400);
        assertThat(back.getOriginalValue()).isEqualTo(Arrays.copyOf(original, 65_536));
        assertThat(back.getOriginalSha256()).isEqualTo(java.security.MessageDigest.getInstance("SHA-256").digest(original));
        assertInvalid(with(dead, d -> d.setOriginalLength(10)), "keeps 65536 original bytes of an original of 10");
    }

    @Test
    void aVersionTwoDeadLetterReadsWithItsWholeOriginalsLengthAndDigest() throws Exception {
        DeadLetter dead = new DeadLetter("clip-1", "dubstream.frames", 3, 12345, "frame index -1 is negative",
                new byte[] {1, 2, 3}, 1_700_000_000_000L);
        byte[] v3 = codec.encode(dead);
        // version 3 appended the original's length i32 and its digest (4 + 32 bytes)
        byte[] v2 = Arrays.copyOf(v3, v3.length - 4 - 4 - DeadLetter.SHA256_BYTES);
        v2[2] = 2;
        DeadLetter back = (DeadLetter) codec.decode(v2).recordOrThrow();
        assertThat(back).isEqualTo(dead);
        assertThat(back.getOriginalLength()).isEqualTo(3);
        assertThat(back.isOriginalCut()).isFalse();
    }

    @Test
    void aScriptLineIsNoVersionOneRecord() throws Exception {
        assertRejected(mutate(codec.encode(scriptLine()), b -> b[2] = 1), "unknown type byte 8 for format version 1");
    }

    @Test
    void aFramePartIsNoVersionOneOrTwoRecord() throws Exception {
        assertRejected(mutate(codec.encode(framePart()), b -> b[2] = 1), "unknown type byte 9 for format version 1");
        assertRejected(mutate(codec.encode(framePart()), b -> b[2] = 2), "unknown type byte 9 for format version 2");
    }

    @Test
    void framePartLayoutFollowsTheClipId() throws Exception {
        FramePart part = new FramePart("c", 7, 280_000, 3840, 2160, 1, 2, 11, new byte[] {1, 2, 3, 4, 5, 6});
        byte[] bytes = codec.encode(part);
        assertThat(bytes).startsWith('D', 'S', ClipRecordCodec.VERSION, 9);
        ByteBuffer b = ByteBuffer.wrap(bytes, 7, bytes.length - 7); // header 4 + id (2 + 1)
        assertThat(b.getLong()).isEqualTo(7);
        assertThat(b.getLong()).isEqualTo(280_000);
        assertThat(b.getInt()).isEqualTo(3840);
        assertThat(b.getInt()).isEqualTo(2160);
        assertThat(b.getInt()).as("part index").isEqualTo(1);
        assertThat(b.getInt()).as("part count").isEqualTo(2);
        assertThat(b.getInt()).as("the whole frame's bytes").isEqualTo(11);
        assertThat(b.getInt()).as("this part's bytes").isEqualTo(6);
        assertThat(b.get()).isEqualTo((byte) 1);
        b.position(b.position() + 5);
        assertThat(b.hasRemaining()).isFalse();
    }

    @Test
    void invalidFramePartsAreRefused() throws Exception {
        assertInvalid(with(framePart(), p -> p.setPartIndex(-1)),
                "part index -1 of frame 42 is outside 0..2 (the frame is in 3 parts)");
        assertInvalid(with(framePart(), p -> p.setPartIndex(3)),
                "part index 3 of frame 42 is outside 0..2 (the frame is in 3 parts)");
        assertInvalid(with(framePart(), p -> p.setPartCount(1)),
                "says the frame of 5000 bytes is in 1 parts, outside 2..5000 (a frame of one part travels as a video"
                        + " frame record)");
        assertInvalid(with(framePart(), p -> p.setFrameBytes(4000)),
                "part 1 of 3 of frame 42 has 1667 bytes, but a frame of 4000 bytes in 3 parts has 1333 in part 1");
        assertInvalid(with(framePart(), p -> p.setData(Arrays.copyOf(p.getData(), 1666))),
                "part 1 of 3 of frame 42 has 1666 bytes, but a frame of 5000 bytes in 3 parts has 1667 in part 1");
        assertInvalid(with(framePart(), p -> p.setFrameBytes(RecordLimits.DEFAULT_MAX_WHOLE_FRAME_BYTES + 1)),
                "says the frame is 16777217 bytes encoded, outside 1..16777216 bytes for a whole frame");
        assertInvalid(with(framePart(), p -> p.setFrameBytes(0)), "says the frame is 0 bytes encoded");
        assertInvalid(with(framePart(), p -> p.setFrameIndex(-1)), "frame index -1 of a frame part is negative");
        assertInvalid(with(framePart(), p -> p.setPtsMicros(-1)), "has negative presentation time -1 us");
        assertInvalid(with(framePart(), p -> p.setHeight(0)), "frame size 640x0 is not positive");
        assertInvalid(with(framePart(), p -> p.setData(new byte[0])), "part 1 of 3 of frame 42 has no bytes");
        assertThatThrownBy(() -> new ClipRecordCodec(RecordLimits.DEFAULTS.withMaxFrameBytes(1000)).encode(framePart()))
                .isInstanceOf(InvalidRecordException.class)
                .hasMessageContaining("part 1 of 3 of frame 42 is 1667 bytes, above the limit of 1000 bytes per frame"
                        + " record");
    }

    @Test
    void aFramePartOfAnotherLengthThanItsHeaderSaysIsRefusedOnRead() throws Exception {
        byte[] bytes = codec.encode(framePart());
        // the frame's byte count sits after header 4 + id (2 + 6) + index 8 + pts 8 + size 8 + part 4 + count 4 = 44
        ByteBuffer.wrap(bytes).putInt(44, 5003);
        assertRejected(bytes, "part 1 of 3 of frame 42 has 1667 bytes, but a frame of 5003 bytes in 3 parts has 1668"
                + " in part 1");
    }

    @Test
    void invalidScriptLinesAndManifestFieldsAreRefused() {
        assertInvalid(with(scriptLine(), l -> l.setEndMicros(4_250_000)), "must start at 0 or later and end after");
        assertInvalid(with(scriptLine(), l -> l.setStartMicros(-1)), "must start at 0 or later");
        assertInvalid(with(scriptLine(), l -> l.setLineIndex(-1)), "script line index -1 is outside");
        assertInvalid(with(scriptLine(), l -> l.setText(" ")), "script line 3 has no text");
        assertInvalid(with(scriptLine(), l -> l.setText("x".repeat(1001))), "1001 characters of text, above");
        assertInvalid(with(scriptLine(), l -> l.setLanguage("french!")), "is not a language tag");
        assertInvalid(with(scriptLine(), l -> l.setSpeaker("s".repeat(65))), "speaker is 65 characters");
        assertInvalid(with(manifest(), m -> m.setRotationDegrees(45)), "rotation 45 degrees");
        assertInvalid(with(manifest(), m -> m.setScriptLineCount(10_001)), "script line count 10001");
        assertInvalid(with(manifest(), m -> m.setScriptLanguage("en_US")), "'en_US' is not a language tag");
    }

    @Test
    void everyChunkStateAndClipOutcomeRoundTrips() throws Exception {
        for (ChunkStatus.State state : ChunkStatus.State.values()) {
            boolean failed = state == ChunkStatus.State.RETRIED || state == ChunkStatus.State.FAILED;
            ChunkStatus s = new ChunkStatus("c", 0, ChunkStatus.UNKNOWN_COUNT, state,
                    state == ChunkStatus.State.PENDING ? 0 : 4, failed ? "why" : "", 7L, "hybrid");
            assertThat(roundTrip(s)).isEqualTo(s);
        }
        ClipStatus completed = new ClipStatus("c", ClipStatus.Outcome.COMPLETED, 9, 0, "", 8L);
        assertThat(roundTrip(completed)).isEqualTo(completed);
    }

    @Test
    void chunkStatusLayoutFollowsTheClipId() throws Exception {
        byte[] bytes = codec.encode(ChunkStatus.of("c", 3, ChunkStatus.State.DONE, 2, 5L).withChunkCount(4)
                .withCore(7, 9, "end").withModel("identity", ""));
        ByteBuffer b = ByteBuffer.wrap(bytes, 7, bytes.length - 7); // header 4 + id (2 + 1)
        assertThat(b.getInt()).isEqualTo(3);
        assertThat(b.getInt()).isEqualTo(4);
        assertThat(b.get()).isEqualTo(ChunkStatus.State.DONE.code()).isEqualTo((byte) 4);
        assertThat(b.getInt()).isEqualTo(2);
        assertThat(b.getShort()).isEqualTo((short) 0);
        assertThat(b.getLong()).isEqualTo(5L);
        assertThat(b.getShort()).isEqualTo((short) 0);
        assertThat(b.getLong()).isEqualTo(7L);
        assertThat(b.getLong()).isEqualTo(9L);
        assertThat(b.getShort()).isEqualTo((short) 3);
        assertThat(b.get()).isEqualTo((byte) 'e');
        b.position(b.position() + 2);
        for (int i = 0; i < 4; i++) {
            assertThat(b.getInt()).as("no dub lines stated").isEqualTo(-1);
        }
        assertThat(b.getShort()).as("the model's length").isEqualTo((short) "identity".length());
        assertThat(b.get()).isEqualTo((byte) 'i');
        b.position(b.position() + "identity".length() - 1);
        assertThat(b.getShort()).as("no voice").isEqualTo((short) 0);
        assertThat(b.hasRemaining()).isFalse();
    }

    @Test
    void manifestWithoutAudioRoundTrips() throws Exception {
        ClipManifest m = manifest();
        m.setAudioCodec("");
        m.setSampleRate(0);
        m.setChannels(0);
        m.setSourceSampleRate(0);
        m.setSourceChannels(0);
        m.setFrameCount(-1);
        m.setDurationMicros(-1);
        ClipManifest back = (ClipManifest) roundTrip(m);
        assertThat(back).isEqualTo(m);
        assertThat(back.hasAudio()).isFalse();
    }

    @Test
    void unicodeTextAndExtremeSamplesSurvive() throws Exception {
        EndOfClip e = EndOfClip.aborted("c", 0, 0, "Datei kaputt: überlänge — 字幕", 0);
        assertThat(roundTrip(e)).isEqualTo(e);
        AudioBlock back = (AudioBlock) roundTrip(audio());
        assertThat(back.getSamples()[0]).isEqualTo(Short.MIN_VALUE);
        assertThat(back.getSamples()[1]).isEqualTo(Short.MAX_VALUE);
        assertThat(back.sampleCount()).isEqualTo(4000);
    }

    @Test
    void audioIsLittleEndianPcmAfterTheHeader() throws Exception {
        AudioBlock block = new AudioBlock("a", 0, 16000, 1, new short[] {0x0102, -2});
        byte[] bytes = codec.encode(block);
        // header 4 + id (2 + 1) + first sample 8 + rate 4 + channels 4 + count 4 = 27
        assertThat(Arrays.copyOfRange(bytes, 27, bytes.length)).containsExactly(0x02, 0x01, 0xfe, 0xff);
    }

    @Test
    void headerProblemsAreRejectedWithReasons() throws Exception {
        byte[] good = codec.encode(frame());
        assertRejected(new byte[] {'D', 'S'}, "shorter than the 4-byte header");
        assertRejected(mutate(good, b -> b[0] = 'X'), "magic");
        assertRejected(mutate(good, b -> b[2] = 5), "format version 5; this reader knows versions 1 to 4");
        assertRejected(mutate(good, b -> b[2] = 0), "format version 0");
        assertRejected(mutate(good, b -> b[3] = 77), "unknown type byte 77");
        byte[] status = codec.encode(chunkStatus());
        // state sits after header 4 + id (2 + 6) + index 4 + count 4 = 20
        assertRejected(mutate(status, b -> b[20] = 9), "unknown state byte 9");
        byte[] clip = codec.encode(clipStatus());
        assertRejected(mutate(clip, b -> b[12] = 5), "unknown outcome byte 5");
        assertRejected(null, "null");
        byte[] longer = Arrays.copyOf(good, good.length + 3);
        assertRejected(longer, "3 unexpected trailing bytes");
    }

    @Test
    void everyTruncationIsRejectedNeverThrown() throws Exception {
        for (ClipRecord record : new ClipRecord[] {manifest(), frame(), framePart(), audio(),
                EndOfClip.complete("clip-1", 1, 2, 3), chunkStatus(), clipStatus()}) {
            byte[] good = codec.encode(record);
            for (int length = 0; length < good.length; length++) {
                DecodeResult result = codec.decode(Arrays.copyOf(good, length));
                assertThat(result).as("%s cut to %d bytes", record.recordType(), length)
                        .isInstanceOf(DecodeResult.Rejected.class);
                assertThat(((DecodeResult.Rejected) result).originalBytes()).hasSize(length);
            }
        }
    }

    @Test
    void truncationNamesTheField() throws Exception {
        byte[] good = codec.encode(frame());
        assertRejected(Arrays.copyOf(good, good.length - 10), "VIDEO_FRAME record is truncated");
        assertRejected(Arrays.copyOf(good, 15), "field 'frame index'");
    }

    @Test
    void randomBytesNeverEscapeAsExceptions() {
        Random random = new Random(7);
        for (int i = 0; i < 5000; i++) {
            byte[] junk = new byte[random.nextInt(200)];
            random.nextBytes(junk);
            if (junk.length >= 4 && random.nextBoolean()) {
                junk[0] = 'D';
                junk[1] = 'S';
                junk[2] = 1;
                junk[3] = (byte) (1 + random.nextInt(RecordType.values().length));
            }
            assertThat(codec.decode(junk)).isNotNull();
        }
    }

    @Test
    void invalidFieldsAreRefusedOnWrite() {
        assertInvalid(with(frame(), f -> f.setFrameIndex(-1)), "frame index -1 is negative");
        assertInvalid(with(frame(), f -> f.setWidth(0)), "frame size 0x360 is not positive");
        assertInvalid(with(frame(), f -> f.setWidth(10_000)), "above the limit of 7680x4320");
        assertInvalid(with(frame(), f -> f.setImage(new byte[0])), "has no image bytes");
        assertInvalid(with(frame(), f -> f.setImage(new byte[1_000_001])),
                "frame 42 is 1000001 bytes encoded, above the limit of 1000000 bytes");
        assertInvalid(with(frame(), f -> f.setClipId("bad id/../x")), "characters other than");
        assertInvalid(with(frame(), f -> f.setClipId("")), "clip id is empty");
        assertInvalid(with(frame(), f -> f.setClipId("x".repeat(129))), "above the limit of 128");
        assertInvalid(with(audio(), a -> a.setSamples(new short[3])), "not a multiple of its 2 channels");
        assertInvalid(with(audio(), a -> a.setSampleRate(4000)), "sample rate 4000 Hz is outside");
        assertInvalid(with(audio(), a -> a.setChannels(0)), "0 channels");
        assertInvalid(with(audio(), a -> a.setSamples(new short[200_000])), "above the limit of 192000");
        assertInvalid(with(manifest(), m -> m.setFpsDen(0)), "frame rate 30000/0");
        assertInvalid(with(manifest(), m -> m.setFpsNum(300_000)), "outside 1/60..240 fps");
        assertInvalid(with(manifest(), m -> m.setFrameEncoding("png")), "frame encoding 'png' is not supported");
        assertInvalid(with(manifest(), m -> m.setAudioCodec("")), "disagree on whether the clip has audio");
        assertInvalid(with(manifest(), m -> m.setFrameCount(-5)), "frame count -5");
        assertInvalid(EndOfClip.aborted("c", 1, 1, "", 0), "must give a reason");
        assertInvalid(EndOfClip.complete("c", -1, 1, 0), "negative totals");
        assertInvalid(with(chunkStatus(), s -> s.setChunkIndex(-1)), "negative chunk index -1");
        assertInvalid(with(chunkStatus(), s -> s.setChunkCount(2)), "chunk 2 cannot be in a clip of 2 chunks");
        assertInvalid(with(chunkStatus(), s -> s.setState(null)), "has no state");
        assertInvalid(with(chunkStatus(), s -> s.setAttempt(0)), "RETRIED at attempt 0");
        assertInvalid(ChunkStatus.of("c", 0, ChunkStatus.State.PENDING, 1, 0), "PENDING at attempt 1");
        assertInvalid(with(chunkStatus(), s -> s.setError("")), "RETRIED and must give the error");
        assertInvalid(with(chunkStatus(), s -> s.setError("x".repeat(4097))), "above the limit of 4096");
        assertInvalid(with(chunkStatus(), s -> s.setAtMillis(-1)), "time -1 is negative");
        assertInvalid(with(chunkStatus(), s -> s.setClipMode(null)), "clip mode is missing");
        assertInvalid(with(chunkStatus(), s -> s.setCoreEndMicros(1)), "has core 19850000..1 us");
        assertInvalid(chunkStatus().withDubLines(2, 1, 1, 1), "extended + stretched + cut at most spoken");
        assertInvalid(with(clipStatus(), s -> s.setReason("")), "FAILED clip status must give a reason");
        assertInvalid(with(clipStatus(), s -> s.setRetries(-2)), "negative counts");
        assertInvalid(with(clipStatus(), s -> s.setOutcome(null)), "has no outcome");
    }

    @Test
    void decodingValidatesAsStrictlyAsEncoding() throws Exception {
        byte[] bytes = codec.encode(frame());
        // width sits after header 4 + id (2 + 6) + index 8 + pts 8 = 28
        ByteBuffer.wrap(bytes).putInt(28, 100_000);
        assertRejected(bytes, "frame size 100000x360 is above the limit");
    }

    @Test
    void smallerFrameLimitRejectsOnRead() throws Exception {
        byte[] bytes = codec.encode(frame());
        ClipRecordCodec strict = new ClipRecordCodec(RecordLimits.DEFAULTS.withMaxFrameBytes(4000));
        DecodeResult result = strict.decode(bytes);
        assertThat(result).isInstanceOf(DecodeResult.Rejected.class);
        assertThat(((DecodeResult.Rejected) result).reason()).contains("declares 5000 bytes, outside 0..4000");
    }

    @Test
    void defaultLimitsKeepAFullFrameUnderKafkasRecordLimit() throws Exception {
        VideoFrame biggest = with(frame(), f -> f.setImage(new byte[RecordLimits.DEFAULTS.maxFrameBytes()]));
        biggest.setClipId("x".repeat(128));
        int bytes = codec.encode(biggest).length + 128;
        // Kafka adds at most ~100 bytes of record and batch overhead to key and value
        assertThat(bytes + 200).isLessThan(RecordLimits.KAFKA_DEFAULT_MAX_RECORD_BYTES);
    }

    @Test
    void theLargestFramePartIsTheLargestFrameRecordAndFitsKafkasDefaultLimit() throws Exception {
        String longestId = "x".repeat(RecordLimits.DEFAULTS.maxClipIdLength());
        int max = RecordLimits.DEFAULTS.maxFrameBytes();
        byte[] image = new byte[3 * max];
        FramePart part = new FramePart(longestId, Long.MAX_VALUE, Long.MAX_VALUE, 7680, 4320, 0, 3, image.length,
                new byte[max]);
        VideoFrame frame = new VideoFrame(longestId, Long.MAX_VALUE, Long.MAX_VALUE, 7680, 4320, new byte[max]);
        int partRecord = longestId.length() + codec.encode(part).length;
        int frameRecord = longestId.length() + codec.encode(frame).length;

        assertThat(partRecord - frameRecord).as("part index, part count and frame bytes").isEqualTo(12);
        assertThat(partRecord + RecordLimits.KAFKA_RECORD_OVERHEAD)
                .isLessThanOrEqualTo(RecordLimits.DEFAULTS.largestFrameRecordBytes())
                .isLessThan(RecordLimits.KAFKA_DEFAULT_MAX_RECORD_BYTES);
    }

    private void assertRejected(byte[] bytes, String reason) {
        DecodeResult result = codec.decode(bytes);
        assertThat(result).isInstanceOf(DecodeResult.Rejected.class);
        assertThat(((DecodeResult.Rejected) result).reason()).contains(reason);
    }

    private void assertInvalid(ClipRecord record, String reason) {
        assertThatThrownBy(() -> codec.encode(record)).isInstanceOf(InvalidRecordException.class)
                .hasMessageContaining(reason);
    }

    private static <T> T with(T record, Consumer<T> change) {
        change.accept(record);
        return record;
    }

    private static byte[] mutate(byte[] bytes, Consumer<byte[]> change) {
        byte[] copy = bytes.clone();
        change.accept(copy);
        return copy;
    }
}
