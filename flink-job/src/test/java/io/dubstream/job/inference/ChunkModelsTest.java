package io.dubstream.job.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import ai.djl.engine.Engine;

import io.dubstream.job.inference.lipsync.FaceSearch;
import io.dubstream.job.inference.lipsync.LipSyncStage;

class ChunkModelsTest {

    @Test
    void wav2lipReferenceOpensAsALipSyncStageOnTheCpu() throws Exception {
        try (ChunkModel model = ChunkModels.open("wav2lip-reference",
                new ChunkModels.Settings(0.9f, 0, Duration.ofMillis(10), "cpu", FaceSearch.DEFAULT))) {
            assertThat(model).isInstanceOf(LipSyncStage.class);
            assertThat(model.name()).isEqualTo("wav2lip-reference");
        }
    }

    @Test
    void aGpuThatIsNotThereIsRefusedWhenTheModelOpens() {
        int gpus = Engine.getEngine("PyTorch").getGpuCount();
        assertThatThrownBy(() -> ChunkModels.open("wav2lip-reference",
                new ChunkModels.Settings(0.9f, 0, Duration.ofMillis(10), "gpu:" + gpus, FaceSearch.DEFAULT)))
                .hasMessageContaining("is not available: PyTorch sees " + gpus + " GPU(s)");
    }

    @Test
    void lipSyncModelsAreTheReferenceAndTorchScriptFiles(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path file = java.nio.file.Files.writeString(dir.resolve("mouths.pt"), "not read here");
        assertThat(ChunkModels.isLipSync("wav2lip-reference")).isTrue();
        assertThat(ChunkModels.isLipSync(file.toString())).isTrue();
        assertThat(ChunkModels.isLipSync("identity")).isFalse();
        assertThat(ChunkModels.isLipSync("colour-gain")).isFalse();
        assertThatThrownBy(() -> ChunkModels.isLipSync("missing.pt")).hasMessageContaining("unknown model");
    }

    @Test
    void unknownModelsAreRefusedWithTheChoices() {
        assertThatThrownBy(() -> ChunkModels.check("wav3lip")).hasMessageContaining("unknown model 'wav3lip'")
                .hasMessageContaining("wav2lip-reference").hasMessageContaining(".pt");
    }
}
