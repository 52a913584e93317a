package io.dubstream.job.inference.dub;

/**
 * Synthesized speech for one line: mono samples in [-1, 1] at the synthesizer's own rate.
 *
 * @param samples the speech, mono
 * @param sampleRate its rate, in Hz
 */
public record Speech(float[] samples, int sampleRate) {

    /** Its length in microseconds. */
    public long micros() {
        return samples.length * 1_000_000L / sampleRate;
    }
}
