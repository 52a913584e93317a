package io.dubstream.job.inference.lipsync;

import static io.dubstream.job.inference.lipsync.LipSyncFixtures.fixedFaces;
import static io.dubstream.job.inference.lipsync.LipSyncFixtures.fixedMels;
import static io.dubstream.job.inference.lipsync.LipSyncFixtures.slice;
import static io.dubstream.job.inference.lipsync.LipSyncModel.FACE_FLOATS;
import static io.dubstream.job.inference.lipsync.LipSyncModel.MEL_FLOATS;
import static io.dubstream.job.inference.lipsync.LipSyncModel.MOUTH_FLOATS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;

/**
 * The untrained Wav2Lip reference generator: the published size and shapes, inference mode,
 * deterministic weights, intermediates freed. The full model is slow on CPU (~0.1 s a frame): batches of 1-2.
 */
class Wav2LipReferenceTest {

    private static Wav2LipReference model;
    /** Batch 2 of the fixed inputs. */
    private static float[] mouths;

    @BeforeAll
    static void openModel() {
        model = new Wav2LipReference();
        mouths = model.predict(fixedMels(2), fixedFaces(2), 2);
    }

    @AfterAll
    static void closeModel() {
        model.close();
    }

    @Test
    void hasThePublishedGeneratorsParameters() {
        Map<Parameter.Type, Long> counts = new HashMap<>();
        for (Parameter parameter : model.generator().getParameters().values()) {
            counts.merge(parameter.getType(), parameter.getArray().size(), Long::sum);
        }
        long trainable = counts.get(Parameter.Type.WEIGHT) + counts.get(Parameter.Type.BIAS)
                + counts.get(Parameter.Type.GAMMA) + counts.get(Parameter.Type.BETA);
        long running = counts.get(Parameter.Type.RUNNING_MEAN) + counts.get(Parameter.Type.RUNNING_VAR);
        // sum(p.numel() for p in Wav2Lip().parameters()): 8,171,056 face encoder, 2,812,672 audio
        // encoder, 25,291,072 face decoder, 23,235 output block
        assertThat(trainable).isEqualTo(Wav2LipReference.PARAMETERS).isEqualTo(36_298_035L);
        // 11,376 BatchNorm channels, a running mean and variance each
        assertThat(running).isEqualTo(Wav2LipReference.RUNNING_STATISTICS).isEqualTo(2 * 11_376L);
        assertThat(counts.keySet()).containsExactlyInAnyOrder(Parameter.Type.WEIGHT, Parameter.Type.BIAS,
                Parameter.Type.GAMMA, Parameter.Type.BETA, Parameter.Type.RUNNING_MEAN, Parameter.Type.RUNNING_VAR);
    }

    @Test
    void givesMouthsInTheOpenUnitIntervalThatDependOnTheInput() {
        assertThat(model.name()).isEqualTo("wav2lip-reference");
        assertThat(model.preferredBatchSize()).isEqualTo(Wav2LipReference.CPU_BATCH_SIZE);
        assertThat(mouths).hasSize(2 * MOUTH_FLOATS);
        float min = Float.MAX_VALUE;
        float max = -Float.MAX_VALUE;
        for (float value : mouths) {
            min = Math.min(min, value);
            max = Math.max(max, value);
        }
        assertThat(min).isGreaterThan(0f);
        assertThat(max).isLessThan(1f);
        assertThat(max - min).as("not a constant picture").isGreaterThan(1e-2f);
        assertThat(maxDifference(slice(mouths, 0, MOUTH_FLOATS), slice(mouths, MOUTH_FLOATS, MOUTH_FLOATS)))
                .as("two different frames give two different mouths").isGreaterThan(1e-3);
    }

    @Test
    void batchNormUsesRunningStatisticsSoFramesDoNotInfluenceEachOther() {
        // in training mode BatchNorm would normalise with the batch's statistics: frame 1 alone would differ
        float[] second = model.predict(slice(fixedMels(2), MEL_FLOATS, MEL_FLOATS),
                slice(fixedFaces(2), FACE_FLOATS, FACE_FLOATS), 1);
        // (batch sizes may pick different convolution kernels: equal up to rounding)
        assertThat(maxDifference(second, slice(mouths, MOUTH_FLOATS, MOUTH_FLOATS))).isLessThan(1e-5);
    }

    @Test
    void theSameSeedGivesTheSameOutputAndAnotherSeedAnother() {
        float[] mels = fixedMels(1);
        float[] faces = fixedFaces(1);
        try (Wav2LipReference same = new Wav2LipReference(Wav2LipReference.DEFAULT_SEED);
                Wav2LipReference other = new Wav2LipReference(Wav2LipReference.DEFAULT_SEED + 1)) {
            float[] first = model.predict(mels, faces, 1);
            assertThat(maxDifference(same.predict(mels, faces, 1), first)).as("same seed").isZero();
            assertThat(maxDifference(other.predict(mels, faces, 1), first)).as("another seed").isGreaterThan(1e-3);
        }
    }

    @Test
    void runsWithoutGradientsAndFreesEveryIntermediate() {
        NDManager modelManager = model.generator().getParameters().get(0).getValue().getArray().getManager();
        int modelArrays = modelManager.getManagedArrays().size();
        for (Parameter parameter : model.generator().getParameters().values()) {
            assertThat(parameter.requiresGradient()).as(parameter.getName()).isFalse();
        }
        try (NDManager call = modelManager.newSubManager()) {
            NDArray mel = call.create(fixedMels(1), LipSyncTensors.mels(1));
            NDArray face = call.create(fixedFaces(1), LipSyncTensors.faces(1));
            NDArray out = model.generator().forward(new ParameterStore(call, false), new NDList(mel, face), false)
                    .singletonOrThrow();

            assertThat(out.getShape()).isEqualTo(new Shape(1, 3, 96, 96));
            assertThat(JniUtils.requiresGrad((PtNDArray) out)).isFalse();
            // the two inputs and the output: nothing else of the ~250 intermediates is left
            assertThat(call.getManagedArrays()).containsExactlyInAnyOrder(mel, face, out);
        }
        model.predict(fixedMels(1), fixedFaces(1), 1);
        assertThat(modelManager.getManagedArrays()).as("nothing accumulates with the weights").hasSize(modelArrays);
        assertThatThrownBy(() -> model.generator().forward(new ParameterStore(modelManager, false),
                new NDList(), true)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void refusesInputsThatDoNotHoldTheBatch() {
        assertThatThrownBy(() -> model.predict(fixedMels(1), fixedFaces(2), 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("mels must hold 2 x [1, 80, 16] = 2560 values, had 1280");
    }

    private static double maxDifference(float[] a, float[] b) {
        assertThat(a.length).isEqualTo(b.length);
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }
}
