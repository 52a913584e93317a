package io.dubstream.job.status;

import io.dubstream.connectors.records.ChunkStatus;

/**
 * What the chunk state table knows about a clip as a whole: its chunk count, once the last chunk has
 * been cut, its processing mode, when the job reports one, and when its next heartbeat is due.
 *
 * <p>A Flink POJO (tested), never Kryo.
 */
public class ClipEntry {

    private int chunkCount = ChunkStatus.UNKNOWN_COUNT;
    private String clipMode = "";
    /** When the clip's next heartbeat is due (processing time, ms); 0 when none is set. */
    private long heartbeatAtMillis;

    public ClipEntry() {}

    /** Learns what {@code change} tells about the clip; returns it with what is known filled in. */
    ChunkStatus learnFrom(ChunkStatus change) {
        if (change.hasChunkCount()) {
            chunkCount = change.getChunkCount();
        }
        if (!change.getClipMode().isEmpty()) {
            clipMode = change.getClipMode();
        }
        return change.withChunkCount(chunkCount).withClipMode(clipMode);
    }

    public int getChunkCount() {
        return chunkCount;
    }

    public void setChunkCount(int chunkCount) {
        this.chunkCount = chunkCount;
    }

    public String getClipMode() {
        return clipMode;
    }

    public void setClipMode(String clipMode) {
        this.clipMode = clipMode;
    }

    public long getHeartbeatAtMillis() {
        return heartbeatAtMillis;
    }

    public void setHeartbeatAtMillis(long heartbeatAtMillis) {
        this.heartbeatAtMillis = heartbeatAtMillis;
    }
}
