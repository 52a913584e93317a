package io.dubstream.job.inference.lipsync;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Path;
import javax.imageio.ImageIO;

import io.dubstream.connectors.media.MediaException;
import io.dubstream.connectors.media.Mp4Writer;

/** Frames for the face tests: OpenCV's sample photo with a real face, and synthetic ones. */
public final class TestFrames {

    /**
     * OpenCV's sample photo {@code messi5.jpg}, a test resource (its source and licence:
     * {@code faces/README.md}): 548x342, one player's face before a crowd.
     */
    static final String MESSI = "/faces/messi5.jpg";

    /**
     * The player's face in {@link #MESSI}, checked by eye: from the hairline to the chin, ear to ear.
     * OpenCV's Haar cascade reports about {@code [x 226..263, y 94..131)} (eyebrows to mouth).
     */
    public static final FaceBox MESSI_FACE = new FaceBox(218, 82, 270, 136);

    private TestFrames() {}

    /** A packed BGR frame and its size. */
    public record Frame(byte[] bgr, int width, int height) {}

    /** {@link #MESSI} as packed BGR. */
    public static Frame messi() {
        URL photo = TestFrames.class.getResource(MESSI);
        if (photo == null) {
            throw new IllegalStateException(MESSI + " is not on the test class path");
        }
        try {
            BufferedImage image = ImageIO.read(photo);
            BufferedImage bgr = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
            bgr.getGraphics().drawImage(image, 0, 0, null);
            byte[] pixels = ((DataBufferByte) bgr.getRaster().getDataBuffer()).getData();
            return new Frame(pixels.clone(), image.getWidth(), image.getHeight());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A clip with a real face and a voice-like sound: {@link #MESSI} held for {@code frames} frames at
     * 25 fps, with 16 kHz mono audio of a 120 Hz buzz and its harmonics, opening and closing four
     * times a second like syllables.
     */
    public static Path writeFaceClip(Path out, int frames) throws MediaException {
        Frame face = messi();
        int rate = 16_000;
        try (Mp4Writer writer = Mp4Writer.open(out, face.width(), face.height(), 25, 1, rate, 1)) {
            int perFrame = rate / 25;
            for (int f = 0; f < frames; f++) {
                writer.writeVideo(face.bgr());
                writer.writeAudio(voice(rate, 1, (long) f * perFrame, perFrame));
            }
        }
        return out;
    }

    /**
     * A voice-like sound as interleaved s16, {@code n} samples per channel from sample {@code firstSample}
     * of a clip at {@code rate}: a 120 Hz buzz and its harmonics, opening and closing four times a second
     * like syllables. With two channels, the voice plus and minus a 523 Hz tone, so that their mean is
     * the voice.
     */
    static short[] voice(int rate, int channels, long firstSample, int n) {
        if (channels != 1 && channels != 2) {
            throw new IllegalArgumentException("one or two channels, got " + channels);
        }
        short[] out = new short[n * channels];
        for (int i = 0; i < n; i++) {
            double t = (double) (firstSample + i) / rate;
            double syllable = 0.5 - 0.5 * Math.cos(2 * Math.PI * 4 * t);
            double buzz = 0;
            for (int h = 1; h <= 8; h++) {
                buzz += Math.sin(2 * Math.PI * 120 * h * t) / h;
            }
            double voice = 6000 * syllable * buzz;
            if (channels == 1) {
                out[i] = (short) Math.round(voice);
            } else {
                double side = 2000 * Math.sin(2 * Math.PI * 523 * t);
                out[2 * i] = (short) Math.round(voice + side);
                out[2 * i + 1] = (short) Math.round(voice - side);
            }
        }
        return out;
    }

    /** A smooth synthetic frame: gradients and slow waves, different in each channel; no face. */
    static Frame smooth(int width, int height) {
        byte[] bgr = new byte[width * height * 3];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int p = (y * width + x) * 3;
                bgr[p] = (byte) (40 + 170 * x / width);
                bgr[p + 1] = (byte) (128 + 90 * Math.sin(x / 37.0) * Math.cos(y / 29.0));
                bgr[p + 2] = (byte) (30 + 190 * y / height);
            }
        }
        return new Frame(bgr, width, height);
    }

    /** A frame of pseudo-random bytes (fixed seed). */
    static Frame noise(int width, int height, long seed) {
        byte[] bgr = new byte[width * height * 3];
        new java.util.Random(seed).nextBytes(bgr);
        return new Frame(bgr, width, height);
    }

    /** Intersection over union. */
    static double iou(FaceBox a, FaceBox b) {
        double i = a.intersection(b);
        return i / (a.area() + b.area() - i);
    }
}
