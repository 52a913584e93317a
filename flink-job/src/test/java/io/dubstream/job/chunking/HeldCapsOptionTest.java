package io.dubstream.job.chunking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

import io.dubstream.job.DubstreamOptions;

/** The caps on what a clip may hold, checked at start against the longest chunk a valid clip makes. */
class HeldCapsOptionTest {

    @Test
    void theDefaultsHoldTheLongestChunkAtTheHighestFrameRate() {
        AssemblerSettings settings = AssemblerSettings.of(new Configuration());
        // 15 s core + 2 x 1 s context + 1 s of arrival slack, at 120 fps: 2161 frames of the 2400 allowed
        assertThat(settings.longestHeld()).isEqualTo(Duration.ofSeconds(18));
        assertThat(settings.maxHeldFrames()).isEqualTo(2400);
        assertThat(settings.maxHeldAudio()).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void aFrameCapAValidClipCouldReachIsRefused() {
        Configuration conf = new Configuration();
        conf.set(DubstreamOptions.CLIP_MAX_HELD_FRAMES, 1800);
        assertThatThrownBy(() -> AssemblerSettings.of(conf)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("dubstream.clip.max-held-frames (1800) is below the 2161 frames a valid clip"
                        + " may need held: 18.0 s");
        conf.set(DubstreamOptions.CLIP_MAX_FPS, 60);
        assertThat(AssemblerSettings.of(conf).maxFps()).isEqualTo(60);
        conf.set(DubstreamOptions.CHUNK_HYBRID_THRESHOLD, Duration.ofSeconds(40));
        assertThatThrownBy(() -> AssemblerSettings.of(conf)).hasMessageContaining("the 2401 frames");
    }

    @Test
    void anAudioCapAValidClipCouldReachIsRefused() {
        Configuration conf = new Configuration();
        conf.set(DubstreamOptions.CLIP_MAX_HELD_AUDIO, Duration.ofSeconds(10));
        assertThatThrownBy(() -> AssemblerSettings.of(conf))
                .hasMessageStartingWith("dubstream.clip.max-held-audio (PT10S) is below the PT18S of audio");
    }
}
