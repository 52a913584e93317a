package io.dubstream.job.inference;

import java.util.List;

/** The built-in models by name. */
public final class ChunkModels {

    public static final List<String> NAMES = List.of(IdentityModel.NAME, ColourGainModel.NAME);

    private ChunkModels() {}

    /**
     * Opens the model called {@code name}.
     *
     * @param jpegQuality quality of the frames a model re-encodes
     */
    public static ChunkModel open(String name, float jpegQuality) {
        return switch (name) {
            case IdentityModel.NAME -> new IdentityModel();
            case ColourGainModel.NAME -> new ColourGainModel(jpegQuality);
            default -> throw new IllegalArgumentException("unknown model '" + name + "'; built-in models: " + NAMES);
        };
    }
}
