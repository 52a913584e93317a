package io.dubstream.job.status;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;

import io.dubstream.connectors.records.ChunkStatus;

/**
 * The chunk state tables of one tracker subtask, counted: chunks by state and clips in progress.
 * The task thread changes the counts, the metric reporters read them from their own threads.
 *
 * <p>The counts live in memory and a subtask starts from none, also after a restore: the tables are in
 * keyed state, which a function reads one key at a time. So the counts know which clips they hold, and
 * the tracker adds a restored clip's table the first time the subtask touches the clip ({@link
 * #includes}); a clip is counted once, and its chunks leave the counts with it.
 */
final class ChunkStateCounts {

    private final AtomicLongArray chunks = new AtomicLongArray(ChunkStatus.State.values().length);
    private final Set<String> clips = ConcurrentHashMap.newKeySet();

    void add(ChunkStatus.State state) {
        chunks.incrementAndGet(state.ordinal());
    }

    void remove(ChunkStatus.State state) {
        chunks.decrementAndGet(state.ordinal());
    }

    long chunks(ChunkStatus.State state) {
        return chunks.get(state.ordinal());
    }

    /** Whether the clip's table is in the counts. */
    boolean includes(String clipId) {
        return clips.contains(clipId);
    }

    /** Counts a clip in progress; its chunks are counted one by one ({@link #add}). */
    void clipStarted(String clipId) {
        if (!clips.add(clipId)) {
            throw new IllegalStateException("clip " + clipId + " is counted already");
        }
    }

    /** Stops counting a clip; its chunks are taken out one by one ({@link #remove}). */
    void clipEnded(String clipId) {
        clips.remove(clipId);
    }

    long clips() {
        return clips.size();
    }
}
