package io.dubstream.job.inference;

import java.io.Serializable;

/** Opens a model on a task manager: the job graph carries the factory, never the model. */
@FunctionalInterface
public interface ChunkModelFactory extends Serializable {

    ChunkModel open() throws Exception;

    /** The built-in model called {@code name} ({@link ChunkModels}). */
    static ChunkModelFactory named(String name, float jpegQuality) {
        ChunkModels.open(name, jpegQuality).name(); // refuse an unknown name when the graph is built
        return () -> ChunkModels.open(name, jpegQuality);
    }
}
