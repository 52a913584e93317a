package io.dubstream.connectors.records;

import java.util.Arrays;
import java.util.Objects;

/**
 * One encoded video frame of a clip (topic {@code dubstream.media}). Frames are numbered from 0 in
 * presentation order; the image is encoded as the manifest's frame encoding says (JPEG).
 */
public class VideoFrame extends KeyedByClip {

    private long frameIndex;
    /** Presentation time from the start of the clip, in microseconds. */
    private long ptsMicros;
    private int width;
    private int height;
    private byte[] image;

    public VideoFrame() {}

    public VideoFrame(String clipId, long frameIndex, long ptsMicros, int width, int height, byte[] image) {
        super(clipId);
        this.frameIndex = frameIndex;
        this.ptsMicros = ptsMicros;
        this.width = width;
        this.height = height;
        this.image = image;
    }

    @Override
    public RecordType recordType() {
        return RecordType.VIDEO_FRAME;
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

    public byte[] getImage() {
        return image;
    }

    public void setImage(byte[] image) {
        this.image = image;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof VideoFrame)) {
            return false;
        }
        VideoFrame f = (VideoFrame) o;
        return frameIndex == f.frameIndex && ptsMicros == f.ptsMicros && width == f.width
                && height == f.height && Objects.equals(getClipId(), f.getClipId()) && Arrays.equals(image, f.image);
    }

    @Override
    public int hashCode() {
        return Objects.hash(getClipId(), frameIndex, ptsMicros, width, height) * 31 + Arrays.hashCode(image);
    }

    @Override
    public String toString() {
        return "VideoFrame{clipId=" + getClipId() + ", frame=" + frameIndex + ", ptsMicros=" + ptsMicros + ", "
                + width + "x" + height + ", " + (image == null ? 0 : image.length) + " bytes}";
    }
}
