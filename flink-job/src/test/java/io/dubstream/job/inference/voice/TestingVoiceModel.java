package io.dubstream.job.inference.voice;

import java.util.function.UnaryOperator;

/** A hand-written voice model for tests: a function of the batch, at a chosen rate, counting calls. */
final class TestingVoiceModel implements VoiceModel {

    private final int sampleRate;
    private final UnaryOperator<float[][]> function;
    int calls;
    int lastBatchSize;
    int lastLength;
    boolean closed;

    TestingVoiceModel(int sampleRate, UnaryOperator<float[][]> function) {
        this.sampleRate = sampleRate;
        this.function = function;
    }

    /** Every sample times {@code gain}. */
    static TestingVoiceModel gain(int sampleRate, float gain) {
        return new TestingVoiceModel(sampleRate, batch -> {
            float[][] out = new float[batch.length][];
            for (int b = 0; b < batch.length; b++) {
                out[b] = new float[batch[b].length];
                for (int i = 0; i < out[b].length; i++) {
                    out[b][i] = batch[b][i] * gain;
                }
            }
            return out;
        });
    }

    @Override
    public int sampleRate() {
        return sampleRate;
    }

    @Override
    public String name() {
        return "testing-voice";
    }

    @Override
    public float[][] process(float[][] batch) {
        calls++;
        lastBatchSize = batch.length;
        lastLength = batch.length == 0 ? 0 : batch[0].length;
        return function.apply(batch);
    }

    @Override
    public void close() {
        closed = true;
    }
}
