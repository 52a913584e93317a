package io.dubstream.job.parts;

import io.dubstream.connectors.records.FramePart;

/**
 * What {@link FramePartJoiner} knows of a frame from its first part to its last, besides the parts'
 * bytes (kept apart, one state entry each, so that a part is written once however many follow): what
 * the first part to arrive said of the frame, how many parts and bytes are in, and when the last
 * arrived.
 *
 * <p>A Flink POJO (tested), as {@link FramePart} is: the header is a part without its bytes.
 */
public class PartialFrame {

    /** The frame's first part to arrive, without its bytes: every later part must say the same of the frame. */
    private FramePart header;
    private int partsReceived;
    private long bytesReceived;
    private long lastPartAtMillis;

    public PartialFrame() {}

    /** A frame whose first part to arrive is {@code part}, before the part is counted. */
    static PartialFrame startedBy(FramePart part) {
        PartialFrame frame = new PartialFrame();
        frame.header = new FramePart(part.getClipId(), part.getFrameIndex(), part.getPtsMicros(), part.getWidth(),
                part.getHeight(), part.getPartIndex(), part.getPartCount(), part.getFrameBytes(), null);
        return frame;
    }

    /** Counts {@code part} in, which arrived at {@code atMillis}. */
    void add(FramePart part, long atMillis) {
        partsReceived++;
        bytesReceived += part.getData().length;
        lastPartAtMillis = atMillis;
    }

    /** Whether one more part, one it does not have yet, makes the frame whole. */
    boolean lacksOnePart() {
        return partsReceived + 1 == header.getPartCount();
    }

    /** Part {@code index} of this frame with {@code data}, as it arrived: for its dead letter. */
    FramePart part(int index, byte[] data) {
        return new FramePart(header.getClipId(), header.getFrameIndex(), header.getPtsMicros(), header.getWidth(),
                header.getHeight(), index, header.getPartCount(), header.getFrameBytes(), data);
    }

    /** How much of the frame arrived, for reasons: {@code 1 of 2 parts (886637 of 1773275 bytes)}. */
    String progress() {
        return partsReceived + " of " + header.getPartCount() + " parts (" + bytesReceived + " of "
                + header.getFrameBytes() + " bytes)";
    }

    public FramePart getHeader() {
        return header;
    }

    public void setHeader(FramePart header) {
        this.header = header;
    }

    public int getPartsReceived() {
        return partsReceived;
    }

    public void setPartsReceived(int partsReceived) {
        this.partsReceived = partsReceived;
    }

    public long getBytesReceived() {
        return bytesReceived;
    }

    public void setBytesReceived(long bytesReceived) {
        this.bytesReceived = bytesReceived;
    }

    public long getLastPartAtMillis() {
        return lastPartAtMillis;
    }

    public void setLastPartAtMillis(long lastPartAtMillis) {
        this.lastPartAtMillis = lastPartAtMillis;
    }
}
