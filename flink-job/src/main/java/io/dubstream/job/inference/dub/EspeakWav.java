package io.dubstream.job.inference.dub;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Decodes the WAV that {@code espeak-ng --stdout} writes: RIFF, PCM, 16-bit, mono (more channels
 * are mixed down). espeak-ng writes to a pipe before it knows the length, so the RIFF and data sizes
 * are placeholders ({@code 0x7FFFF000} in 1.51, {@code 0xFFFFFFFF} in other writers): a data chunk
 * that claims more bytes than there are runs to the end of the stream.
 */
final class EspeakWav {

    private EspeakWav() {}

    /**
     * The speech in {@code wav}.
     *
     * @throws IllegalArgumentException when it is no 16-bit PCM WAV, saying what is wrong
     */
    static Speech decode(byte[] wav) {
        ByteBuffer in = ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN);
        if (wav.length < 12 || !tag(in, 0).equals("RIFF") || !tag(in, 8).equals("WAVE")) {
            throw new IllegalArgumentException("not a RIFF/WAVE stream (" + wav.length + " bytes)");
        }
        int channels = 0;
        int rate = 0;
        int pos = 12;
        while (pos + 8 <= wav.length) {
            String id = tag(in, pos);
            long size = Integer.toUnsignedLong(in.getInt(pos + 4));
            int body = pos + 8;
            if (id.equals("fmt ")) {
                if (size < 16 || body + 16 > wav.length) {
                    throw new IllegalArgumentException("WAV fmt chunk of " + size + " bytes is too short");
                }
                int format = Short.toUnsignedInt(in.getShort(body));
                channels = Short.toUnsignedInt(in.getShort(body + 2));
                rate = in.getInt(body + 4);
                int bits = Short.toUnsignedInt(in.getShort(body + 14));
                if (format != 1 || bits != 16 || channels < 1 || rate <= 0) {
                    throw new IllegalArgumentException("WAV is format " + format + ", " + bits + " bits, " + channels
                            + " channels at " + rate + " Hz; expected 16-bit PCM");
                }
            } else if (id.equals("data")) {
                if (rate == 0) {
                    throw new IllegalArgumentException("WAV data chunk comes before its fmt chunk");
                }
                long available = wav.length - body;
                int bytes = (int) Math.min(size, available);
                return new Speech(samples(in, body, bytes, channels), rate);
            }
            pos = (int) Math.min(wav.length, body + size + (size & 1));
        }
        throw new IllegalArgumentException("WAV has no data chunk (" + wav.length + " bytes)");
    }

    private static float[] samples(ByteBuffer in, int from, int bytes, int channels) {
        int frames = bytes / (2 * channels);
        float[] out = new float[frames];
        for (int i = 0; i < frames; i++) {
            int sum = 0;
            for (int c = 0; c < channels; c++) {
                sum += in.getShort(from + 2 * (i * channels + c));
            }
            out[i] = sum / (32768f * channels);
        }
        return out;
    }

    private static String tag(ByteBuffer in, int at) {
        byte[] b = new byte[4];
        in.get(at, b);
        return new String(b, StandardCharsets.US_ASCII);
    }
}
