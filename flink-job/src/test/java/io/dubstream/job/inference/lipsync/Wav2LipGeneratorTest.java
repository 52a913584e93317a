package io.dubstream.job.inference.lipsync;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.dubstream.job.inference.lipsync.Wav2LipGenerator.TensorKind;

/**
 * The Block-built generator computes what PyTorch computes for the published Wav2Lip layout with the
 * same weights: every tensor (BatchNorm statistics and transposed convolutions included) is set by
 * the formula that make_lipsync_fixture.py uses for its PyTorch model, and frame 0 of the fixed
 * input must give wav2lip-layout-expected.f32. This catches what the parameter count cannot: a
 * residual in the wrong place, a stride, a padding, the order of a concatenation, BatchNorm's epsilon.
 */
class Wav2LipGeneratorTest {

    @Test
    void matchesPyTorchsWav2LipWithTheSameWeights() {
        float[] expected = LipSyncFixtures.floats("wav2lip-layout-expected.f32");
        try (Wav2LipReference model = new Wav2LipReference()) {
            int[] tensors = {0};
            model.generator().setWeights((kind, shape) -> hashedWeights(tensors[0]++, kind, shape));
            assertThat(tensors[0]).as("tensors in the state_dict, as in PyTorch").isEqualTo(302);

            float[] mouths = model.predict(LipSyncFixtures.fixedMels(1), LipSyncFixtures.fixedFaces(1), 1);

            assertThat(mouths).hasSameSizeAs(expected);
            double maxDifference = 0;
            for (int i = 0; i < expected.length; i++) {
                maxDifference = Math.max(maxDifference, Math.abs(mouths[i] - expected[i]));
            }
            assertThat(maxDifference).isLessThan(1e-4);
        }
    }

    /** make_lipsync_fixture.py's hashed_weights(), tensor by tensor. */
    private static float[] hashedWeights(int tensor, TensorKind kind, long[] shape) {
        long count = 1;
        for (long dimension : shape) {
            count *= dimension;
        }
        float[] values = new float[Math.toIntExact(count)];
        double bound = shape.length == 4 ? 1.7 / Math.sqrt(shape[1] * shape[2] * shape[3]) : 0;
        for (int i = 0; i < values.length; i++) {
            double signed = 2 * unit(tensor, i) - 1;
            values[i] = (float) switch (kind) {
                case CONV_WEIGHT, TRANSPOSED_WEIGHT -> signed * bound;
                case CONV_BIAS, TRANSPOSED_BIAS -> signed * 0.1;
                case NORM_WEIGHT -> 1 + 0.3 * signed;
                case NORM_BIAS, NORM_RUNNING_MEAN -> 0.2 * signed;
                case NORM_RUNNING_VAR -> 1.2 + 0.4 * signed;
            };
        }
        return values;
    }

    /** splitmix64 of {@code (tensor << 32) + index}, top 24 bits, in [0, 1). */
    private static double unit(long tensor, long index) {
        long z = (tensor << 32) + index + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z = z ^ (z >>> 31);
        return (z >>> 40) / 16777216.0;
    }
}
