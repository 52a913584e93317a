package io.dubstream.job.inference.lipsync;

import static io.dubstream.job.inference.lipsync.LipSyncFixtures.fixedFaces;
import static io.dubstream.job.inference.lipsync.LipSyncFixtures.fixedMels;
import static io.dubstream.job.inference.lipsync.LipSyncFixtures.model;
import static io.dubstream.job.inference.lipsync.LipSyncModel.FACE_FLOATS;
import static io.dubstream.job.inference.lipsync.LipSyncModel.MEL_FLOATS;
import static io.dubstream.job.inference.lipsync.LipSyncModel.MOUTH_FLOATS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/** {@link TorchScriptLipSyncModel} against TorchScript fixtures made by PyTorch (make_lipsync_fixture.py). */
class LipSyncModelTorchScriptTest {

    @Test
    void reproducesPyTorchsOutputForTheFixedInput() {
        float[] expected = LipSyncFixtures.floats("lipsync-fixture-expected.f32");
        assertThat(expected).hasSize(2 * MOUTH_FLOATS);
        try (LipSyncModel model = new TorchScriptLipSyncModel(model("lipsync-fixture.pt"))) {
            assertThat(model.name()).isEqualTo("torchscript:lipsync-fixture.pt");
            assertThat(model.preferredBatchSize()).isEqualTo(TorchScriptLipSyncModel.DEFAULT_CPU_BATCH_SIZE).isEqualTo(8);

            float[] mouths = model.predict(fixedMels(2), fixedFaces(2), 2);

            assertThat(mouths).hasSize(2 * MOUTH_FLOATS);
            for (int i = 0; i < expected.length; i++) {
                assertThat(mouths[i]).as("value %d", i).isCloseTo(expected[i], within(1e-4f));
            }
            // the batch size is not baked into the trace: frame 1 alone gives frame 1's mouth
            float[] second = model.predict(LipSyncFixtures.slice(fixedMels(2), MEL_FLOATS, MEL_FLOATS),
                    LipSyncFixtures.slice(fixedFaces(2), FACE_FLOATS, FACE_FLOATS), 1);
            float[] expectedSecond = LipSyncFixtures.slice(expected, MOUTH_FLOATS, MOUTH_FLOATS);
            for (int i = 0; i < expectedSecond.length; i++) {
                assertThat(second[i]).as("value %d", i).isCloseTo(expectedSecond[i], within(1e-4f));
            }
        }
    }

    /**
     * The stage's way in: a reused batch buffer written in place, holding fewer frames than it has room
     * for, gives PyTorch's output for those frames, and the same buffer refilled gives the next call's.
     */
    @Test
    void takesABatchBufferWrittenInPlaceAndReused() {
        float[] expected = LipSyncFixtures.floats("lipsync-fixture-expected.f32");
        try (LipSyncModel model = new TorchScriptLipSyncModel(model("lipsync-fixture.pt"))) {
            LipSyncBatch batch = LipSyncBatch.allocate(4);
            batch.mels().put(0, fixedMels(2));
            batch.faces().put(0, fixedFaces(2));
            batch.size(2);

            float[] mouths = model.predict(batch);

            assertThat(mouths).hasSize(2 * MOUTH_FLOATS);
            for (int i = 0; i < expected.length; i++) {
                assertThat(mouths[i]).as("value %d", i).isCloseTo(expected[i], within(1e-4f));
            }
            // frame 1 written over frame 0, one frame: frame 1's mouth
            batch.mels().put(0, LipSyncFixtures.slice(fixedMels(2), MEL_FLOATS, MEL_FLOATS));
            batch.faces().put(0, LipSyncFixtures.slice(fixedFaces(2), FACE_FLOATS, FACE_FLOATS));
            batch.size(1);
            float[] second = model.predict(batch);
            assertThat(second).hasSize(MOUTH_FLOATS);
            for (int i = 0; i < MOUTH_FLOATS; i++) {
                assertThat(second[i]).as("value %d", i).isCloseTo(expected[MOUTH_FLOATS + i], within(1e-4f));
            }
            assertThatThrownBy(() -> batch.size(5)).isInstanceOf(IndexOutOfBoundsException.class);
        }
    }

    @Test
    void refusesAResultOfTheWrongShape() {
        try (LipSyncModel model = new TorchScriptLipSyncModel(model("lipsync-wrong-shape.pt"))) {
            assertThatThrownBy(() -> model.predict(fixedMels(2), fixedFaces(2), 2))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("lipsync-wrong-shape.pt returned float32 (2, 3, 48, 48)")
                    .hasMessageContaining("expected float32 (2, 3, 96, 96)");
        }
    }

    @Test
    void refusesValuesThatAreNotFinite() {
        try (LipSyncModel model = new TorchScriptLipSyncModel(model("lipsync-not-finite.pt"))) {
            assertThatThrownBy(() -> model.predict(fixedMels(2), fixedFaces(2), 2))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("not finite (NaN) in frame 0 of a batch of 2");
            // frame 0 is where the NaN is; alone, the last frame has +inf
            assertThatThrownBy(() -> model.predict(fixedMels(1), fixedFaces(1), 1))
                    .hasMessageContaining("not finite");
        }
    }

    @Test
    void refusesInputsThatDoNotHoldTheBatch() {
        try (LipSyncModel model = new TorchScriptLipSyncModel(model("lipsync-fixture.pt"), 4)) {
            assertThat(model.preferredBatchSize()).isEqualTo(4);
            assertThatThrownBy(() -> model.predict(fixedMels(2), fixedFaces(1), 2))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("faces must hold 2 x [6, 96, 96] = 110592 values, had 55296");
            assertThatThrownBy(() -> model.predict(fixedMels(1), fixedFaces(2), 2))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("mels must hold 2 x [1, 80, 16] = 2560 values, had 1280");
            assertThatThrownBy(() -> model.predict(new float[0], new float[0], 0))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("batch must be at least 1, was 0");
        }
    }

    @Test
    void refusesFilesThatAreNotTorchScript() {
        assertThatThrownBy(() -> new TorchScriptLipSyncModel(Path.of("no-such-model.pt")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("no lip-sync model file at ");
        // a file that is not a TorchScript archive, as a torch.save checkpoint would not be
        Path notTorchScript = model("lipsync-fixture-expected.f32");
        assertThatThrownBy(() -> new TorchScriptLipSyncModel(notTorchScript))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot load " + notTorchScript + " as a TorchScript model");
    }
}
