package io.dubstream.connectors.media;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Writes a synthetic clip for tests and demos through {@link Mp4Writer}: a moving colour pattern
 * with the frame index as a barcode of 16 black and white blocks along the top edge (readable after
 * JPEG and H.264 with {@link #readFrameIndex}), and, with audio, a tone that steps to the next note
 * every second (in stereo the right channel a fifth above the left).
 *
 * <p>The clip has {@code round(seconds * fps)} frames and exactly as much audio as video:
 * {@code frames * sampleRate / fps} samples per channel, rounded down. A 60 s 640x360 25 fps clip
 * takes about 10 s to write on two cores, most of it in the H.264 encoder.
 */
public final class SampleClipGenerator {

    private SampleClipGenerator() {}

    /**
     * What to generate.
     *
     * @param width frame width, even, at least 256 (the barcode's blocks are a sixteenth of it)
     * @param height frame height, even, at least 64
     * @param fpsNum frame rate numerator
     * @param fpsDen frame rate denominator
     * @param seconds length of the clip
     * @param sampleRate audio sample rate in Hz, ignored without audio
     * @param channels 1 or 2 for mono or stereo audio, 0 for none
     */
    public record Spec(int width, int height, int fpsNum, int fpsDen, double seconds, int sampleRate, int channels) {

        public Spec {
            if (width < FrameIndexBarcode.MIN_WIDTH || height < FrameIndexBarcode.MIN_HEIGHT
                    || width % 2 != 0 || height % 2 != 0) {
                throw new IllegalArgumentException("clip size must be even and at least "
                        + FrameIndexBarcode.MIN_WIDTH + "x" + FrameIndexBarcode.MIN_HEIGHT + ", got "
                        + width + "x" + height);
            }
            if (fpsNum <= 0 || fpsDen <= 0) {
                throw new IllegalArgumentException("frame rate must be positive, got " + fpsNum + "/" + fpsDen);
            }
            if (!(seconds > 0) || Math.round(seconds * fpsNum / fpsDen) < 1) {
                throw new IllegalArgumentException("the clip must last at least one frame, got " + seconds + " s");
            }
            if (channels < 0 || channels > 2) {
                throw new IllegalArgumentException("channels must be 0 (no audio), 1 or 2, got " + channels);
            }
            if (channels > 0 && (sampleRate < 8000 || sampleRate > 96_000)) {
                throw new IllegalArgumentException("sample rate must be 8000..96000 Hz, got " + sampleRate);
            }
        }

        /**
         * 640x360, 25 fps, 32 s (800 frames), 48 kHz stereo (1,536,000 samples per channel) with a
         * different tone on each channel: an upload keeps that layout.
         */
        public static Spec defaults() {
            return new Spec(640, 360, 25, 1, 32, 48_000, 2);
        }

        /** The number of frames the clip has: {@code round(seconds * fps)}. */
        public long frameCount() {
            return Math.round(seconds * fpsNum / fpsDen);
        }

        /** Audio samples per channel up to the start of frame {@code frame} (0 without audio). */
        public long samplesBefore(long frame) {
            return channels == 0 ? 0 : frame * sampleRate * fpsDen / fpsNum;
        }
    }

    /**
     * Writes the clip to {@code out} (mp4, replacing any file there).
     *
     * @return {@code out}
     * @throws MediaException when the file cannot be written
     */
    public static Path write(Path out, Spec spec) throws MediaException {
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(spec, "spec");
        TestPattern pattern = new TestPattern(spec.width(), spec.height());
        ToneSignal tone = spec.channels() == 0 ? null : new ToneSignal(spec.sampleRate(), spec.channels());
        byte[] frame = new byte[spec.width() * spec.height() * 3];
        try (Mp4Writer writer = Mp4Writer.open(out, spec.width(), spec.height(), spec.fpsNum(), spec.fpsDen(),
                spec.sampleRate(), spec.channels())) {
            for (long i = 0; i < spec.frameCount(); i++) {
                pattern.paint(frame, i);
                FrameIndexBarcode.draw(frame, spec.width(), spec.height(), i);
                writer.writeVideo(frame);
                if (tone != null) {
                    long first = spec.samplesBefore(i);
                    writer.writeAudio(tone.samples(first, (int) (spec.samplesBefore(i + 1) - first)));
                }
            }
        }
        return out;
    }

    /** Frame {@code index} of the clip {@code spec} describes, as tightly packed BGR24 (before any encoding). */
    public static byte[] renderFrame(Spec spec, long index) {
        byte[] frame = new byte[spec.width() * spec.height() * 3];
        new TestPattern(spec.width(), spec.height()).paint(frame, index);
        FrameIndexBarcode.draw(frame, spec.width(), spec.height(), index);
        return frame;
    }

    /**
     * Reads the frame index a generated frame carries, after any lossy round trip that keeps the
     * blocks recognisable. Indexes above 65535 wrap around (the barcode has 16 bits).
     *
     * @param bgr tightly packed BGR24 pixels of a frame at least 256x64
     */
    public static int readFrameIndex(byte[] bgr, int width, int height) {
        Objects.requireNonNull(bgr, "bgr");
        return FrameIndexBarcode.read(bgr, width, height);
    }
}
