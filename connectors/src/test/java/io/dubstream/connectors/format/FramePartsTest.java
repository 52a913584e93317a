package io.dubstream.connectors.format;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.dubstream.connectors.records.ClipRecord;
import io.dubstream.connectors.records.FramePart;
import io.dubstream.connectors.records.VideoFrame;

/** The even cut of a frame into parts: none above the record limit, none empty, together the frame. */
class FramePartsTest {

    /** The size of a noisy 3840x2160 frame at JPEG quality 0.9. */
    private static final int FOUR_K_FRAME = 1_773_275;

    private final ClipRecordCodec codec = new ClipRecordCodec();

    @Test
    void aFrameThatFitsOneRecordStaysOneVideoFrameRecord() {
        VideoFrame frame = frame(RecordLimits.DEFAULTS.maxFrameBytes());
        assertThat(FrameParts.records(frame, RecordLimits.DEFAULTS.maxFrameBytes())).containsExactly(frame);
    }

    @Test
    void aFourKFrameGoesInTwoValidPartsThatAreTheFrameInOrder() throws Exception {
        VideoFrame frame = frame(FOUR_K_FRAME);
        List<ClipRecord> records = FrameParts.records(frame, RecordLimits.DEFAULTS.maxFrameBytes());

        assertThat(records).hasSize(2).allMatch(r -> r instanceof FramePart);
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        for (int i = 0; i < records.size(); i++) {
            FramePart part = (FramePart) records.get(i);
            assertThat(part.getPartIndex()).isEqualTo(i);
            assertThat(part.getPartCount()).isEqualTo(2);
            assertThat(part.getFrameBytes()).isEqualTo(FOUR_K_FRAME);
            assertThat(part.getFrameIndex()).isEqualTo(frame.getFrameIndex());
            assertThat(part.getPtsMicros()).isEqualTo(frame.getPtsMicros());
            assertThat(codec.decodeOrThrow(codec.encode(part))).isEqualTo(part);
            joined.write(part.getData());
        }
        assertThat(((FramePart) records.get(0)).getData()).hasSize(886_637);
        assertThat(((FramePart) records.get(1)).getData()).hasSize(886_638);
        assertThat(joined.toByteArray()).isEqualTo(frame.getImage());
    }

    @Test
    void everyCutIsEvenWithinTheLimitAndCoversTheFrame() {
        Random random = new Random(3);
        for (int trial = 0; trial < 2000; trial++) {
            // small frames in parts of a few bytes, and frames up to 20 MB in parts of 100 kB to 1 MB
            boolean small = trial < 1000;
            int frameBytes = 1 + random.nextInt(small ? 100 : 20_000_000);
            int maxPart = small ? 1 + random.nextInt(frameBytes) : 100_000 + random.nextInt(900_001);
            int count = FrameParts.partCount(frameBytes, maxPart);
            assertThat((long) count * maxPart).isGreaterThanOrEqualTo(frameBytes);
            assertThat((long) (count - 1) * maxPart).isLessThan(frameBytes);
            int end = 0;
            for (int i = 0; i < count; i++) {
                assertThat(FrameParts.partOffset(frameBytes, count, i)).isEqualTo(end);
                int length = FrameParts.partLength(frameBytes, count, i);
                assertThat(length).as("part %d of %d of %d bytes", i, count, frameBytes)
                        .isBetween(Math.max(1, frameBytes / count), maxPart);
                end += length;
            }
            assertThat(end).isEqualTo(frameBytes);
        }
    }

    @Test
    void partsThatDisagreeOnTheirFrameConflict() {
        List<FramePart> parts = FrameParts.split(frame(FOUR_K_FRAME), 2);
        FramePart first = parts.get(0);
        assertThat(FrameParts.conflict(first, parts.get(1))).isNull();

        FramePart moreParts = FrameParts.split(frame(FOUR_K_FRAME), 3).get(1);
        assertThat(FrameParts.conflict(first, moreParts)).isEqualTo("part 1 of 3 of frame 7 of clip c says the frame"
                + " is 3840x2160 at 280000 us, 1773275 bytes in 3 parts, but its first part to arrive said 3840x2160 at"
                + " 280000 us, 1773275 bytes in 2 parts");
        FramePart later = parts.get(1);
        later.setPtsMicros(320_000);
        assertThat(FrameParts.conflict(first, later)).contains("3840x2160 at 320000 us");
    }

    /** Frame 7 of clip c, 4K, with {@code bytes} of random image. */
    static VideoFrame frame(int bytes) {
        byte[] image = new byte[bytes];
        new Random(bytes).nextBytes(image);
        return new VideoFrame("c", 7, 280_000, 3840, 2160, image);
    }
}
