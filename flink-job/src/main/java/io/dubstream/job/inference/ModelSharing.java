package io.dubstream.job.inference;

import java.io.Serializable;
import java.util.Objects;

/**
 * Whether the inference subtasks of a TaskManager share one model ({@link SharedModels}), decided on
 * the TaskManager, where the device is known.
 *
 * <p>{@link Mode#AUTO} shares a lip-sync model that runs on a GPU, and nothing on the CPU. On a GPU one
 * model holds its weights once in the device's memory and its one batcher fills larger batches from
 * every subtask's chunks. On the CPU a model per subtask is faster: libtorch's threads of one model
 * meet at the end of every layer, so while decoding and face search take a core the one model stalls,
 * where two models go on in turn (the 90 s face clip's chunked demo on 2 cores: 158 s from upload to
 * download with a model per subtask, 215 s with one shared).
 *
 * @param mode the choice, {@code dubstream.inference.share-model}
 * @param lipSync whether the frame model is a lip-sync model ({@link ChunkModels#isLipSync})
 * @param device the device spec the model runs on ({@link InferenceDevice})
 */
public record ModelSharing(Mode mode, boolean lipSync, String device) implements Serializable {

    /** The choice given to the job. */
    public enum Mode {
        /** A lip-sync model on a GPU is shared; every other model is opened per subtask. */
        AUTO,
        /** One model per TaskManager, shared by its subtasks, wherever it runs. */
        ON,
        /** One model per subtask. */
        OFF
    }

    /** No sharing: a model per subtask. */
    public static final ModelSharing OFF = new ModelSharing(Mode.OFF, false, InferenceDevice.AUTO);

    public ModelSharing {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(device, "device");
    }

    /** Whether the subtasks share a model here, on this TaskManager (AUTO may look for a GPU). */
    public boolean shared() {
        return switch (mode) {
            case ON -> true;
            case OFF -> false;
            case AUTO -> lipSync && InferenceDevice.resolve(device).isGpu();
        };
    }
}
