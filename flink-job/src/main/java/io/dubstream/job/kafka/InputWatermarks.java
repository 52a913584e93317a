package io.dubstream.job.kafka;

import java.time.Duration;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;

import io.dubstream.job.DubstreamOptions;
import io.dubstream.job.records.ClipEvent;

/**
 * The input's time, which the assembler's idle timeout runs on: every record keeps its Kafka
 * timestamp (when the uploader, or with {@code LogAppendTime} the broker, wrote it), and each input
 * partition's watermark follows the timestamps read from it. The watermark the assembler sees is the
 * least over the partitions it reads, so it moves only as far as the input has really been read:
 * not while the job is down, nor faster than a backlog is worked off.
 *
 * <p>A partition with nothing to read would hold the watermark back for ever, so it counts as idle
 * once it has given no record for a tenth of the idle timeout (by the source's input-activity clock,
 * which Flink stops while the source is backpressured), and holds nothing back until it has records
 * again. A clip whose upload stops therefore times out at most a tenth late.
 */
public final class InputWatermarks {

    /** An input partition counts as idle after a tenth of the idle timeout without a record. */
    static final int IDLENESS_PER_TIMEOUT = 10;

    private InputWatermarks() {}

    /** The watermarks of the job's Kafka source, for the idle timeout of {@code conf}. */
    public static WatermarkStrategy<ClipEvent> of(Configuration conf) {
        return forIdleTimeout(conf.get(DubstreamOptions.CLIP_IDLE_TIMEOUT));
    }

    /** Watermarks that follow the records' timestamps, with partitions idle after a tenth of {@code idleTimeout}. */
    public static WatermarkStrategy<ClipEvent> forIdleTimeout(Duration idleTimeout) {
        Duration idleness = idleTimeout.dividedBy(IDLENESS_PER_TIMEOUT);
        if (idleness.toMillis() < 1) {
            idleness = Duration.ofMillis(1);
        }
        return WatermarkStrategy.<ClipEvent>forMonotonousTimestamps().withIdleness(idleness);
    }
}
