package io.dubstream.job.merge;

import java.time.Duration;

import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;

/**
 * The marker that a keyed operator keeps for a clip that has finished, so that the clip's records
 * still arriving (chunks in flight behind a failure, anything a straggling input record caused) are
 * dropped instead of starting it again and giving it a second outcome: one boolean per clip with a
 * time-to-live in processing time, cleaned up incrementally and on full snapshots.
 *
 * <p>The time-to-live is {@code dubstream.clip.finished-retention}, the one setting by which the
 * assembler keeps its own marker too, so that the operators forget a clip together. Its users write
 * the marker again with every record they drop, so that, like the assembler's, it lasts the retention
 * after the last record of the clip. A record arriving after the marker has expired would start the
 * clip again, so the retention must exceed any delay between a clip's records.
 */
public final class FinishedClipMarker {

    private FinishedClipMarker() {}

    /**
     * A new descriptor of the marker state (one per operator instance: descriptors are not shared).
     *
     * @param retention how long the marker lives after it was last written; positive
     */
    public static ValueStateDescriptor<Boolean> descriptor(Duration retention) {
        if (retention.toMillis() <= 0) {
            throw new IllegalArgumentException("finished-clip retention must be positive, got " + retention);
        }
        ValueStateDescriptor<Boolean> descriptor = new ValueStateDescriptor<>("finished", Types.BOOLEAN);
        descriptor.enableTimeToLive(StateTtlConfig.newBuilder(retention)
                .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                // records of a finished clip are few: checking a few markers per record costs nothing
                .cleanupIncrementally(10, true)
                .cleanupFullSnapshot()
                .build());
        return descriptor;
    }
}
