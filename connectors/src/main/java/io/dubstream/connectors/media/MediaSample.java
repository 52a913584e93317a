package io.dubstream.connectors.media;

/**
 * One decoded item of a media file, as {@link MediaReader#next()} returns them: a video frame or a
 * run of audio samples. Every sample owns its arrays; the reader never touches them again.
 */
public sealed interface MediaSample permits MediaSample.VideoSample, MediaSample.AudioSample {

    /**
     * A decoded video frame.
     *
     * @param index position of the frame in the file, from 0, in output (presentation) order
     * @param ptsMicros presentation time in microseconds, as the container states it
     * @param width width in pixels
     * @param height height in pixels
     * @param pixels the pixels, {@link PixelLayout#frameBytes layout.frameBytes(width, height)} bytes
     * @param layout how the pixels lie: BGR unless the reader was asked for another layout
     */
    record VideoSample(long index, long ptsMicros, int width, int height, byte[] pixels, PixelLayout layout)
            implements MediaSample {

        /** A frame of tightly packed BGR24 pixels. */
        public VideoSample(long index, long ptsMicros, int width, int height, byte[] bgr) {
            this(index, ptsMicros, width, height, bgr, PixelLayout.BGR24);
        }

        /**
         * The pixels as tightly packed rows of {@code width * 3} bytes in B, G, R order.
         *
         * @throws IllegalStateException when the frame is in another layout
         */
        public byte[] bgr() {
            if (layout != PixelLayout.BGR24) {
                throw new IllegalStateException("frame " + index + " is " + layout + ", not BGR24");
            }
            return pixels;
        }
    }

    /**
     * Decoded audio, already converted to the transport format the reader was opened with.
     *
     * @param samples signed 16-bit samples, interleaved by channel at the transport sample rate
     */
    record AudioSample(short[] samples) implements MediaSample {}
}
