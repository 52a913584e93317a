package io.dubstream.connectors.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ShortBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TransportAudioTest {

    @BeforeAll
    static void loadFFmpeg() throws MediaException {
        FFmpegRuntime.ensureLoaded();
    }

    /** Feeds {@code seconds} of a 44.1 kHz tone in AAC-sized frames of 1024 samples. */
    static long feed(TransportAudio audio, double seconds, int channels) throws MediaException {
        ToneSignal tone = new ToneSignal(44_100, channels);
        long total = Math.round(seconds * 44_100);
        long delivered = 0;
        for (long first = 0; first < total; first += 1024) {
            short[] frame = tone.samples(first, (int) Math.min(1024, total - first));
            delivered += audio.accept(ShortBuffer.wrap(frame), 44_100).length / channels;
        }
        return delivered;
    }

    @Test
    void flushingTheResamplerDeliversTheFullLength() throws MediaException {
        try (TransportAudio audio = new TransportAudio(16_000, 1, Long.MAX_VALUE)) {
            long beforeFlush = feed(audio, 3.0, 1);
            long tail = audio.finish().length;

            // the filter holds back about 16 samples, which JavaCV's own resampling loses
            assertThat(48_000 - beforeFlush).isBetween(5L, 40L);
            assertThat(beforeFlush + tail).isEqualTo(48_000);
        }
    }

    @Test
    void cutsTheCodecPaddingToTheDeclaredLength() throws MediaException {
        try (TransportAudio audio = new TransportAudio(16_000, 2, 16_000)) {
            long delivered = feed(audio, 1.03, 2) + audio.finish().length / 2;
            assertThat(delivered).isEqualTo(16_000);
            assertThat(audio.delivered()).isEqualTo(16_000);
        }
    }

    @Test
    void passesTheTransportRateThrough() throws MediaException {
        try (TransportAudio audio = new TransportAudio(44_100, 1, Long.MAX_VALUE)) {
            short[] frame = new ToneSignal(44_100, 1).samples(1000, 1024);
            assertThat(audio.accept(ShortBuffer.wrap(frame), 44_100)).isEqualTo(frame);
            assertThat(audio.finish()).isEmpty();
        }
    }

    @Test
    void dropsWhatPlaysBeforeTheFirstFrame() throws MediaException {
        ToneSignal tone = new ToneSignal(44_100, 1);
        try (TransportAudio audio = new TransportAudio(44_100, 1, 3000, 1500)) {
            assertThat(audio.accept(ShortBuffer.wrap(tone.samples(0, 1024)), 44_100)).isEmpty();
            assertThat(audio.accept(ShortBuffer.wrap(tone.samples(1024, 1024)), 44_100))
                    .isEqualTo(tone.samples(1500, 548));
            // the declared length counts from the stream's start: 3000 - 2048 more, 952
            assertThat(audio.accept(ShortBuffer.wrap(tone.samples(2048, 1024)), 44_100))
                    .isEqualTo(tone.samples(2048, 952));
            assertThat(audio.delivered()).isEqualTo(1500);
        }
    }

    @Test
    void resampledToneKeepsItsLevel() throws MediaException {
        try (AudioResampler resampler = new AudioResampler(44_100, 16_000, 1)) {
            short[] in = new ToneSignal(44_100, 1).samples(10_000, 20_000);
            short[] out = resampler.convert(in, in.length);
            int peak = 0;
            for (short s : out) {
                peak = Math.max(peak, Math.abs(s));
            }
            assertThat(peak).isBetween(9_400, 10_200);
        }
    }
}
