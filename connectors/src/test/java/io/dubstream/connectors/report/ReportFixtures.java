package io.dubstream.connectors.report;

import java.util.ArrayList;
import java.util.List;

import io.dubstream.connectors.records.ChunkStatus;
import io.dubstream.connectors.records.ChunkStatus.State;
import io.dubstream.connectors.records.ClipRecord;
import io.dubstream.connectors.records.ClipStatus;

/** Status records of two clips as the job publishes them, at named times, for the report's tests. */
public final class ReportFixtures {

    /** The first record of each clip. */
    public static final long T0 = 1_767_000_000_000L;

    private ReportFixtures() {}

    /**
     * A clip of two 10 s chunks that completes: chunk 0's first attempt fails and is retried after a
     * backoff, chunk 1 waits with one heartbeat, then both are done and merged.
     */
    public static List<ClipRecord> completedWithRetry(String clipId) {
        List<ClipRecord> r = new ArrayList<>();
        r.add(chunk(clipId, 0, State.PENDING, 0, "", 0).withCore(0, 10_000_000, "silence"));
        r.add(chunk(clipId, 0, State.RUNNING, 1, "", 500));
        r.add(chunk(clipId, 0, State.RETRIED, 1, "injected fault on attempt 1", 1_000));
        r.add(chunk(clipId, 0, State.RUNNING, 2, "", 2_000));
        r.add(chunk(clipId, 0, State.DONE, 2, "", 3_000));
        r.add(chunk(clipId, 1, State.PENDING, 0, "", 1_500).withChunkCount(2).withCore(10_000_000, 20_000_000, "end"));
        r.add(chunk(clipId, 1, State.PENDING, 0, "", 2_500).withChunkCount(2)); // a heartbeat
        r.add(chunk(clipId, 0, State.MERGED, 2, "", 3_200).withChunkCount(2));
        r.add(chunk(clipId, 1, State.RUNNING, 1, "", 3_000).withChunkCount(2));
        r.add(chunk(clipId, 1, State.DONE, 1, "", 4_000).withChunkCount(2));
        r.add(chunk(clipId, 1, State.MERGED, 1, "", 4_100).withChunkCount(2));
        r.add(new ClipStatus(clipId, ClipStatus.Outcome.COMPLETED, 2, 1, "", T0 + 4_200));
        return r;
    }

    /**
     * A clip of three chunks that fails: chunk 0 is merged, chunk 1 fails both its attempts, chunk 2
     * was cut and never ran.
     */
    public static List<ClipRecord> failed(String clipId, String error) {
        List<ClipRecord> r = new ArrayList<>();
        r.add(chunk(clipId, 0, State.PENDING, 0, "", 0));
        r.add(chunk(clipId, 0, State.RUNNING, 1, "", 100));
        r.add(chunk(clipId, 0, State.DONE, 1, "", 900));
        r.add(chunk(clipId, 0, State.MERGED, 1, "", 1_000));
        r.add(chunk(clipId, 1, State.PENDING, 0, "", 600));
        r.add(chunk(clipId, 2, State.PENDING, 0, "", 1_200).withChunkCount(3));
        r.add(chunk(clipId, 1, State.RUNNING, 1, "", 1_000).withChunkCount(3));
        r.add(chunk(clipId, 1, State.RETRIED, 1, error, 1_500).withChunkCount(3));
        r.add(chunk(clipId, 1, State.RUNNING, 2, "", 2_500).withChunkCount(3));
        r.add(chunk(clipId, 1, State.FAILED, 2, error, 3_000).withChunkCount(3));
        r.add(new ClipStatus(clipId, ClipStatus.Outcome.FAILED, 1, 1,
                "model colour-gain failed on chunk 1 after 2 attempts: " + error, T0 + 3_000));
        return r;
    }

    static ChunkStatus chunk(String clipId, int index, State state, int attempt, String error, long afterT0) {
        return new ChunkStatus(clipId, index, ChunkStatus.UNKNOWN_COUNT, state, attempt, error, T0 + afterT0,
                "chunked");
    }
}
