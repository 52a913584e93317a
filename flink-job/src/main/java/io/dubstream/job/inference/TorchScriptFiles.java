package io.dubstream.job.inference;

import java.io.IOException;
import java.nio.file.Path;

import ai.djl.Device;
import ai.djl.ModelException;
import ai.djl.ndarray.NDList;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;

/** Loads a TorchScript file into DJL's PyTorch engine, tensors in and out ({@link NDList}). */
public final class TorchScriptFiles {

    private TorchScriptFiles() {}

    /**
     * The model in {@code file} on {@code device}.
     *
     * @param device where it runs; null for DJL's default device (the first GPU, else the CPU)
     * @throws ModelException, IOException or a RuntimeException when PyTorch cannot load it
     */
    public static ZooModel<NDList, NDList> load(Path file, Device device) throws ModelException, IOException {
        return Criteria.builder()
                .setTypes(NDList.class, NDList.class)
                .optModelPath(file.toAbsolutePath())
                .optEngine("PyTorch")
                .optDevice(device)
                .build()
                .loadModel();
    }
}
