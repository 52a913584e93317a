package io.dubstream.job.inference;

import io.dubstream.job.records.Chunk;

/** {@code identity}: returns every chunk unchanged. No AI: it proves that chunking and merging are exact. */
public final class IdentityModel implements ChunkModel {

    public static final String NAME = "identity";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Chunk process(Chunk chunk) {
        return chunk;
    }
}
