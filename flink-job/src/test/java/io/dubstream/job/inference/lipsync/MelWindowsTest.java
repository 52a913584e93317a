package io.dubstream.job.inference.lipsync;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MelWindowsTest {

    @Test
    void startsAt25FpsStepBy3Point2MelFrames() {
        // int(80 * i / 25) = int(3.2 i)
        assertThat(MelWindows.starts(1000, 8, 25, 1)).containsExactly(0, 3, 6, 9, 12, 16, 19, 22);
    }

    @Test
    void startsAtNtscRateAreExact() {
        // 80 * i * 1001 / 30000 = 2.669333.. i: 0, 2.67, 5.34, 8.01, 10.68, 13.35, 16.02; frame 375 gives 1001 exactly
        assertThat(MelWindows.starts(2000, 7, 30000, 1001)).containsExactly(0, 2, 5, 8, 10, 13, 16);
        assertThat(MelWindows.start(374, 30000, 1001)).isEqualTo(998); // 998.33
        assertThat(MelWindows.start(375, 30000, 1001)).isEqualTo(1001);
        // 24000/1001: frame 300 is at exactly 1001 mel frames, where floats give 1000.9999
        assertThat(MelWindows.start(300, 24000, 1001)).isEqualTo(1001);
    }

    @Test
    void startsByPresentationTimeAreExactAtAnyTransportRate() {
        // 80 * (12.5125 s - 0) = 1001 exactly
        assertThat(MelWindows.startAt(12_512_500, 0, 16_000)).isEqualTo(1001);
        assertThat(MelWindows.startAt(12_512_499, 0, 16_000)).isEqualTo(1000);
        // audio from 10 s at 44.1 kHz: a frame at 10.0375 s is 3 mel frames in; one at 10.0374999 s is not
        assertThat(MelWindows.startAt(10_037_500, 441_000, 44_100)).isEqualTo(3);
        assertThat(MelWindows.startAt(10_037_499, 441_000, 44_100)).isEqualTo(2);
        // audio from sample 1 at 48 kHz (20.8 us): a frame at 0 lies before it, and at 12.5208 ms one mel frame after
        assertThat(MelWindows.startAt(0, 1, 48_000)).isEqualTo(-1);
        assertThat(MelWindows.startAt(12_520, 1, 48_000)).isEqualTo(0);
        assertThat(MelWindows.startAt(12_521, 1, 48_000)).isEqualTo(1);
        // clamped into the spectrogram
        assertThat(MelWindows.starts(100, new long[] {0, 12_521, 10_000_000}, 1, 48_000)).containsExactly(0, 1, 84);
    }

    @Test
    void windowsPastTheEndTakeTheLast16MelFrames() {
        // 1 s of audio: 81 mel frames; at 25 fps frame 20 starts at 64 (64 + 16 = 80 fits), frame 21 at 67
        int[] starts = MelWindows.starts(81, 25, 25, 1);
        assertThat(starts[20]).isEqualTo(64);
        assertThat(starts[21]).isEqualTo(65);
        assertThat(starts[24]).isEqualTo(65);
    }

    @Test
    void chunkStartsCountFromTheChunksAudio() {
        // 30000/1001 fps, a chunk from 9 s: frame ceil(9 * 29.97) = 270 at 9.009 s, audio from sample 144000
        // 80 * (270 * 1001 / 30000 - 9) = 0.72 -> 0; frame 271: 80 * 0.0423 = 3.389 -> 3
        int[] starts = MelWindows.starts(1000, 270, 3, 30000, 1001, 144000);
        assertThat(starts).containsExactly(0, 3, 6);
        // the same frames with audio from 0: 80 * 270 * 1001 / 30000 = 720.72, 723.39, 726.06
        assertThat(MelWindows.starts(100000, 270, 3, 30000, 1001, 0)).containsExactly(720, 723, 726);
    }

    @Test
    void windowsAreRowMajorMelByTime() {
        short[] samples = new short[16000];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = (short) ((i * 7919) % 20000 - 10000);
        }
        MelSpectrogram mel = MelSpectrogram.of(samples);
        float[][] windows = MelWindows.forFrames(mel, 25, 25, 1);
        assertThat(windows).hasNumberOfRows(25);
        int start = 19; // frame 6: int(19.2)
        for (int m = 0; m < 80; m++) {
            for (int t = 0; t < 16; t++) {
                assertThat(windows[6][m * 16 + t]).isEqualTo(mel.get(m, start + t));
            }
        }
    }

    @Test
    void fewerThan16MelFramesArePaddedWithSilence() {
        MelSpectrogram mel = MelSpectrogram.of(new short[1000]); // 6 mel frames
        float[][] windows = MelWindows.forFrames(mel, 3, 25, 1);
        for (float[] w : windows) {
            for (int m = 0; m < 80; m++) {
                for (int t = 0; t < 16; t++) {
                    assertThat(w[m * 16 + t]).isEqualTo(t < 6 ? mel.get(m, t) : -4f);
                }
            }
        }
    }
}
