package io.dubstream.connectors.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.dubstream.connectors.records.FramePart;
import io.dubstream.connectors.records.VideoFrame;

/** Parts back into frames in memory: in any order, interleaved, duplicates skipped, conflicts refused, bounded. */
class FramePartBufferTest {

    private final FramePartBuffer buffer = new FramePartBuffer(10_000);

    @Test
    void partsInAnyOrderAndInterleavedAcrossFramesGiveBackEachFrameOnceWhole() throws Exception {
        VideoFrame a = frame(3, 5000);
        VideoFrame b = frame(4, 4001);
        List<FramePart> parts = new ArrayList<>(FrameParts.split(a, 4));
        parts.addAll(FrameParts.split(b, 3));
        Collections.shuffle(parts, new Random(5));

        List<VideoFrame> whole = new ArrayList<>();
        for (FramePart part : parts) {
            VideoFrame frame = buffer.add(part);
            if (frame != null) {
                whole.add(frame);
            }
        }

        assertThat(whole).containsExactlyInAnyOrder(a, b);
        assertThat(buffer.framesInProgress()).isZero();
    }

    @Test
    void aPartSentAgainIsSkippedAndCounted() throws Exception {
        List<FramePart> parts = FrameParts.split(frame(3, 5000), 2);
        assertThat(buffer.add(parts.get(0))).isNull();
        assertThat(buffer.add(parts.get(0))).isNull();
        assertThat(buffer.add(parts.get(1))).isEqualTo(frame(3, 5000));
        assertThat(buffer.duplicates()).isEqualTo(1);
    }

    @Test
    void aDifferentPartWithTheSameIndexIsRefused() throws Exception {
        List<FramePart> parts = FrameParts.split(frame(3, 5000), 2);
        buffer.add(parts.get(0));
        FramePart other = parts.get(0);
        other.setData(other.getData().clone());
        other.getData()[9] ^= 1;

        assertThatThrownBy(() -> buffer.add(other)).isInstanceOf(InvalidRecordException.class)
                .hasMessage("two different part 0 of 2 of frame 3 arrived for clip c");
    }

    @Test
    void aPartThatChangesTheFramesPartCountIsRefused() throws Exception {
        buffer.add(FrameParts.split(frame(3, 5000), 2).get(0));
        assertThatThrownBy(() -> buffer.add(FrameParts.split(frame(3, 5000), 3).get(2)))
                .isInstanceOf(InvalidRecordException.class)
                .hasMessage("part 2 of 3 of frame 3 of clip c says the frame is 3840x2160 at 120000 us, 5000 bytes in"
                        + " 3 parts, but its first part to arrive said 3840x2160 at 120000 us, 5000 bytes in 2 parts");
    }

    @Test
    void framesInProgressMayNotDeclareMoreThanTheBound() throws Exception {
        buffer.add(FrameParts.split(frame(3, 6000), 2).get(0));
        assertThatThrownBy(() -> buffer.add(FrameParts.split(frame(4, 4001), 2).get(0)))
                .isInstanceOf(InvalidRecordException.class)
                .hasMessage("part 0 of 2 of frame 4 of clip c would start a frame of 4001 bytes while 1 incomplete"
                        + " frames of 6000 bytes are held, more than the 10000 bytes allowed");
        // a frame that completes frees its bytes
        buffer.add(FrameParts.split(frame(3, 6000), 2).get(1));
        assertThat(buffer.add(FrameParts.split(frame(4, 4001), 2).get(0))).isNull();
    }

    /** Frame {@code index} of clip c at 25 fps, 4K, with {@code bytes} of random image. */
    private static VideoFrame frame(long index, int bytes) {
        byte[] image = new byte[bytes];
        new Random(index).nextBytes(image);
        return new VideoFrame("c", index, index * 40_000, 3840, 2160, image);
    }
}
