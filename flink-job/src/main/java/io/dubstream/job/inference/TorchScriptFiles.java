package io.dubstream.job.inference;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BiFunction;

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

    /**
     * {@link #load} for a model of a kind that messages name ({@code "voice model"}): a missing file is an
     * {@code IllegalArgumentException} ("KIND file F does not exist or is not a file"), a file that does
     * not load is the kind's own exception, made by {@code failure} from the message ("KIND F could not
     * be loaded: why") and the cause.
     */
    public static <E extends Exception> ZooModel<NDList, NDList> open(String kind, Path file, Device device,
            BiFunction<String, Exception, E> failure) throws E {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(kind + " file " + file + " does not exist or is not a file");
        }
        try {
            return load(file, device);
        } catch (ModelException | IOException | RuntimeException e) {
            throw failure.apply(kind + " " + file + " could not be loaded: " + describe(e), e);
        }
    }

    /** What went wrong, for a message: the first message in the cause chain, else the class's name. */
    public static String describe(Throwable e) {
        Throwable root = e;
        while (root.getMessage() == null && root.getCause() != null) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
