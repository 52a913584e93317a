package io.dubstream.connectors.records;

import java.util.Arrays;
import java.util.Objects;

/**
 * One piece of a video frame whose JPEG is larger than one record may hold (topic
 * {@code dubstream.media}, like whole frames): a 4K frame of 1.8 MB travels as two parts under
 * Kafka's default 1 MiB record limit. Every part repeats the frame's index, presentation time, size,
 * part count and whole byte count, so that each part checks itself and a reader can tell parts that
 * do not belong together.
 *
 * <p>A frame of {@code frameBytes} bytes in {@code partCount} parts is cut evenly: part {@code i}
 * holds bytes {@code [i * frameBytes / partCount, (i + 1) * frameBytes / partCount)}
 * ({@link io.dubstream.connectors.format.FrameParts}), so its length follows from the header alone and
 * the parts of a frame can be put together in any order of arrival.
 */
public class FramePart extends KeyedByClip {

    private long frameIndex;
    /** Presentation time of the frame from the start of the clip, in microseconds. */
    private long ptsMicros;
    private int width;
    private int height;
    private int partIndex;
    private int partCount;
    /** The length of the whole frame's image, all parts together. */
    private int frameBytes;
    private byte[] data;

    public FramePart() {}

    public FramePart(String clipId, long frameIndex, long ptsMicros, int width, int height, int partIndex,
            int partCount, int frameBytes, byte[] data) {
        super(clipId);
        this.frameIndex = frameIndex;
        this.ptsMicros = ptsMicros;
        this.width = width;
        this.height = height;
        this.partIndex = partIndex;
        this.partCount = partCount;
        this.frameBytes = frameBytes;
        this.data = data;
    }

    @Override
    public RecordType recordType() {
        return RecordType.FRAME_PART;
    }

    /**
     * Whether {@code other} says the same of its frame as this part: index, time, size, part count and
     * byte count. Parts that disagree cannot be put together into one frame.
     */
    public boolean sameFrameAs(FramePart other) {
        return Objects.equals(getClipId(), other.getClipId()) && frameIndex == other.frameIndex
                && ptsMicros == other.ptsMicros && width == other.width && height == other.height
                && partCount == other.partCount && frameBytes == other.frameBytes;
    }

    /** What this part says of its frame, for reasons: {@code 3840x2160 at 40000 us, 1773275 bytes in 2 parts}. */
    public String frameLayout() {
        return width + "x" + height + " at " + ptsMicros + " us, " + frameBytes + " bytes in " + partCount + " parts";
    }

    /** The part in a few words, for reasons: {@code part 1 of 2 of frame 7}. */
    public String describe() {
        return "part " + partIndex + " of " + partCount + " of frame " + frameIndex;
    }

    public long getFrameIndex() {
        return frameIndex;
    }

    public void setFrameIndex(long frameIndex) {
        this.frameIndex = frameIndex;
    }

    public long getPtsMicros() {
        return ptsMicros;
    }

    public void setPtsMicros(long ptsMicros) {
        this.ptsMicros = ptsMicros;
    }

    public int getWidth() {
        return width;
    }

    public void setWidth(int width) {
        this.width = width;
    }

    public int getHeight() {
        return height;
    }

    public void setHeight(int height) {
        this.height = height;
    }

    public int getPartIndex() {
        return partIndex;
    }

    public void setPartIndex(int partIndex) {
        this.partIndex = partIndex;
    }

    public int getPartCount() {
        return partCount;
    }

    public void setPartCount(int partCount) {
        this.partCount = partCount;
    }

    public int getFrameBytes() {
        return frameBytes;
    }

    public void setFrameBytes(int frameBytes) {
        this.frameBytes = frameBytes;
    }

    public byte[] getData() {
        return data;
    }

    public void setData(byte[] data) {
        this.data = data;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof FramePart)) {
            return false;
        }
        FramePart p = (FramePart) o;
        return sameFrameAs(p) && partIndex == p.partIndex && Arrays.equals(data, p.data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(getClipId(), frameIndex, ptsMicros, width, height, partIndex, partCount, frameBytes) * 31
                + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "FramePart{clipId=" + getClipId() + ", frame=" + frameIndex + ", part=" + partIndex + "/" + partCount
                + ", ptsMicros=" + ptsMicros + ", " + width + "x" + height + ", " + frameBytes + " bytes in all, "
                + (data == null ? 0 : data.length) + " here}";
    }
}
