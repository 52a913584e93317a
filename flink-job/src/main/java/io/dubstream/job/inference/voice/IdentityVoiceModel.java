package io.dubstream.job.inference.voice;

/**
 * {@code voice-identity}: returns the audio unchanged. No AI and no DJL: it proves that the voice
 * stage's resampling to the model rate and back, and its conversions, keep the audio and its length.
 * It runs at 24 kHz like the voice models it stands in for, so that the stage resamples.
 */
public final class IdentityVoiceModel implements VoiceModel {

    public static final String NAME = "voice-identity";
    public static final int SAMPLE_RATE = 24_000;

    @Override
    public int sampleRate() {
        return SAMPLE_RATE;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public float[][] process(float[][] batch) {
        float[][] out = new float[batch.length][];
        for (int b = 0; b < batch.length; b++) {
            out[b] = batch[b].clone();
        }
        return out;
    }
}
