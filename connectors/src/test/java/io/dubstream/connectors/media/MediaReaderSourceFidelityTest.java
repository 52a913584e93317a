package io.dubstream.connectors.media;

import static org.assertj.core.api.Assertions.assertThat;

import io.dubstream.connectors.cli.Ffmpeg;
import io.dubstream.connectors.cli.Ffprobe;
import io.dubstream.connectors.media.MediaRoundTripTest.Decoded;
import java.nio.file.Path;
import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What a reader keeps of its source: the audio layout and samples, the display rotation, each frame's time. */
class MediaReaderSourceFidelityTest {

    @TempDir
    Path dir;

    @Test
    void deliversPcmAtTheSourceLayoutBitForBit() throws Exception {
        short[] pcm = RecorderClips.noise(96_000, 2, 7);
        Path clip = RecorderClips.writePcm(dir.resolve("pcm.mov"), 256, 144, 50, pcm, 48_000, 2);

        Decoded decoded = Decoded.read(clip, AudioLayout.SOURCE);

        assertThat(decoded.info.audioCodec()).isEqualTo("pcm_s16le");
        assertThat(decoded.layout).isEqualTo(new AudioLayout(48_000, 2));
        assertThat(decoded.audio()).isEqualTo(pcm);
    }

    @Test
    void resamplesASourceRateBelowTheBoundsTo48Kilohertz() throws Exception {
        short[] pcm = RecorderClips.noise(8_000, 1, 8);
        Path clip = RecorderClips.writePcm(dir.resolve("slow.mov"), 256, 144, 50, pcm, 4_000, 1);

        Decoded decoded = Decoded.read(clip, AudioLayout.SOURCE);

        assertThat(decoded.info.sourceSampleRate()).isEqualTo(4_000);
        assertThat(decoded.layout).isEqualTo(new AudioLayout(48_000, 1));
        assertThat(decoded.audioSamples).as("2 s at 48 kHz").isEqualTo(96_000);
    }

    @ParameterizedTest(name = "{0} degrees clockwise")
    @ValueSource(ints = {90, 180, 270})
    void readsTheDisplayRotationAndLeavesTheFramesAsStored(int clockwise) throws Exception {
        Ffmpeg.assumeAvailable();
        Path plain = SampleClipGenerator.write(dir.resolve("plain.mp4"),
                new SampleClipGenerator.Spec(320, 240, 25, 1, 0.4, 0, 0));
        Path rotated = Ffmpeg.withRotation(plain, dir.resolve("rotated.mp4"), clockwise);

        Decoded decoded = Decoded.read(rotated, AudioLayout.SOURCE);

        assertThat(decoded.info.rotationDegrees()).isEqualTo(clockwise);
        assertThat(decoded.info.width()).isEqualTo(320);
        assertThat(decoded.frames.get(0).width()).isEqualTo(320);
        assertThat(decoded.frames.get(0).height()).isEqualTo(240);
        assertThat(SampleClipGenerator.readFrameIndex(decoded.frames.get(9).bgr(), 320, 240)).isEqualTo(9);
    }

    @Test
    void readsEachFramesOwnTimeFromAVariableFrameRateFile() throws Exception {
        Ffmpeg.assumeAvailable();
        Path clip = Ffmpeg.variableFrameRateClip(dir.resolve("vfr.mp4"), 320, 240, 2, 2);
        List<Double> expected = Ffprobe.videoFrameTimes(clip);

        Decoded decoded = Decoded.read(clip, AudioLayout.SOURCE);

        assertThat(decoded.frames).hasSize(72).hasSize(expected.size());
        long first = decoded.frames.get(0).ptsMicros();
        for (int i = 0; i < expected.size(); i++) {
            double seconds = (decoded.frames.get(i).ptsMicros() - first) / 1e6;
            assertThat(seconds).as("frame %d", i).isCloseTo(expected.get(i) - expected.get(0), Offset.offset(0.001));
        }
        assertThat(decoded.frames.get(60).ptsMicros() - first).isEqualTo(3_000_000);
        // the container's average as a player reads it: 72 frames over the stream's duration (with x264
        // the 3.875 s from the first frame to the end of the last; MPEG-4's B-frame delay adds a frame)
        assertThat(decoded.info.fpsNum() / (double) decoded.info.fpsDen())
                .isCloseTo(Ffprobe.probe(clip).averageFramesPerSecond(), Offset.offset(0.01))
                .isBetween(72 / (3.875 + 1 / 24.0), 72 / 3.875);
        assertThat(decoded.layout).isEqualTo(new AudioLayout(48_000, 2));
    }

    @Test
    void precedesAudioThatStartsAfterTheFirstFrameWithSilence() throws Exception {
        Ffmpeg.assumeAvailable();
        Path clip = dir.resolve("late.mov");
        Ffmpeg.run("-f", "lavfi", "-i", "testsrc2=s=256x144:r=25:d=3", "-itsoffset", "0.5", "-f", "lavfi", "-i",
                "sine=f=440:r=48000:d=2:samples_per_frame=480", "-c:v", "mpeg4", "-c:a", "pcm_s16le",
                clip.toString());
        assertThat(Ffprobe.audio(clip).startSeconds()).isEqualTo(0.5);

        Decoded decoded = Decoded.read(clip, AudioLayout.SOURCE);

        short[] audio = decoded.audio();
        assertThat(decoded.audioSamples).as("0.5 s of silence, then the 2 s tone").isEqualTo(24_000 + 96_000);
        for (int i = 0; i < 24_000; i++) {
            assertThat(audio[i]).as("sample %d", i).isZero();
        }
        assertThat(audio[24_000 + 27]).as("the tone's first peak").isGreaterThan((short) 3000);
    }

    @Test
    void dropsAudioBeforeTheFirstFrame() throws Exception {
        Ffmpeg.assumeAvailable();
        Path clip = dir.resolve("early.mov");
        Ffmpeg.run("-f", "lavfi", "-i", "testsrc2=s=256x144:r=25:d=3", "-f", "lavfi", "-i",
                "sine=f=440:r=48000:d=3:samples_per_frame=480", "-map", "0:v", "-map", "1:a", "-vf",
                "setpts=PTS+0.2/TB", "-c:v", "mpeg4", "-c:a", "pcm_s16le", clip.toString());

        Decoded decoded = Decoded.read(clip, AudioLayout.SOURCE);

        assertThat(decoded.frames.get(0).ptsMicros()).isEqualTo(200_000);
        assertThat(decoded.audioSamples).as("3 s of tone less the 0.2 s before the first frame")
                .isEqualTo(144_000 - 9_600);
        // 0.2 s is 88 whole periods of 440 Hz: what is left starts at the tone's phase 0
        short[] audio = decoded.audio();
        assertThat((int) audio[0]).isBetween(-200, 200);
        assertThat(audio[27]).as("a quarter period later, the peak").isGreaterThan((short) 3000);
    }
}
