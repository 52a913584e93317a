package io.dubstream.job.inference.voice;

import java.nio.file.Path;

import ai.djl.Device;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.TranslateException;

import io.dubstream.job.inference.TorchScriptFiles;

/**
 * A voice model from a TorchScript file, run by DJL's PyTorch engine: {@code forward(audio[B, N]) ->
 * audio[B, N]}, float32 in [-1, 1], at the model's sample rate (VALL-E X class models decode at
 * 24 kHz, the default).
 *
 * <p>The file is loaded once ({@code Criteria -> ZooModel}) with one {@link Predictor} for this
 * instance; {@link #close()} closes both. Each call sends the whole batch as one {@code [B, N]} NDArray
 * and checks that the model returned one float32 array of the same shape with finite values only.
 * Not thread-safe (the Predictor is not): one instance per subtask.
 */
public final class TorchScriptVoiceModel implements VoiceModel {

    public static final int DEFAULT_SAMPLE_RATE = 24_000;

    private final String name;
    private final int sampleRate;
    private final ZooModel<NDList, NDList> model;
    private final Predictor<NDList, NDList> predictor;

    /** Loads {@code file} to run at {@value #DEFAULT_SAMPLE_RATE} Hz. */
    public TorchScriptVoiceModel(Path file) {
        this(file, DEFAULT_SAMPLE_RATE);
    }

    /**
     * @param file a TorchScript file ({@code torch.jit.script} or {@code torch.jit.trace}, then {@code save})
     * @param sampleRate the rate the model takes and returns audio at
     */
    public TorchScriptVoiceModel(Path file, int sampleRate) {
        this(file, sampleRate, null);
    }

    /** @param device where the model runs; null for DJL's default device (the first GPU, else the CPU) */
    public TorchScriptVoiceModel(Path file, int sampleRate, Device device) {
        if (sampleRate <= 0) {
            throw new IllegalArgumentException("sample rate must be positive, got " + sampleRate);
        }
        this.name = file.toString();
        this.sampleRate = sampleRate;
        this.model = TorchScriptFiles.open("voice model", file, device, VoiceModelException::new);
        this.predictor = model.newPredictor();
    }

    @Override
    public int sampleRate() {
        return sampleRate;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public float[][] process(float[][] batch) {
        int b = batch.length;
        if (b == 0) {
            return new float[0][];
        }
        int n = batch[0].length;
        float[] flat = new float[b * n];
        for (int i = 0; i < b; i++) {
            if (batch[i].length != n) {
                throw new IllegalArgumentException("a batch must hold signals of one length, got " + n + " and "
                        + batch[i].length);
            }
            System.arraycopy(batch[i], 0, flat, i * n, n);
        }
        float[] values;
        try (NDManager m = model.getNDManager().newSubManager()) {
            NDList output;
            try {
                output = predictor.predict(new NDList(m.create(flat, new Shape(b, n))));
            } catch (TranslateException | RuntimeException e) {
                throw new VoiceModelException("voice model " + name + " failed on a batch of " + b + " x " + n
                        + " samples: " + TorchScriptFiles.describe(e), e);
            }
            try {
                values = check(output, b, n);
            } finally {
                output.close();
            }
        }
        float[][] out = new float[b][n];
        for (int i = 0; i < b; i++) {
            System.arraycopy(values, i * n, out[i], 0, n);
        }
        VoiceModelException.checkOutput(name, batch, out);
        return out;
    }

    private float[] check(NDList output, int b, int n) {
        if (output.size() != 1) {
            throw new VoiceModelException("voice model " + name + " returned " + output.size()
                    + " tensors; it must return one audio[B, N]");
        }
        NDArray audio = output.singletonOrThrow();
        Shape expected = new Shape(b, n);
        if (!audio.getShape().equals(expected)) {
            throw new VoiceModelException("voice model " + name + " returned shape " + audio.getShape() + " for input "
                    + expected + "; it must keep the shape");
        }
        if (audio.getDataType() != DataType.FLOAT32) {
            throw new VoiceModelException("voice model " + name + " returned " + audio.getDataType()
                    + " audio; it must return float32");
        }
        return audio.toFloatArray();
    }

    @Override
    public void close() {
        predictor.close();
        model.close();
    }

    @Override
    public String toString() {
        return "TorchScriptVoiceModel{" + name + " at " + sampleRate + " Hz}";
    }
}
