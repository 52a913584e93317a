package io.dubstream.job.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import ai.djl.Device;
import ai.djl.engine.Engine;

class InferenceDeviceTest {

    private final int gpus = Engine.getEngine("PyTorch").getGpuCount();

    @Test
    void autoTakesTheFirstGpuOrTheCpu() {
        assertThat(InferenceDevice.resolve("auto")).isEqualTo(gpus > 0 ? Device.gpu(0) : Device.cpu());
        assertThat(InferenceDevice.resolve(" CPU ")).isEqualTo(Device.cpu());
    }

    @Test
    void aMissingGpuIsAnErrorNotASilentFallBack() {
        assertThatThrownBy(() -> InferenceDevice.resolve("gpu:" + gpus))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("device 'gpu:" + gpus + "' is not available: PyTorch sees " + gpus + " GPU(s)");
    }

    @Test
    void badSpecsAreRefusedWithTheChoices() {
        assertThatThrownBy(() -> InferenceDevice.resolve("tpu")).hasMessageContaining("auto, cpu, gpu, gpu:N");
        assertThatThrownBy(() -> InferenceDevice.resolve("gpu:x")).hasMessageContaining("whole number");
        assertThatThrownBy(() -> InferenceDevice.resolve("gpu:-1")).hasMessageContaining("whole number");
    }
}
