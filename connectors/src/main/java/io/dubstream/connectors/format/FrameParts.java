package io.dubstream.connectors.format;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.dubstream.connectors.records.ClipRecord;
import io.dubstream.connectors.records.FramePart;
import io.dubstream.connectors.records.VideoFrame;

/**
 * How a frame too large for one record is cut into {@link FramePart}s, the same for every writer
 * (the uploader, the job's output) and checked by every reader.
 *
 * <p>A frame of {@code N} bytes goes in {@code n = ceil(N / maxPartBytes)} parts, cut evenly: part
 * {@code i} is bytes {@code [floor(i * N / n), floor((i + 1) * N / n))}. The parts differ in length
 * by one byte at most, none is longer than {@code maxPartBytes} and none is empty. Because a part's
 * place and length follow from {@code N}, {@code n} and its index alone, a single part can be
 * checked for a length that contradicts its header, and parts can be put in place as they arrive.
 */
public final class FrameParts {

    private FrameParts() {}

    /** How many parts a frame of {@code frameBytes} takes at {@code maxPartBytes} a part: 1 when it fits one record. */
    public static int partCount(int frameBytes, int maxPartBytes) {
        if (frameBytes < 1 || maxPartBytes < 1) {
            throw new IllegalArgumentException("frame bytes and part bytes must be positive, got " + frameBytes
                    + " and " + maxPartBytes);
        }
        return (int) ((frameBytes + (long) maxPartBytes - 1) / maxPartBytes);
    }

    /** Where part {@code partIndex} of a frame of {@code frameBytes} in {@code partCount} parts starts. */
    public static int partOffset(int frameBytes, int partCount, int partIndex) {
        return (int) ((long) partIndex * frameBytes / partCount);
    }

    /** The length of part {@code partIndex} of a frame of {@code frameBytes} in {@code partCount} parts. */
    public static int partLength(int frameBytes, int partCount, int partIndex) {
        return partOffset(frameBytes, partCount, partIndex + 1) - partOffset(frameBytes, partCount, partIndex);
    }

    /**
     * The records {@code frame} travels as under {@code maxPartBytes} of JPEG a record: the frame itself
     * when it fits one, else its parts in order.
     */
    public static List<ClipRecord> records(VideoFrame frame, int maxPartBytes) {
        int count = partCount(frame.getImage().length, maxPartBytes);
        return count == 1 ? List.of(frame) : List.copyOf(split(frame, count));
    }

    /** {@code frame} cut evenly into {@code partCount} parts, in order. */
    public static List<FramePart> split(VideoFrame frame, int partCount) {
        byte[] image = frame.getImage();
        if (partCount < 2 || partCount > image.length) {
            throw new IllegalArgumentException("a frame of " + image.length + " bytes cannot be cut into " + partCount
                    + " parts");
        }
        List<FramePart> parts = new ArrayList<>(partCount);
        for (int i = 0; i < partCount; i++) {
            int from = partOffset(image.length, partCount, i);
            int to = partOffset(image.length, partCount, i + 1);
            parts.add(new FramePart(frame.getClipId(), frame.getFrameIndex(), frame.getPtsMicros(), frame.getWidth(),
                    frame.getHeight(), i, partCount, image.length, Arrays.copyOfRange(image, from, to)));
        }
        return parts;
    }

    /**
     * Why {@code part} cannot join the frame whose first part to arrive was {@code first}, or null when
     * it can: the two must say the same of their frame (time, size, part count, byte count).
     */
    public static String conflict(FramePart first, FramePart part) {
        if (first.sameFrameAs(part)) {
            return null;
        }
        return part.describe() + " of clip " + part.getClipId() + " says the frame is " + part.frameLayout()
                + ", but its first part to arrive said " + first.frameLayout();
    }
}
