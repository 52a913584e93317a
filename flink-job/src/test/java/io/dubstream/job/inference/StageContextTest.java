package io.dubstream.job.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.dubstream.job.inference.lipsync.FaceSearch;
import io.dubstream.job.inference.voice.PitchShiftVoiceModel;
import io.dubstream.job.inference.voice.VoiceStage;

class StageContextTest {

    private static final ChunkModels.Settings DEFAULTS = ChunkModels.Settings.of(0.9f);

    @Test
    void theLipSyncStageNeedsTrackingSmoothingAndADetectionIntervalBeforeACore() {
        // half a second back to where tracking starts afresh, then 1 + 5 frames at 24 fps
        assertThat(StageContext.of("none", "wav2lip-reference", DEFAULTS))
                .containsExactly(new StageContext("lip-sync (wav2lip-reference)", Duration.ofMillis(750)));
        ChunkModels.Settings everyThird = new ChunkModels.Settings(0.9f, 0, Duration.ofMillis(50), "cpu",
                new FaceSearch(3, true));
        assertThat(ChunkModels.contextNeeded("wav2lip-reference", everyThird))
                .isEqualTo(Duration.ofNanos(500_000_000L + 333_333_334L));
    }

    @Test
    void aVoiceEffectIsCheckedBesideTheFrameModelAndASynthesizerReadsOnlyTheScript() {
        assertThat(StageContext.of("voice-pitch-shift", "identity", DEFAULTS)).containsExactly(
                new StageContext("voice (voice-pitch-shift)", PitchShiftVoiceModel.CONTEXT_NEEDED),
                new StageContext("frame (identity)", Duration.ZERO));
        assertThat(StageContext.of("espeak-ng", "identity", DEFAULTS))
                .containsExactly(new StageContext("frame (identity)", Duration.ZERO));

        assertThatThrownBy(() -> StageContext.check(Duration.ofMillis(20),
                StageContext.of("voice-pitch-shift", "identity", DEFAULTS)))
                .hasMessage("dubstream.chunk.context (0.02 s) is below the 0.042 s the voice (voice-pitch-shift) stage"
                        + " reads on each side of a chunk's core; raise it to at least that");
        assertThatCode(() -> StageContext.check(PitchShiftVoiceModel.CONTEXT_NEEDED,
                StageContext.of("voice-pitch-shift", "identity", DEFAULTS))).doesNotThrowAnyException();
    }

    @Test
    void openedModelsDeclareWhatTheCheckAtStartAssumed() throws Exception {
        try (ChunkModel identity = ChunkModels.open("identity", DEFAULTS);
                StagedModel pitched = new StagedModel(new VoiceStage(new PitchShiftVoiceModel()), new IdentityModel())) {
            assertThat(identity.contextNeeded()).isEqualTo(ChunkModels.contextNeeded("identity", DEFAULTS));
            assertThat(pitched.contextNeeded()).isEqualTo(PitchShiftVoiceModel.CONTEXT_NEEDED);
        }
    }
}
