package io.dubstream.job.inference.lipsync;

import static io.dubstream.job.inference.lipsync.LipSyncModel.MOUTH_FLOATS;

import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslateException;
import ai.djl.translate.TranslatorContext;

/**
 * The lip-sync contract's tensors, DJL's way: a {@link LipSyncBatch} in, Wav2Lip's
 * {@code (audio_sequences [B, 1, 80, 16], face_sequences [B, 6, 96, 96])} to the model, its
 * {@code [B, 3, 96, 96]} mouths out as one flat array.
 *
 * <p>A {@link NoBatchifyTranslator}: the model's input already is a batch, held in one direct buffer per
 * tensor that the frames were written into ({@link LipSyncBatch}); the tensors are made from those
 * buffers as they are ({@link NDManager#create(java.nio.Buffer, Shape, DataType)} takes a direct buffer
 * without a copy on a CPU). A {@code Batchifier} would instead take one input per frame and stack their
 * tensors, a copy of every frame's 221 KB face input per batch, which is what this avoids. The tensors
 * belong to the predictor's context and are released when {@code predict} returns.
 *
 * <p>Inference mode comes with the {@code Predictor}: it runs the block with {@code training = false},
 * which for a TorchScript model means libtorch's {@code InferenceMode} during the forward pass (DJL's
 * PyTorch engine sets it around every non-training forward) and {@code eval()} at load; a Block-built
 * model whose parameters are frozen records no graph. No engine-internal call is needed.
 *
 * <p>The output is checked: one float32 tensor {@code [B, 3, 96, 96]} with finite values, else an
 * {@link IllegalStateException} naming the model, what came back and the frame.
 */
final class LipSyncTranslator implements NoBatchifyTranslator<LipSyncBatch, float[]> {

    private final String modelName;

    LipSyncTranslator(String modelName) {
        this.modelName = modelName;
    }

    @Override
    public NDList processInput(TranslatorContext ctx, LipSyncBatch batch) {
        NDManager manager = ctx.getNDManager();
        int n = batch.size();
        ctx.setAttachment("batch", n);
        NDArray mels = manager.create(batch.melBytes(), LipSyncTensors.mels(n), DataType.FLOAT32);
        NDArray faces = manager.create(batch.faceBytes(), LipSyncTensors.faces(n), DataType.FLOAT32);
        return new NDList(mels, faces);
    }

    @Override
    public float[] processOutput(TranslatorContext ctx, NDList outputs) {
        int batch = (Integer) ctx.getAttachment("batch");
        Shape expected = LipSyncTensors.mouths(batch);
        if (outputs.size() != 1) {
            throw new IllegalStateException(modelName + " returned " + outputs.size() + " tensors, expected one "
                    + expected);
        }
        NDArray mouths = outputs.get(0);
        if (!mouths.getShape().equals(expected) || mouths.getDataType() != DataType.FLOAT32) {
            throw new IllegalStateException(modelName + " returned " + mouths.getDataType() + " " + mouths.getShape()
                    + " for a batch of " + batch + ", expected float32 " + expected);
        }
        float[] values = mouths.toFloatArray();
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                throw new IllegalStateException(modelName + " returned a value that is not finite (" + values[i]
                        + ") in frame " + i / MOUTH_FLOATS + " of a batch of " + batch);
            }
        }
        return values;
    }

    /**
     * Runs {@code predictor} on {@code batch}: a failure of the model or of its output's checks is an
     * {@link IllegalStateException} that names the model.
     */
    static float[] predict(Predictor<LipSyncBatch, float[]> predictor, LipSyncBatch batch, String name) {
        try {
            return predictor.predict(batch);
        } catch (TranslateException e) {
            if (e.getCause() instanceof IllegalStateException checked) {
                throw checked;
            }
            throw new IllegalStateException(name + " failed on a batch of " + batch.size() + ": " + e.getMessage(), e);
        }
    }
}
