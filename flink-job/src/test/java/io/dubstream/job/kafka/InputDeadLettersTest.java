package io.dubstream.job.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.MessageDigest;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

import io.dubstream.connectors.format.ClipRecordCodec;
import io.dubstream.connectors.format.RecordLimits;
import io.dubstream.connectors.kafka.ClipTopics;
import io.dubstream.connectors.records.AudioBlock;
import io.dubstream.connectors.records.DeadLetter;
import io.dubstream.connectors.records.EndOfClip;
import io.dubstream.connectors.records.FramePart;
import io.dubstream.connectors.records.VideoFrame;

class InputDeadLettersTest {

    private final InputDeadLetters deadLetters = new InputDeadLetters(ClipTopics.withPrefix("in."), RecordLimits.DEFAULTS);
    private final ClipRecordCodec codec = new ClipRecordCodec();

    @Test
    void aRefusedRecordKeepsItsBytesAndNamesItsInputTopic() throws Exception {
        VideoFrame frame = new VideoFrame("clip", 7, 280_000, 64, 36, new byte[] {1, 2, 3});
        AudioBlock block = new AudioBlock("clip", 4000, 16_000, 1, new short[] {5, 6});
        EndOfClip end = EndOfClip.complete("clip", 8, 4002, 1L);

        assertThat(deadLetters.refused(frame, "duplicate frame 7 of clip clip", 9L).getDeadLetter()).isEqualTo(
                new DeadLetter("clip", "in.media", -1, -1, "duplicate frame 7 of clip clip", codec.encode(frame), 9L));
        assertThat(deadLetters.refused(block, "why", 9L).getDeadLetter().getSourceTopic()).isEqualTo("in.media");
        assertThat(deadLetters.refused(end, "why", 9L).getDeadLetter().getSourceTopic()).isEqualTo("in.clips");
    }

    @Test
    void aRefusedPartNamesTheMediaTopicAndAFrameJoinedFromPartsKeepsItsFirstBytes() throws Exception {
        FramePart part = new FramePart("clip", 7, 280_000, 3840, 2160, 1, 2, 5, new byte[] {4, 5, 6});
        assertThat(deadLetters.refused(part, "duplicate part 1 of 2 of frame 7 of clip clip", 9L).getDeadLetter())
                .isEqualTo(new DeadLetter("clip", "in.media", -1, -1, "duplicate part 1 of 2 of frame 7 of clip clip",
                        codec.encode(part), 9L));

        // a 4K frame joined from its parts is above one record's limit: its dead letter keeps the first 64 KiB
        VideoFrame joined = new VideoFrame("clip", 7, 280_000, 3840, 2160, new byte[1_773_275]);
        DeadLetter letter = deadLetters.refused(joined, "duplicate frame 7 of clip clip", 9L).getDeadLetter();
        byte[] whole = new ClipRecordCodec(RecordLimits.DEFAULTS.withMaxFrameBytes(2_000_000)).encode(joined);
        assertThat(letter.getReason()).isEqualTo("duplicate frame 7 of clip clip");
        assertThat(letter.getOriginalLength()).isEqualTo(whole.length);
        assertThat(letter.getOriginalValue()).isEqualTo(Arrays.copyOf(whole, DeadLetter.DEFAULT_MAX_KEPT_BYTES));
        assertThat(letter.getOriginalSha256())
                .isEqualTo(MessageDigest.getInstance("SHA-256").digest(whole));
    }

    @Test
    void aClipRefusedAsAWholeHasNoBytes() {
        assertThat(deadLetters.clipRefused("clip", "timed out", 9L).getDeadLetter())
                .isEqualTo(new DeadLetter("clip", "in.clips", -1, -1, "timed out", new byte[0], 9L));
    }

    @Test
    void everyDeadLetterIsAValidRecord() throws Exception {
        String longReason = "x".repeat(5000);
        VideoFrame invalid = new VideoFrame("clip", -1, 0, 64, 36, new byte[] {1});

        DeadLetter cut = deadLetters.refused(new VideoFrame("clip", 1, 0, 64, 36, new byte[] {1}), longReason, 9L)
                .getDeadLetter();
        DeadLetter unencodable = deadLetters.refused(invalid, "why", 9L).getDeadLetter();

        assertThat(cut.getReason()).hasSize(4096).endsWith("...");
        assertThat(unencodable.getOriginalValue()).isEmpty();
        assertThat(unencodable.getReason()).isEqualTo("why (and the record cannot be encoded: frame index -1 is negative)");
        assertThat(codec.decodeOrThrow(codec.encode(cut))).isEqualTo(cut);
        assertThat(codec.decodeOrThrow(codec.encode(unencodable))).isEqualTo(unencodable);
    }
}
