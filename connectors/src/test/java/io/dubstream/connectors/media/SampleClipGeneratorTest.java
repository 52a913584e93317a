package io.dubstream.connectors.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dubstream.connectors.media.SampleClipGenerator.Spec;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SampleClipGeneratorTest {

    @TempDir
    Path dir;

    @Test
    void defaultsAreFortyEightKilohertzStereo() {
        Spec spec = Spec.defaults();
        assertThat(spec).isEqualTo(new Spec(640, 360, 25, 1, 32, 48_000, 2));
        assertThat(spec.frameCount()).isEqualTo(800);
        assertThat(spec.samplesBefore(800)).isEqualTo(1_536_000);
    }

    @Test
    void stereoToneHasADifferentNoteOnEachChannel() {
        ToneSignal tone = new ToneSignal(48_000, 2);
        short[] second = tone.samples(3 * 48_000L + 12_000, 24_000); // the middle half of second 3
        short[] left = ToneAnalysis.channel(second, 2, 0, 0, 24_000);
        short[] right = ToneAnalysis.channel(second, 2, 1, 0, 24_000);
        double f = tone.frequency(3);
        assertThat(tone.rightFrequency(3)).isEqualTo(1.5 * f);
        assertThat(ToneAnalysis.power(left, f, 48_000)).isGreaterThan(1000 * ToneAnalysis.power(left, 1.5 * f, 48_000));
        assertThat(ToneAnalysis.power(right, 1.5 * f, 48_000)).isGreaterThan(1000 * ToneAnalysis.power(right, f, 48_000));
    }

    @Test
    void audioLastsExactlyAsLongAsTheFrames() {
        Spec ntsc = new Spec(320, 180, 30_000, 1001, 2.0, 48_000, 1);
        assertThat(ntsc.frameCount()).isEqualTo(60);
        assertThat(ntsc.samplesBefore(60)).isEqualTo(96_096); // 60 * 1001 / 30000 s = 2.002 s
        assertThat(new Spec(320, 180, 25, 1, 1.0, 0, 0).samplesBefore(25)).isZero();
    }

    @Test
    void rejectsSpecsItCannotDraw() {
        assertThatThrownBy(() -> new Spec(200, 180, 25, 1, 1, 44_100, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 256x64, got 200x180");
        assertThatThrownBy(() -> new Spec(321, 180, 25, 1, 1, 44_100, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("even");
        assertThatThrownBy(() -> new Spec(320, 180, 25, 0, 1, 44_100, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("frame rate");
        assertThatThrownBy(() -> new Spec(320, 180, 25, 1, 0.01, 44_100, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one frame");
        assertThatThrownBy(() -> new Spec(320, 180, 25, 1, 1, 44_100, 3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("channels");
        assertThatThrownBy(() -> new Spec(320, 180, 25, 1, 1, 100, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sample rate");
    }

    @Test
    void barcodeRoundTripsEverySixteenBitPattern() {
        byte[] frame = new byte[256 * 64 * 3];
        for (long index : new long[] {0, 1, 2, 0x5555, 0xAAAA, 0x8001, 65_535}) {
            new TestPattern(256, 64).paint(frame, index);
            FrameIndexBarcode.draw(frame, 256, 64, index);
            assertThat(SampleClipGenerator.readFrameIndex(frame, 256, 64)).isEqualTo(index);
        }
        FrameIndexBarcode.draw(frame, 256, 64, 65_536 + 7);
        assertThat(SampleClipGenerator.readFrameIndex(frame, 256, 64)).as("wraps at 16 bits").isEqualTo(7);
    }

    @Test
    void barcodeBlocksAreAtLeastSixteenPixels() {
        assertThat(FrameIndexBarcode.blockWidth(256)).isEqualTo(16);
        assertThat(FrameIndexBarcode.blockHeight(256, 64)).isEqualTo(16);
        assertThat(FrameIndexBarcode.blockWidth(640)).isEqualTo(40);
        assertThat(FrameIndexBarcode.blockHeight(640, 360)).isEqualTo(20);
    }

    @Test
    void readingRejectsFramesTooSmallForTheBarcode() {
        assertThatThrownBy(() -> SampleClipGenerator.readFrameIndex(new byte[128 * 64 * 3], 128, 64))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 256x64");
        assertThatThrownBy(() -> SampleClipGenerator.readFrameIndex(new byte[10], 320, 180))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("got 10");
    }

    @Test
    void toneStepsThroughTheScaleEachSecondWithoutClicks() {
        ToneSignal tone = new ToneSignal(16_000, 2);
        assertThat(tone.frequency(0)).isEqualTo(440.0);
        assertThat(tone.frequency(7)).isEqualTo(880.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(tone.frequency(8)).isEqualTo(440.0);

        short[] aroundStep = tone.samples(16_000 - 80, 160); // 5 ms either side of a step
        assertThat(Math.abs(aroundStep[79 * 2])).isLessThan(50);
        assertThat(Math.abs(aroundStep[80 * 2])).isLessThan(50);
        short[] middle = tone.samples(8_000, 400);
        int peakLeft = 0;
        int peakRight = 0;
        for (int i = 0; i < 400; i++) {
            peakLeft = Math.max(peakLeft, Math.abs(middle[2 * i]));
            peakRight = Math.max(peakRight, Math.abs(middle[2 * i + 1]));
        }
        assertThat(peakLeft).isBetween(9_000, 10_000);
        assertThat(peakRight).isBetween(6_300, 7_000);
    }

    @Test
    void writesAMinuteOfVideoWithEveryFrame() throws MediaException {
        Path clip = SampleClipGenerator.write(dir.resolve("minute.mp4"), new Spec(640, 360, 25, 1, 60, 44_100, 2));

        try (MediaReader reader = MediaReader.open(clip, 16_000, 1)) {
            assertThat(reader.info().frameCountHint()).isEqualTo(1500);
            assertThat(reader.info().durationMicros()).isEqualTo(60_000_000);
        }
    }
}
