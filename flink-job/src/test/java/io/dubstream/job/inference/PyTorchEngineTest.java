package io.dubstream.job.inference;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/** DJL's PyTorch engine loads from the natives on the class path, with no network (ai.djl.offline). */
class PyTorchEngineTest {

    @Test
    void theEngineLoadsOfflineAndComputes() {
        assertThat(System.getProperty("ai.djl.offline")).as("set by the build").isEqualTo("true");
        Engine engine = Engine.getEngine("PyTorch");
        assertThat(engine.getVersion()).isEqualTo("2.5.1");
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray a = manager.create(new float[] {1, 2, 3, 4}).reshape(2, 2);
            assertThat(a.matMul(a).toFloatArray()).containsExactly(7, 10, 15, 22);
        }
    }
}
