package io.dubstream.job.inference.lipsync;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.Initializer;

/**
 * {@code wav2lip-reference}: the published Wav2Lip generator's architecture with UNTRAINED, seeded
 * weights. Its mouths are meaningless (a smooth grey-ish blur, nothing like a mouth); it exists so
 * that the pipeline runs the real model's computation, with its throughput and memory, before a
 * trained checkpoint is plugged in (through {@link TorchScriptLipSyncModel}).
 *
 * <p>Built from DJL Blocks ({@link Wav2LipGenerator}); the weights are generated in Java from a
 * fixed seed, so the same seed gives bit-identical outputs (on the same machine, at the same batch
 * size). Inference mode:
 * BatchNorm uses its running statistics (the {@link Predictor} runs the block with {@code training =
 * false}), no gradients are recorded (the parameters are frozen and the inputs need none, so libtorch
 * builds no graph) and every intermediate is freed during the forward pass. Batches go in through a
 * {@link LipSyncTranslator} given to the model's predictor, straight from the {@link LipSyncBatch}'s buffers.
 */
public final class Wav2LipReference implements LipSyncModel {

    public static final String NAME = "wav2lip-reference";
    public static final long DEFAULT_SEED = 96_96_80_16L;
    /** Trainable parameters (convolution weights and biases, BatchNorm scales and shifts), as PyTorch counts them. */
    public static final long PARAMETERS = 36_298_035L;
    /** BatchNorm running means and variances (buffers in PyTorch, parameters in DJL). */
    public static final long RUNNING_STATISTICS = 22_752L;
    /** Best measured on 2 CPU cores (see docs/models.md). */
    public static final int CPU_BATCH_SIZE = 8;
    /** Wav2Lip's own default on a GPU. */
    public static final int GPU_BATCH_SIZE = 128;

    private final Model model;
    private final Predictor<LipSyncBatch, float[]> predictor;

    /** The reference model with {@link #DEFAULT_SEED}. */
    public Wav2LipReference() {
        this(DEFAULT_SEED);
    }

    public Wav2LipReference(long seed) {
        this(seed, true, null);
    }

    /** The reference model with {@link #DEFAULT_SEED} on {@code device} (null: DJL's default device). */
    public Wav2LipReference(Device device) {
        this(DEFAULT_SEED, true, device);
    }

    /** @param releaseIntermediates false only to measure the memory that freeing intermediates saves */
    Wav2LipReference(long seed, boolean releaseIntermediates) {
        this(seed, releaseIntermediates, null);
    }

    private Wav2LipReference(long seed, boolean releaseIntermediates, Device device) {
        Engine engine = Engine.getEngine("PyTorch");
        Model created = device == null ? Model.newInstance(NAME, engine.getEngineName())
                : Model.newInstance(NAME, device, engine.getEngineName());
        try {
            Wav2LipGenerator generator = new Wav2LipGenerator(releaseIntermediates);
            generator.setInitializer(Initializer.ZEROS, Parameter.Type.WEIGHT);
            generator.initialize(created.getNDManager(), DataType.FLOAT32, LipSyncTensors.mels(1),
                    LipSyncTensors.faces(1));
            generator.initializeUntrained(seed);
            generator.freezeParameters(true);
            created.setBlock(generator);
            this.predictor = created.newPredictor(new LipSyncTranslator(NAME));
        } catch (RuntimeException e) {
            created.close();
            throw e;
        }
        this.model = created;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Device device() {
        return model.getNDManager().getDevice();
    }

    @Override
    public int preferredBatchSize() {
        return model.getNDManager().getDevice().isGpu() ? GPU_BATCH_SIZE : CPU_BATCH_SIZE;
    }

    @Override
    public float[] predict(float[] mels, float[] faces, int batch) {
        return predict(LipSyncBatch.of(mels, faces, batch));
    }

    @Override
    public float[] predict(LipSyncBatch batch) {
        return LipSyncTranslator.predict(predictor, batch, NAME);
    }

    /** The generator, for tests. */
    Wav2LipGenerator generator() {
        return (Wav2LipGenerator) model.getBlock();
    }

    @Override
    public void close() {
        predictor.close();
        model.close();
    }
}
