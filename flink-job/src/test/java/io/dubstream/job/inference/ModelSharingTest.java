package io.dubstream.job.inference;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import ai.djl.engine.Engine;

class ModelSharingTest {

    @Test
    void onAndOffDecideWhateverTheModelAndDevice() {
        assertThat(new ModelSharing(ModelSharing.Mode.ON, false, "cpu").shared()).isTrue();
        assertThat(new ModelSharing(ModelSharing.Mode.OFF, true, "gpu").shared()).isFalse();
        assertThat(ModelSharing.OFF.shared()).isFalse();
    }

    @Test
    void autoOpensAModelPerSubtaskOnTheCpu() {
        assertThat(new ModelSharing(ModelSharing.Mode.AUTO, true, "cpu").shared()).isFalse();
        assertThat(new ModelSharing(ModelSharing.Mode.AUTO, true, " CPU ").shared()).isFalse();
        // the test transforms never share, on any device
        assertThat(new ModelSharing(ModelSharing.Mode.AUTO, false, "auto").shared()).isFalse();
    }

    @Test
    void autoSharesALipSyncModelWhereTheDeviceIsAGpu() {
        boolean gpu = Engine.getEngine("PyTorch").getGpuCount() > 0;
        assertThat(new ModelSharing(ModelSharing.Mode.AUTO, true, "auto").shared()).isEqualTo(gpu);
    }
}
