package io.dubstream.connectors.format;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

import io.dubstream.connectors.records.FramePart;
import io.dubstream.connectors.records.VideoFrame;

/**
 * Puts {@link FramePart}s back together into whole {@link VideoFrame}s in memory, for a reader of
 * one clip's frames (the download, tests). Parts may arrive in any order and interleaved across
 * frames; each goes into its place in the frame ({@link FrameParts}) as it arrives, and the frame is
 * handed back when its last part is in.
 *
 * <p>A frame is held from its first part to its last, with as many bytes as its parts say it has;
 * the frames held at once may declare at most {@code maxHeldBytes} together, so a reader's memory is
 * bounded whatever it is sent. The job and the uploader send a frame's parts one after the other, so
 * one frame is held at a time.
 *
 * <p>Not thread-safe.
 */
public final class FramePartBuffer {

    private final long maxHeldBytes;
    private final Map<Long, PartialFrame> held = new HashMap<>();
    private long heldBytes;
    private long duplicates;

    /** @param maxHeldBytes the most bytes the frames held at once may declare together */
    public FramePartBuffer(long maxHeldBytes) {
        if (maxHeldBytes < 1) {
            throw new IllegalArgumentException("the bytes held must be positive, got " + maxHeldBytes);
        }
        this.maxHeldBytes = maxHeldBytes;
    }

    /**
     * Adds a valid part (as {@link ClipRecordCodec#decode} reads them).
     *
     * @return the whole frame when this part was its last missing one, else null (also for a part that
     *     arrived before with the same bytes, which is counted in {@link #duplicates()})
     * @throws InvalidRecordException when the part disagrees with the frame's first part, differs from
     *     a part of the same index that arrived before, or would hold more than the bound allows
     */
    public VideoFrame add(FramePart part) throws InvalidRecordException {
        PartialFrame frame = held.get(part.getFrameIndex());
        if (frame == null) {
            if (heldBytes + part.getFrameBytes() > maxHeldBytes) {
                throw new InvalidRecordException(part.describe() + " of clip " + part.getClipId() + " would start a"
                        + " frame of " + part.getFrameBytes() + " bytes while " + held.size() + " incomplete frames of "
                        + heldBytes + " bytes are held, more than the " + maxHeldBytes + " bytes allowed");
            }
            frame = new PartialFrame(part);
            held.put(part.getFrameIndex(), frame);
            heldBytes += part.getFrameBytes();
        }
        String conflict = FrameParts.conflict(frame.first, part);
        if (conflict != null) {
            throw new InvalidRecordException(conflict);
        }
        int offset = FrameParts.partOffset(part.getFrameBytes(), part.getPartCount(), part.getPartIndex());
        if (frame.received[part.getPartIndex()]) {
            byte[] earlier = Arrays.copyOfRange(frame.image, offset, offset + part.getData().length);
            if (!Arrays.equals(earlier, part.getData())) {
                throw new InvalidRecordException("two different " + part.describe() + " arrived for clip "
                        + part.getClipId());
            }
            duplicates++;
            return null;
        }
        System.arraycopy(part.getData(), 0, frame.image, offset, part.getData().length);
        frame.received[part.getPartIndex()] = true;
        if (++frame.partsReceived < part.getPartCount()) {
            return null;
        }
        held.remove(part.getFrameIndex());
        heldBytes -= part.getFrameBytes();
        return new VideoFrame(part.getClipId(), part.getFrameIndex(), part.getPtsMicros(), part.getWidth(),
                part.getHeight(), frame.image);
    }

    /** Parts that arrived again with the same bytes, and were skipped. */
    public long duplicates() {
        return duplicates;
    }

    /** The frames of which some parts but not all have arrived. */
    public int framesInProgress() {
        return held.size();
    }

    /** A frame from its first part to its last: its image filled in as parts arrive. */
    private static final class PartialFrame {
        final FramePart first;
        final byte[] image;
        final boolean[] received;
        int partsReceived;

        PartialFrame(FramePart first) {
            this.first = first;
            this.image = new byte[first.getFrameBytes()];
            this.received = new boolean[first.getPartCount()];
        }
    }
}
