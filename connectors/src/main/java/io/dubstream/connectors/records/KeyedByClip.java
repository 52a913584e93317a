package io.dubstream.connectors.records;

/** The clip id every record type carries: the Kafka key, and the key the job partitions by. */
public abstract class KeyedByClip implements ClipRecord {

    private String clipId;

    protected KeyedByClip() {}

    protected KeyedByClip(String clipId) {
        this.clipId = clipId;
    }

    @Override
    public String getClipId() {
        return clipId;
    }

    public void setClipId(String clipId) {
        this.clipId = clipId;
    }
}
