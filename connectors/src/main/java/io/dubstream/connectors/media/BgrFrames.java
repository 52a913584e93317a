package io.dubstream.connectors.media;

import java.nio.ByteBuffer;
import org.bytedeco.javacv.Frame;

/** Copies the pixels out of JavaCV's reused frame buffers. */
final class BgrFrames {

    private BgrFrames() {}

    /**
     * The pixels of a BGR24 frame as tightly packed rows. JavaCV pads rows to 64 bytes
     * ({@code imageStride} 2304 for a 720-wide frame, not 2160), so rows are copied one by one.
     */
    static byte[] copyPacked(Frame frame) {
        int rowBytes = frame.imageWidth * 3;
        int stride = frame.imageStride * Frame.pixelSize(frame.imageDepth);
        ByteBuffer pixels = (ByteBuffer) frame.image[0];
        byte[] packed = new byte[rowBytes * frame.imageHeight];
        if (stride == rowBytes) {
            pixels.get(0, packed);
        } else {
            for (int y = 0; y < frame.imageHeight; y++) {
                pixels.get(y * stride, packed, y * rowBytes, rowBytes);
            }
        }
        return packed;
    }
}
