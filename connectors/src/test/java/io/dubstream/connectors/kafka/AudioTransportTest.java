package io.dubstream.connectors.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dubstream.connectors.media.AudioLayout;
import org.junit.jupiter.api.Test;

class AudioTransportTest {

    @Test
    void blocksLastAQuarterOfASecond() {
        assertThat(AudioTransport.of(48_000, 2)).isEqualTo(new AudioTransport(48_000, 2, 12_000));
        assertThat(AudioTransport.of(44_100, 2)).isEqualTo(new AudioTransport(44_100, 2, 11_025));
        assertThat(AudioTransport.of(16_000, 1)).isEqualTo(new AudioTransport(16_000, 1, 4_000));
        assertThat(AudioTransport.of(96_000, 8).blockMillis()).isEqualTo(250.0);
        assertThat(AudioTransport.of(new AudioLayout(48_000, 6))).isEqualTo(new AudioTransport(48_000, 6, 12_000));
    }

    @Test
    void blocksThatWouldNotFitARecordAreShorter() {
        AudioTransport widest = AudioTransport.of(192_000, 8);
        assertThat(widest.blockSamples()).isEqualTo(24_000);
        assertThat((long) widest.blockSamples() * widest.channels()).isEqualTo(AudioTransport.MAX_BLOCK_VALUES)
                .isEqualTo(192_000);
        assertThat(widest.blockMillis()).isEqualTo(125.0);
        assertThat(AudioTransport.of(192_000, 5).blockSamples()).isEqualTo(38_400);
        assertThat(AudioTransport.of(192_000, 4).blockSamples()).isEqualTo(48_000);
    }

    @Test
    void refusesLayoutsTheRecordsCannotCarry() {
        assertThatThrownBy(() -> AudioTransport.of(4_000, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("4000 Hz is outside 8000..192000");
        assertThatThrownBy(() -> AudioTransport.of(48_000, 9)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("channels 9 outside 1..8");
        assertThatThrownBy(() -> new AudioTransport(192_000, 8, 48_000)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("outside 1..192000 values");
        assertThatThrownBy(() -> AudioTransport.of(AudioLayout.SOURCE)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not resolved");
    }
}
