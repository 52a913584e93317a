package io.dubstream.job.inference.lipsync;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import ai.djl.Device;
import ai.djl.ModelException;
import ai.djl.engine.Engine;
import ai.djl.inference.Predictor;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;

/**
 * A lip-sync model from a TorchScript file ({@code --lipsync-model FILE.pt}), for instance the
 * official Wav2Lip checkpoint exported with {@code docs/export_wav2lip_torchscript.py}.
 *
 * <p>The file's {@code forward} must take Wav2Lip's arguments in Wav2Lip's order,
 * {@code forward(audio_sequences [B, 1, 80, 16], face_sequences [B, 6, 96, 96])}, and return one
 * float tensor {@code [B, 3, 96, 96]}; a result of another shape or type, or with values that are
 * not finite, fails the call with an {@link IllegalStateException} that says what came back.
 * (A {@code torch.save} {@code .pth} checkpoint is not TorchScript and does not load.)
 *
 * <p>Loaded DJL's way: {@link Criteria} with the file, the PyTorch engine and a {@link LipSyncTranslator}
 * ({@code LipSyncBatch} in, mouths out), then a {@link ZooModel} and one {@link Predictor} per instance
 * (per subtask), closed with the model in {@link #close}. The predictor runs the script in inference
 * mode (see {@link LipSyncTranslator}).
 */
public final class TorchScriptLipSyncModel implements LipSyncModel {

    /** Wav2Lip's own default batch size, for a GPU. */
    public static final int DEFAULT_GPU_BATCH_SIZE = 128;
    /** On a CPU a small batch is as fast (see docs/models.md). */
    public static final int DEFAULT_CPU_BATCH_SIZE = 8;

    private final Path file;
    private final String name;
    private final int preferredBatchSize;
    private final ZooModel<LipSyncBatch, float[]> model;
    private final Predictor<LipSyncBatch, float[]> predictor;

    /** Loads {@code file} with the default batch size: Wav2Lip's 128 on a GPU, 8 on a CPU. */
    public TorchScriptLipSyncModel(Path file) {
        this(file, 0);
    }

    /**
     * @param preferredBatchSize the batch size to report, or 0 for the device's default
     * @throws IllegalArgumentException when the file is missing or is not a TorchScript model
     */
    public TorchScriptLipSyncModel(Path file, int preferredBatchSize) {
        this(file, preferredBatchSize, null);
    }

    /** @param device where the model runs; null for DJL's default device (the first GPU, else the CPU) */
    public TorchScriptLipSyncModel(Path file, int preferredBatchSize, Device device) {
        if (preferredBatchSize < 0) {
            throw new IllegalArgumentException("preferred batch size must be positive (or 0: default), was "
                    + preferredBatchSize);
        }
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no lip-sync model file at " + file.toAbsolutePath());
        }
        this.file = file;
        this.name = "torchscript:" + file.getFileName();
        Engine.getEngine("PyTorch");
        try {
            this.model = Criteria.builder()
                    .setTypes(LipSyncBatch.class, float[].class)
                    .optModelPath(file.toAbsolutePath())
                    .optEngine("PyTorch")
                    .optDevice(device)
                    .optTranslator(new LipSyncTranslator(name))
                    .build()
                    .loadModel();
        } catch (ModelException | IOException | RuntimeException e) {
            throw new IllegalArgumentException("cannot load " + file + " as a TorchScript model (a torch.save "
                    + ".pth checkpoint must be exported to TorchScript first, see docs/models.md): "
                    + e.getMessage(), e);
        }
        this.predictor = model.newPredictor();
        boolean gpu = model.getNDManager().getDevice().isGpu();
        this.preferredBatchSize = preferredBatchSize > 0 ? preferredBatchSize
                : gpu ? DEFAULT_GPU_BATCH_SIZE : DEFAULT_CPU_BATCH_SIZE;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Device device() {
        return model.getNDManager().getDevice();
    }

    @Override
    public int preferredBatchSize() {
        return preferredBatchSize;
    }

    @Override
    public float[] predict(float[] mels, float[] faces, int batch) {
        return predict(LipSyncBatch.of(mels, faces, batch));
    }

    @Override
    public float[] predict(LipSyncBatch batch) {
        return LipSyncTranslator.predict(predictor, batch, name);
    }

    /** The TorchScript file. */
    public Path file() {
        return file;
    }

    @Override
    public void close() {
        predictor.close();
        model.close();
    }
}
