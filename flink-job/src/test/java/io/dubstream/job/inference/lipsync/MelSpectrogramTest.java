package io.dubstream.job.inference.lipsync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * The Java mel spectrogram against Wav2Lip's pipeline as computed by
 * {@code src/test/resources/lipsync/make_mel_fixture.py} (numpy/scipy with librosa 0.7.0's formulas).
 */
class MelSpectrogramTest {

    /**
     * The fixture carries librosa's float32 rounding, this class computes in double: they differ by
     * about 1e-6 (printed). 1e-3 would be enough for the model; the tighter bound catches any change
     * of formula, which moves values by 1e-2 or more.
     */
    private static final double TOLERANCE = 1e-5;

    @Test
    void matchesTheReferenceOnASpeechLikeSignal() {
        double error = maxErrorAgainstFixture("speechlike");
        System.out.printf("mel vs fixture 'speechlike': max abs error %.3g%n", error);
        assertThat(error).isLessThan(TOLERANCE);
    }

    @Test
    void matchesTheReferenceOnASignalShorterThanThePadding() {
        double error = maxErrorAgainstFixture("short");
        System.out.printf("mel vs fixture 'short': max abs error %.3g%n", error);
        assertThat(error).isLessThan(TOLERANCE);
    }

    private static double maxErrorAgainstFixture(String name) {
        short[] input = Npy.resource("/lipsync/" + name + ".s16.npy").int16();
        Npy expected = Npy.resource("/lipsync/" + name + ".mel.npy");
        float[] want = expected.float32();

        MelSpectrogram mel = MelSpectrogram.of(input);

        assertThat(expected.shape).containsExactly(80, 1 + input.length / 200);
        assertThat(new int[] {mel.mels(), mel.frames()}).containsExactly(expected.shape);
        float[] got = mel.toArray();
        assertThat(got).hasSameSizeAs(want);
        double max = 0;
        for (int i = 0; i < got.length; i++) {
            max = Math.max(max, Math.abs(got[i] - want[i]));
        }
        return max;
    }

    @Test
    void silenceIsTheFloorAndALoudToneReachesPositiveValues() {
        MelSpectrogram silence = MelSpectrogram.of(new short[3200]);
        assertThat(silence.frames()).isEqualTo(17);
        for (float v : silence.toArray()) {
            assertThat(v).isEqualTo(-4f);
        }

        short[] tone = new short[3200];
        for (int i = 0; i < tone.length; i++) {
            tone[i] = (short) Math.round(16000 * Math.sin(2 * Math.PI * 1000 * i / 16000.0));
        }
        MelSpectrogram mel = MelSpectrogram.of(tone);
        int peak = 0;
        for (int m = 1; m < 80; m++) {
            if (mel.get(m, 8) > mel.get(peak, 8)) {
                peak = m;
            }
        }
        // 1 kHz is 15 mel (Slaney); 82 corners evenly spaced from 0.825 mel (55 Hz) to 44.5 mel (7600 Hz)
        // put it at corner 26.3, the centre of filter 25 (numpy's argmax on the fixture pipeline: 25)
        assertThat(peak).isEqualTo(25);
        assertThat(mel.get(peak, 8)).isGreaterThan(0f);
    }

    @Test
    void theFilterBankIsSlaneyNormalised() {
        MelFilterBank bank = MelFilterBank.slaney(16000, 800, 80, 55, 7600);
        // unit area: the weights of each triangle times the bin width (20 Hz) sum to about 1
        for (int m = 0; m < 80; m++) {
            double area = 0;
            for (int k = 0; k < 401; k++) {
                area += bank.weight(m, k) * 20;
            }
            // sampled at 20 Hz bins the narrow low triangles come out 0.98..1.04 (numpy: the same)
            assertThat(area).as("area of filter %d", m).isBetween(0.95, 1.05);
        }
        assertThat(MelFilterBank.hzToMel(1000)).isCloseTo(15.0, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(MelFilterBank.melToHz(MelFilterBank.hzToMel(7600))).isCloseTo(7600, org.assertj.core.data.Offset
                .offset(1e-9));
    }

    @Test
    void theFftAgreesWithADirectTransform() {
        Fft fft = new Fft(800);
        double[] re = new double[800];
        double[] im = new double[800];
        java.util.Random random = new java.util.Random(7);
        for (int i = 0; i < 800; i++) {
            re[i] = random.nextGaussian();
            im[i] = random.nextGaussian();
        }
        double[] wantRe = new double[800];
        double[] wantIm = new double[800];
        for (int k = 0; k < 800; k++) {
            for (int j = 0; j < 800; j++) {
                double a = -2 * Math.PI * ((long) j * k % 800) / 800;
                wantRe[k] += re[j] * Math.cos(a) - im[j] * Math.sin(a);
                wantIm[k] += re[j] * Math.sin(a) + im[j] * Math.cos(a);
            }
        }
        fft.transform(re, im);
        for (int k = 0; k < 800; k++) {
            assertThat(re[k]).isCloseTo(wantRe[k], org.assertj.core.data.Offset.offset(1e-9));
            assertThat(im[k]).isCloseTo(wantIm[k], org.assertj.core.data.Offset.offset(1e-9));
        }
    }

    @Test
    void reflectionRepeatsWithoutTheEdges() {
        // np.pad([0, 1, 2], 5, mode='reflect') == [1 0 1 2 1 | 0 1 2 | 1 0 1 2 1], as indices
        int[] got = new int[13];
        for (int i = -5; i < 8; i++) {
            got[i + 5] = MelSpectrogram.reflect(i, 3);
        }
        assertThat(got).containsExactly(1, 0, 1, 2, 1, 0, 1, 2, 1, 0, 1, 2, 1);
        assertThat(MelSpectrogram.reflect(-3, 1)).isZero();
    }

    @Test
    void refusesEmptyAudio() {
        assertThatThrownBy(() -> MelSpectrogram.of(new short[0])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least one sample");
    }

    /**
     * A part of a signal on the whole signal's mel grid: column {@code t} is the signal's frame
     * {@code firstFrame + t}, equal to it wherever its window and the sample before lie in the part; the
     * last part ends with the whole signal's last frames, reflection included.
     */
    @Test
    void aPartOnTheWholeSignalsGridHasItsFramesExactly() {
        double[] wav = new double[16_000 * 3 + 77];
        java.util.Random random = new java.util.Random(3);
        for (int i = 0; i < wav.length; i++) {
            wav[i] = 0.4 * Math.sin(2 * Math.PI * 220 * i / 16_000.0) * Math.sin(Math.PI * i / 4000.0)
                    + 0.05 * random.nextGaussian();
        }
        MelSpectrogram whole = MelSpectrogram.of(wav);
        for (int from : new int[] {0, 1, 3_333, 20_000, 31_999}) {
            MelSpectrogram part = MelSpectrogram.of(java.util.Arrays.copyOfRange(wav, from, wav.length), from);
            assertThat(part.firstFrame()).isEqualTo((from + MelSpectrogram.HOP - 1) / MelSpectrogram.HOP);
            assertThat(part.firstFrame() + part.frames()).as("the last frame is the whole signal's")
                    .isEqualTo(whole.frames());
            for (int t = 0; t < part.frames(); t++) {
                long centre = (part.firstFrame() + t) * MelSpectrogram.HOP;
                if (from > 0 && centre - MelSpectrogram.N_FFT / 2 - 1 < from) {
                    continue; // sees the part's start as the signal's
                }
                for (int m = 0; m < MelSpectrogram.MELS; m++) {
                    assertThat(part.get(m, t)).as("mel %d of frame %d from %d", m, part.firstFrame() + t, from)
                            .isEqualTo(whole.get(m, (int) (part.firstFrame() + t)));
                }
            }
        }
    }
}
