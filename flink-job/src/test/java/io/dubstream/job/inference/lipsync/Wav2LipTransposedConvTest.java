package io.dubstream.job.inference.lipsync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.SplittableRandom;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;

/**
 * The Block-built replacements of Wav2Lip's transposed convolutions give what a transposed
 * convolution gives: against the definition computed directly in Java (every input pixel times the
 * kernel added onto the output) for random weights and inputs, and against PyTorch's own
 * {@code nn.ConvTranspose2d} (transposed-conv-cases.json, made by make_lipsync_fixture.py).
 */
class Wav2LipTransposedConvTest {

    private static NDManager manager;

    @BeforeAll
    static void engine() {
        Engine.getEngine("PyTorch");
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void closeManager() {
        manager.close();
    }

    @Test
    void strideTwoMatchesTheDefinitionForRandomWeights() {
        // batch, in, out, height, width: odd and even sizes, non-square, the 1x1 edge case
        int[][] cases = {{2, 3, 4, 5, 7}, {1, 8, 5, 1, 1}, {3, 16, 6, 6, 6}, {1, 1, 1, 2, 3}};
        SplittableRandom random = new SplittableRandom(42);
        for (int[] c : cases) {
            int batch = c[0], cin = c[1], cout = c[2], height = c[3], width = c[4];
            float[] x = gaussian(batch * cin * height * width, random);
            float[] w = gaussian(cin * cout * 9, random);
            float[] b = gaussian(cout, random);
            float[] expected = transposedConv(x, batch, cin, height, width, w, cout, b, 2, 1, 1);

            StrideTwoTransposedConv block = new StrideTwoTransposedConv(cin, cout);
            float[] actual = forward(block, new Shape(batch, cin, height, width), x,
                    () -> block.setWeights(w, b), new Shape(batch, cout, 2 * height, 2 * width));

            assertClose(actual, expected, 1e-5, "case " + Arrays.toString(c));
        }
    }

    @Test
    void pointMatchesTheDefinitionForRandomWeights() {
        SplittableRandom random = new SplittableRandom(43);
        int batch = 3, cin = 10, cout = 7;
        float[] x = gaussian(batch * cin, random);
        float[] w = gaussian(cin * cout * 9, random);
        float[] b = gaussian(cout, random);
        float[] expected = transposedConv(x, batch, cin, 1, 1, w, cout, b, 1, 0, 0);

        PointTransposedConv block = new PointTransposedConv(cin, cout);
        float[] actual = forward(block, new Shape(batch, cin, 1, 1), x, () -> block.setWeights(w, b),
                new Shape(batch, cout, 3, 3));

        assertClose(actual, expected, 1e-5, "point");
        PointTransposedConv wrongInput = new PointTransposedConv(cin, cout);
        assertThatThrownBy(() -> forward(wrongInput, new Shape(1, cin, 2, 2), new float[cin * 4], () -> {}, null))
                .hasMessageContaining("expected [B, 10, 1, 1], got (1, 10, 2, 2)");
    }

    @Test
    void theDirectDefinitionIsPyTorchsConvTranspose2d() throws IOException {
        JsonNode cases = readCases();
        for (String name : new String[] {"stride2", "point"}) {
            JsonNode c = cases.get(name);
            int[] in = ints(c.get("input_shape"));
            int[] ws = ints(c.get("weight_shape"));
            float[] expected = floats(c.get("output"));
            float[] direct = transposedConv(floats(c.get("input")), in[0], in[1], in[2], in[3],
                    floats(c.get("weight")), ws[1], floats(c.get("bias")), c.get("stride").asInt(),
                    c.get("padding").asInt(), c.get("output_padding").asInt());
            assertClose(direct, expected, 1e-5, name + " (direct)");
        }
    }

    @Test
    void blocksReproducePyTorchsConvTranspose2d() throws IOException {
        JsonNode cases = readCases();
        JsonNode s = cases.get("stride2");
        int[] in = ints(s.get("input_shape"));
        int[] out = ints(s.get("output_shape"));
        StrideTwoTransposedConv up = new StrideTwoTransposedConv(in[1], out[1]);
        float[] upOut = forward(up, new Shape(in[0], in[1], in[2], in[3]), floats(s.get("input")),
                () -> up.setWeights(floats(s.get("weight")), floats(s.get("bias"))),
                new Shape(out[0], out[1], out[2], out[3]));
        assertClose(upOut, floats(s.get("output")), 1e-5, "stride2");

        JsonNode p = cases.get("point");
        int[] pin = ints(p.get("input_shape"));
        int[] pout = ints(p.get("output_shape"));
        PointTransposedConv point = new PointTransposedConv(pin[1], pout[1]);
        float[] pointOut = forward(point, new Shape(pin[0], pin[1], 1, 1), floats(p.get("input")),
                () -> point.setWeights(floats(p.get("weight")), floats(p.get("bias"))),
                new Shape(pout[0], pout[1], 3, 3));
        assertClose(pointOut, floats(p.get("output")), 1e-5, "point");
    }

    @Test
    void strideTwoHasTheTransposedConvolutionsParameterCount() {
        StrideTwoTransposedConv block = new StrideTwoTransposedConv(160, 64);
        long count = 0;
        for (Parameter parameter : block.getParameters().values()) {
            count += parameter.getShape().size();
        }
        assertThat(count).isEqualTo(160L * 64 * 9 + 64);
    }

    /** Runs one block on {@code x} after {@code setWeights}; checks the output shape when given. */
    private static float[] forward(AbstractBlock block, Shape inputShape, float[] x, Runnable setWeights,
            Shape outputShape) {
        try (NDManager scope = manager.newSubManager()) {
            block.setInitializer(Initializer.ZEROS, Parameter.Type.WEIGHT);
            block.initialize(scope, DataType.FLOAT32, inputShape);
            setWeights.run();
            NDArray input = scope.create(x, inputShape);
            NDArray output = block.forward(new ParameterStore(scope, false), new NDList(input), false)
                    .singletonOrThrow();
            if (outputShape != null) {
                assertThat(output.getShape()).isEqualTo(outputShape);
                assertThat(block.getOutputShapes(new Shape[] {inputShape})[0]).isEqualTo(outputShape);
            }
            return output.toFloatArray();
        }
    }

    /**
     * The definition of PyTorch's ConvTranspose2d (3x3 kernel, weight [cin, cout, 3, 3]): input pixel
     * (i, j) times kernel tap (ki, kj) is added to output pixel (i * stride - padding + ki,
     * j * stride - padding + kj). Accumulated in double.
     */
    static float[] transposedConv(float[] x, int batch, int cin, int height, int width, float[] w, int cout,
            float[] bias, int stride, int padding, int outputPadding) {
        int outHeight = (height - 1) * stride - 2 * padding + 3 + outputPadding;
        int outWidth = (width - 1) * stride - 2 * padding + 3 + outputPadding;
        double[] out = new double[batch * cout * outHeight * outWidth];
        for (int n = 0; n < batch; n++) {
            for (int co = 0; co < cout; co++) {
                for (int p = 0; p < outHeight * outWidth; p++) {
                    out[(n * cout + co) * outHeight * outWidth + p] = bias[co];
                }
            }
            for (int ci = 0; ci < cin; ci++) {
                for (int i = 0; i < height; i++) {
                    for (int j = 0; j < width; j++) {
                        double value = x[((n * cin + ci) * height + i) * width + j];
                        for (int co = 0; co < cout; co++) {
                            for (int ki = 0; ki < 3; ki++) {
                                int row = i * stride - padding + ki;
                                if (row < 0 || row >= outHeight) {
                                    continue;
                                }
                                for (int kj = 0; kj < 3; kj++) {
                                    int column = j * stride - padding + kj;
                                    if (column < 0 || column >= outWidth) {
                                        continue;
                                    }
                                    out[((n * cout + co) * outHeight + row) * outWidth + column] +=
                                            value * w[((ci * cout + co) * 3 + ki) * 3 + kj];
                                }
                            }
                        }
                    }
                }
            }
        }
        float[] result = new float[out.length];
        for (int i = 0; i < out.length; i++) {
            result[i] = (float) out[i];
        }
        return result;
    }

    private static void assertClose(float[] actual, float[] expected, double tolerance, String what) {
        assertThat(actual).as(what + ": size").hasSize(expected.length);
        for (int i = 0; i < expected.length; i++) {
            double scale = Math.max(1, Math.abs(expected[i]));
            assertThat(Math.abs(actual[i] - expected[i]) / scale)
                    .as("%s: value %d is %s, expected %s", what, i, actual[i], expected[i])
                    .isLessThanOrEqualTo(tolerance);
        }
    }

    private static float[] gaussian(int count, SplittableRandom random) {
        float[] values = new float[count];
        for (int i = 0; i < count; i += 2) {
            // Box-Muller
            double u = 1 - random.nextDouble();
            double v = random.nextDouble();
            double r = Math.sqrt(-2 * Math.log(u));
            values[i] = (float) (r * Math.cos(2 * Math.PI * v));
            if (i + 1 < count) {
                values[i + 1] = (float) (r * Math.sin(2 * Math.PI * v));
            }
        }
        return values;
    }

    private static JsonNode readCases() throws IOException {
        try (InputStream in = Wav2LipTransposedConvTest.class.getResourceAsStream("/models/transposed-conv-cases.json")) {
            return new ObjectMapper().readTree(in);
        }
    }

    private static float[] floats(JsonNode array) {
        float[] values = new float[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) array.get(i).asDouble();
        }
        return values;
    }

    private static int[] ints(JsonNode array) {
        int[] values = new int[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = array.get(i).asInt();
        }
        return values;
    }
}
