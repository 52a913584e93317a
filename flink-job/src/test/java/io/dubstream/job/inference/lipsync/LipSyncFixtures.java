package io.dubstream.job.inference.lipsync;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Objects;

/** The fixed inputs and files made by {@code src/test/resources/models/make_lipsync_fixture.py}. */
final class LipSyncFixtures {

    private LipSyncFixtures() {}

    /** {@code mel[i] = ((i * 104729) % 2001 - 1000) / 250}, as the fixture script computes it. */
    static float[] fixedMels(int batch) {
        float[] mels = new float[batch * LipSyncModel.MEL_FLOATS];
        for (int i = 0; i < mels.length; i++) {
            mels[i] = (float) (i * 104729L % 2001 - 1000) / 250f;
        }
        return mels;
    }

    /** {@code face[i] = ((i * 7919) % 1000) / 1000}, as the fixture script computes it. */
    static float[] fixedFaces(int batch) {
        float[] faces = new float[batch * LipSyncModel.FACE_FLOATS];
        for (int i = 0; i < faces.length; i++) {
            faces[i] = (float) (i * 7919L % 1000) / 1000f;
        }
        return faces;
    }

    static Path model(String fileName) {
        try {
            return Path.of(Objects.requireNonNull(LipSyncFixtures.class.getResource("/models/" + fileName),
                    fileName).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A float32 little-endian file of the test resources. */
    static float[] floats(String fileName) {
        try (InputStream in = LipSyncFixtures.class.getResourceAsStream("/models/" + fileName)) {
            byte[] bytes = Objects.requireNonNull(in, fileName).readAllBytes();
            float[] values = new float[bytes.length / 4];
            ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
            return values;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static float[] slice(float[] values, int from, int length) {
        float[] part = new float[length];
        System.arraycopy(values, from, part, 0, length);
        return part;
    }
}
