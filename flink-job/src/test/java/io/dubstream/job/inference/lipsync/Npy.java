package io.dubstream.job.inference.lipsync;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the little-endian, C-order {@code .npy} files (int16, float32) of the test fixtures. */
final class Npy {

    private static final Pattern DESCR = Pattern.compile("'descr':\\s*'([^']+)'");
    private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\(([^)]*)\\)");

    final String dtype;
    final int[] shape;
    private final ByteBuffer data;

    private Npy(String dtype, int[] shape, ByteBuffer data) {
        this.dtype = dtype;
        this.shape = shape;
        this.data = data;
    }

    static Npy resource(String name) {
        try (InputStream in = Npy.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("test resource " + name + " is missing");
            }
            return parse(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Npy parse(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < 10 || (bytes[0] & 0xff) != 0x93 || bytes[1] != 'N') {
            throw new IllegalArgumentException("not an .npy file");
        }
        int major = bytes[6];
        int headerLength = major == 1 ? b.getShort(8) & 0xffff : b.getInt(8);
        int headerStart = major == 1 ? 10 : 12;
        String header = new String(bytes, headerStart, headerLength, StandardCharsets.ISO_8859_1);
        if (header.contains("'fortran_order': True")) {
            throw new IllegalArgumentException("Fortran order not supported: " + header);
        }
        Matcher d = DESCR.matcher(header);
        Matcher s = SHAPE.matcher(header);
        if (!d.find() || !s.find()) {
            throw new IllegalArgumentException("bad .npy header: " + header);
        }
        int[] shape = Arrays.stream(s.group(1).split(",")).map(String::trim).filter(x -> !x.isEmpty())
                .mapToInt(Integer::parseInt).toArray();
        ByteBuffer data = ByteBuffer.wrap(bytes, headerStart + headerLength, bytes.length - headerStart - headerLength)
                .slice().order(ByteOrder.LITTLE_ENDIAN);
        return new Npy(d.group(1), shape, data);
    }

    short[] int16() {
        require("<i2");
        short[] out = new short[data.remaining() / 2];
        data.duplicate().order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(out);
        return out;
    }

    float[] float32() {
        require("<f4");
        float[] out = new float[data.remaining() / 4];
        data.duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
        return out;
    }

    private void require(String expected) {
        if (!dtype.equals(expected)) {
            throw new IllegalArgumentException("expected dtype " + expected + ", the file has " + dtype);
        }
    }
}
