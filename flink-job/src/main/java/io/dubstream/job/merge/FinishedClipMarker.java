package io.dubstream.job.merge;

import java.time.Duration;

import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;

/**
 * The marker that a keyed operator keeps for a clip that has finished, so that the clip's records
 * still arriving (chunks in flight behind a failure) are dropped instead of starting it again: one
 * boolean per clip with a time-to-live of {@link #TTL} in processing time, cleaned up incrementally
 * and on full snapshots. A record arriving after the marker has expired would start the clip again,
 * so the time-to-live must exceed any delay between a clip's records.
 */
public final class FinishedClipMarker {

    /** How long a finished clip's marker keeps dropping its late records. */
    public static final Duration TTL = Duration.ofHours(24);

    private FinishedClipMarker() {}

    /** A new descriptor of the marker state (one per operator instance: descriptors are not shared). */
    public static ValueStateDescriptor<Boolean> descriptor() {
        ValueStateDescriptor<Boolean> descriptor = new ValueStateDescriptor<>("finished", Types.BOOLEAN);
        descriptor.enableTimeToLive(StateTtlConfig.newBuilder(TTL)
                .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                // records of a finished clip are few: checking a few markers per record costs nothing
                .cleanupIncrementally(10, true)
                .cleanupFullSnapshot()
                .build());
        return descriptor;
    }
}
