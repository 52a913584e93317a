package io.dubstream.connectors.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AudioLayoutTest {

    @Test
    void keepsTheSourcesRateAndChannelsByDefault() {
        assertThat(AudioLayout.SOURCE.resolve(48_000, 2)).isEqualTo(new AudioLayout(48_000, 2));
        assertThat(AudioLayout.SOURCE.resolve(44_100, 6)).isEqualTo(new AudioLayout(44_100, 6));
        assertThat(AudioLayout.SOURCE.resolve(8_000, 1)).isEqualTo(new AudioLayout(8_000, 1));
        assertThat(AudioLayout.SOURCE.resolve(192_000, 8)).isEqualTo(new AudioLayout(192_000, 8));
    }

    @Test
    void takesASourceOutsideTheBoundsToTheNearestSupportedLayout() {
        assertThat(AudioLayout.SOURCE.resolve(7_350, 2)).isEqualTo(new AudioLayout(48_000, 2));
        assertThat(AudioLayout.SOURCE.resolve(384_000, 2)).isEqualTo(new AudioLayout(48_000, 2));
        assertThat(AudioLayout.SOURCE.resolve(48_000, 12)).isEqualTo(new AudioLayout(48_000, 8));
        assertThat(AudioLayout.SOURCE.resolve(48_000, 24)).isEqualTo(new AudioLayout(48_000, 8));
    }

    @Test
    void aGivenRateOrChannelCountWins() {
        assertThat(new AudioLayout(16_000, 1).resolve(48_000, 2)).isEqualTo(new AudioLayout(16_000, 1));
        assertThat(new AudioLayout(16_000, AudioLayout.AS_SOURCE).resolve(48_000, 2))
                .isEqualTo(new AudioLayout(16_000, 2));
        assertThat(new AudioLayout(AudioLayout.AS_SOURCE, 1).resolve(44_100, 6)).isEqualTo(new AudioLayout(44_100, 1));
        assertThat(new AudioLayout(16_000, 1).isFixed()).isTrue();
        assertThat(AudioLayout.SOURCE.isFixed()).isFalse();
    }

    @Test
    void refusesLayoutsOutsideTheRecordFormat() {
        assertThatThrownBy(() -> new AudioLayout(4_000, 2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("audio sample rate 4000 Hz is outside 8000..192000 Hz (0 keeps the source's)");
        assertThatThrownBy(() -> new AudioLayout(48_000, 9)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("audio channels 9 outside 1..8 (0 keeps the source's)");
    }
}
