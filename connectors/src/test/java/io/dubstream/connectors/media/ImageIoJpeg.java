package io.dubstream.connectors.media;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import javax.imageio.IIOException;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageInputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * The JPEG codec the transport used before FFmpeg's ({@link JpegCodec}): the JDK's ImageIO, through
 * the raster of {@code TYPE_3BYTE_BGR} images. Kept for {@link JpegBench}, which measures it side by
 * side with the others.
 */
final class ImageIoJpeg {

    private ImageIoJpeg() {}

    /**
     * Encodes a frame as a baseline JPEG.
     *
     * @param bgr tightly packed BGR24 pixels, {@code width * height * 3} bytes
     * @param quality 0 (smallest) to 1 (best), as ImageIO's compression quality
     * @throws IllegalArgumentException when the quality is outside 0..1 or {@code bgr} has the wrong size
     */
    static byte[] encode(byte[] bgr, int width, int height, float quality) {
        Objects.requireNonNull(bgr, "bgr");
        if (!(quality >= 0f && quality <= 1f)) {
            throw new IllegalArgumentException("JPEG quality must be between 0 and 1, got " + quality);
        }
        JpegCodec.requireFrameSize(bgr.length, width, height);
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        System.arraycopy(bgr, 0, pixels(image), 0, bgr.length);

        ImageWriter writer = newWriter();
        ImageWriteParam param = writer.getDefaultWriteParam();
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(quality);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(Math.max(1024, bgr.length / 16));
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            writer.write(null, new IIOImage(image, null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException("JPEG encoding of a " + width + "x" + height + " frame failed", e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    /**
     * Decodes a JPEG to tightly packed BGR24 pixels, converting grayscale or other colour layouts.
     *
     * @throws IllegalArgumentException when the bytes are not a JPEG, cannot be decoded, or the image
     *     is not {@code expectedWidth x expectedHeight}
     */
    static byte[] decodeBgr(byte[] jpeg, int expectedWidth, int expectedHeight) {
        Objects.requireNonNull(jpeg, "jpeg");
        if (jpeg.length < 4 || (jpeg[0] & 0xFF) != 0xFF || (jpeg[1] & 0xFF) != 0xD8) {
            throw new IllegalArgumentException("not a JPEG: " + jpeg.length + " bytes starting "
                    + JpegCodec.hexHead(jpeg) + " instead of the JPEG start marker FF D8");
        }
        ImageReader reader = newReader();
        try (MemoryCacheImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(jpeg))) {
            reader.setInput(in, true, true);
            List<String> warnings = new ArrayList<>();
            reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
            int width = reader.getWidth(0);
            int height = reader.getHeight(0);
            if (width != expectedWidth || height != expectedHeight) {
                throw new JpegSizeMismatch("JPEG is " + width + "x" + height + ", expected "
                        + expectedWidth + "x" + expectedHeight);
            }
            BufferedImage image = readAsBgr(reader);
            if (!warnings.isEmpty()) {
                // ImageIO fills what it could not decode with grey and only warns, e.g. for a cut JPEG
                throw new IIOException(String.join("; ", warnings));
            }
            return pixels(image);
        } catch (JpegSizeMismatch e) {
            throw new IllegalArgumentException(e.getMessage());
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("cannot decode JPEG of " + jpeg.length + " bytes: "
                    + e.getMessage(), e);
        } finally {
            reader.dispose();
        }
    }

    /** Carries the size mismatch past the catch that wraps decoding failures. */
    private static final class JpegSizeMismatch extends Exception {
        private static final long serialVersionUID = 1L;

        JpegSizeMismatch(String message) {
            super(message, null, false, false);
        }
    }

    /** Decodes straight into a BGR image when the reader offers one, else converts. */
    private static BufferedImage readAsBgr(ImageReader reader) throws IOException {
        ImageReadParam param = reader.getDefaultReadParam();
        for (Iterator<ImageTypeSpecifier> types = reader.getImageTypes(0); types.hasNext(); ) {
            ImageTypeSpecifier type = types.next();
            if (type.getBufferedImageType() == BufferedImage.TYPE_3BYTE_BGR) {
                param.setDestinationType(type);
                BufferedImage image = reader.read(0, param);
                if (image.getType() == BufferedImage.TYPE_3BYTE_BGR) {
                    return image;
                }
                return toBgr(image);
            }
        }
        return toBgr(reader.read(0, param));
    }

    private static BufferedImage toBgr(BufferedImage image) {
        BufferedImage bgr = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = bgr.createGraphics();
        try {
            g.drawImage(image, 0, 0, null);
        } finally {
            g.dispose();
        }
        return bgr;
    }

    /** The backing array of a {@code TYPE_3BYTE_BGR} image: rows of B, G, R bytes, no padding. */
    private static byte[] pixels(BufferedImage image) {
        return ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
    }

    private static ImageWriter newWriter() {
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("jpeg");
        if (!writers.hasNext()) {
            throw new IllegalStateException("this JDK has no ImageIO JPEG writer");
        }
        return writers.next();
    }

    private static ImageReader newReader() {
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName("jpeg");
        if (!readers.hasNext()) {
            throw new IllegalStateException("this JDK has no ImageIO JPEG reader");
        }
        return readers.next();
    }
}
