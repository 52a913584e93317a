package io.dubstream.job.status;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

import io.dubstream.connectors.records.ChunkStatus;

/**
 * The chunk state tables of one tracker subtask, counted: chunks by state and clips in progress.
 * The task thread changes the counts, the metric reporters read them from their own threads.
 */
final class ChunkStateCounts {

    private final AtomicLongArray chunks = new AtomicLongArray(ChunkStatus.State.values().length);
    private final AtomicLong clips = new AtomicLong();

    void add(ChunkStatus.State state) {
        chunks.incrementAndGet(state.ordinal());
    }

    void remove(ChunkStatus.State state) {
        chunks.decrementAndGet(state.ordinal());
    }

    long chunks(ChunkStatus.State state) {
        return chunks.get(state.ordinal());
    }

    void clipStarted() {
        clips.incrementAndGet();
    }

    void clipEnded() {
        clips.decrementAndGet();
    }

    long clips() {
        return clips.get();
    }
}
