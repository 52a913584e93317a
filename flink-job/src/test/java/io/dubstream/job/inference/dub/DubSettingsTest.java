package io.dubstream.job.inference.dub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import org.junit.jupiter.api.Test;

class DubSettingsTest {

    @Test
    void theDefaultsDuckByAFactorOfTen() {
        assertThat(DubSettings.DEFAULTS.duckGain()).isCloseTo(0.1, offset(1e-12));
        assertThat(new DubSettings(0, 0, 0, 1, 1).duckGain()).isEqualTo(1);
        assertThat(DubSettings.samples(50_000, 48_000)).isEqualTo(2_400);
        assertThat(DubSettings.samples(15_000, 44_100)).isEqualTo(662);
    }

    @Test
    void refusesSettingsOutOfRangeAndSaysWhich() {
        assertInvalid(() -> new DubSettings(3, 0, 0, 1.25, 0.8), "ducking gain");
        assertInvalid(() -> new DubSettings(Double.NaN, 0, 0, 1.25, 0.8), "ducking gain");
        assertInvalid(() -> new DubSettings(Double.NEGATIVE_INFINITY, 0, 0, 1.25, 0.8), "ducking gain");
        assertInvalid(() -> new DubSettings(-20, -1, 0, 1.25, 0.8), "ducking ramp");
        assertInvalid(() -> new DubSettings(-20, 0, -1, 1.25, 0.8), "margin before the next line");
        assertInvalid(() -> new DubSettings(-20, 0, 0, 0.9, 0.8), "maximum speed-up");
        assertInvalid(() -> new DubSettings(-20, 0, 0, 2.5, 0.8), "maximum speed-up");
        assertInvalid(() -> new DubSettings(-20, 0, 0, 1.25, 1.1), "maximum slow-down");
        assertInvalid(() -> new DubSettings(-20, 0, 0, 1.25, 0.4), "maximum slow-down");
    }

    private static void assertInvalid(Runnable settings, String message) {
        assertThatThrownBy(settings::run).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
    }
}
