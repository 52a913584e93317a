package io.dubstream.job.inference;

import io.dubstream.connectors.media.JpegCodec;
import io.dubstream.job.records.Chunk;

/**
 * {@code colour-gain}: a deterministic test transform, no AI. Audio is played at half gain; in every
 * frame red and blue swap places and all colours are scaled to 80%. It acts on each frame and
 * sample alone, so the merged clip must equal the transform applied to the whole clip at once:
 * that makes chunk seams testable with a model that is not the identity.
 */
public final class ColourGainModel implements ChunkModel {

    public static final String NAME = "colour-gain";

    private final float jpegQuality;

    public ColourGainModel(float jpegQuality) {
        this.jpegQuality = jpegQuality;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Chunk process(Chunk chunk) {
        int width = chunk.getManifest().getWidth();
        int height = chunk.getManifest().getHeight();
        byte[][] images = new byte[chunk.getImages().length][];
        for (int i = 0; i < images.length; i++) {
            byte[] bgr = JpegCodec.decodeBgr(chunk.getImages()[i], width, height);
            images[i] = JpegCodec.encode(transformFrame(bgr), width, height, jpegQuality);
        }
        short[] samples = chunk.getSamples().clone();
        for (int i = 0; i < samples.length; i++) {
            samples[i] = transformSample(samples[i]);
        }
        return chunk.withMedia(images, samples);
    }

    /** Red and blue swapped, everything at 80%, in place. */
    public static byte[] transformFrame(byte[] bgr) {
        for (int p = 0; p < bgr.length; p += 3) {
            int b = bgr[p] & 0xff;
            int r = bgr[p + 2] & 0xff;
            bgr[p] = (byte) (r * 4 / 5);
            bgr[p + 1] = (byte) ((bgr[p + 1] & 0xff) * 4 / 5);
            bgr[p + 2] = (byte) (b * 4 / 5);
        }
        return bgr;
    }

    /** Half gain, rounded half away from zero. */
    public static short transformSample(short s) {
        return (short) (s >= 0 ? (s + 1) / 2 : (s - 1) / 2);
    }
}
