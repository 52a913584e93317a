package io.dubstream.job.status;

import java.time.Duration;
import java.util.Objects;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import io.dubstream.connectors.records.ChunkStatus;
import io.dubstream.connectors.records.ClipStatus;
import io.dubstream.job.merge.FinishedClipMarker;
import io.dubstream.job.records.ClipEvent;

/**
 * Keeps the chunk state table of every clip in progress and publishes it: one status record per
 * change of a chunk's state, the clip's {@link ClipStatus} last, and Flink metrics. Keyed by clip id.
 *
 * <h2>Input</h2>
 * {@link ChunkStatus} changes from two places: PENDING from the assembler's output
 * ({@link PendingChunkReporter}) and, from the merger, each chunk's inference attempts (RUNNING,
 * RETRIED, FAILED, DONE, read from the attempt history the chunk carries when inference is done with
 * it), MERGED, and the clip's outcome as a {@link ClipStatus}. The merger's reports of a clip come
 * in order (one keyed subtask, one channel); a PENDING report travels another way and may, rarely,
 * arrive after the chunk's first inference report. Then the tracker reports the chunk PENDING
 * itself, at the time of that first report, and drops the late one: so every chunk's records read
 * PENDING, RUNNING, ... in order.
 *
 * <h2>Table</h2>
 * Per clip a {@code MapState<Integer, ChunkEntry>} (chunk index to state, attempt, retries, last
 * error, times) and a {@link ClipEntry} (chunk count once known, clip mode). The records published
 * carry the chunk count from the moment the last chunk is known. When the clip's outcome arrives it
 * is published with the retries of all its chunks, and the clip's table is cleared; a
 * {@link FinishedClipMarker} then drops the changes still arriving for it (inference of chunks behind
 * a failure) for the finished retention after the last of them, so the {@link ClipStatus} stays the
 * clip's last status record.
 *
 * <h2>Heartbeats</h2>
 * A chunk's inference is reported only when it is done with the chunk, so a chunk that runs for
 * minutes (a long clip run whole, a slow machine) would leave its clip without a status record all
 * that time, and readers that judge a clip alive by its records (the download, {@code dubstream
 * status}) would give up on a clip the job is working on. So every heartbeat interval, while a clip
 * has a chunk still PENDING (cut, inference not finished), its lowest such chunk is reported again:
 * the same state and attempt, at the heartbeat's time. A record that repeats its chunk's previous
 * state and attempt is such a heartbeat ({@link ChunkStatus#repeats}); no change of state ever does.
 * One processing-time timer per clip in progress, deleted with the clip's table; a clip whose chunks
 * are all done waits for its upload, not for the job, and gets no heartbeat. The heartbeat stops
 * when the job does, and a chunk that hangs in inference gets them at most until the inference
 * timeout fails it.
 *
 * <h2>Metrics</h2>
 * Gauges of the tables of this subtask: {@value #CHUNKS_PENDING} (cut, inference not finished),
 * {@value #CHUNKS_DONE} (inferred, not merged yet), {@value #CHUNKS_FAILED}, {@value #CHUNKS_MERGED}
 * (chunks of clips in progress), {@value #CLIPS_IN_PROGRESS}. Counters {@value #RETRIES},
 * {@value #CHUNK_FAILURES} (chunks that failed every attempt), {@value #CLIPS_COMPLETED},
 * {@value #CLIPS_FAILED}, {@value #LATE_CHANGES}, {@value #HEARTBEATS}. Histogram
 * {@value #INFERENCE_LATENCY}: the length of every attempt. RUNNING and RETRIED chunks are not gauged here: inference reports a chunk's attempts
 * when it is done with them, so the table passes through those states at once;
 * {@code ChunkInference} gauges the attempts running and the chunks waiting to retry as they happen.
 *
 * <h3>The gauges after a restore</h3>
 * The counts live in memory, the tables in keyed state, which a function reads one clip at a time: a
 * restored subtask starts its gauges from zero and adds a restored clip's table the first time it
 * touches the clip, on a record of the clip or on the clip's heartbeat timer ({@link ChunkStateCounts}).
 * Every clip in progress has a heartbeat timer, and a timer that came due during the downtime fires
 * right after the restore, so with heartbeats on the gauges count every restored clip within one
 * heartbeat interval of the restore, and until then the restored clips touched so far: low, never
 * high. With heartbeats off, and for state from before heartbeats existed, a restored clip is counted
 * at its next status record. Each clip's table moves with its key, so this holds after a restore at
 * another parallelism too: the subtask that gets a clip counts it. Counters and the histogram start
 * from zero on every start, as Flink's do.
 */
public class ChunkStateTracker extends KeyedProcessFunction<String, ClipEvent, ClipEvent> {

    private static final long serialVersionUID = 1L;

    public static final String CHUNKS_PENDING = "chunksPending";
    public static final String CHUNKS_DONE = "chunksDone";
    public static final String CHUNKS_FAILED = "chunksFailed";
    public static final String CHUNKS_MERGED = "chunksMerged";
    public static final String CLIPS_IN_PROGRESS = "clipsInProgress";
    public static final String RETRIES = "retries";
    public static final String CHUNK_FAILURES = "chunkFailures";
    public static final String CLIPS_COMPLETED = "clipsCompleted";
    public static final String CLIPS_FAILED = "clipsFailed";
    public static final String LATE_CHANGES = "lateStatusDropped";
    public static final String INFERENCE_LATENCY = "inferenceLatencyMillis";
    public static final String HEARTBEATS = "statusHeartbeats";

    /** Attempts the latency histogram keeps its statistics over. */
    static final int LATENCY_WINDOW = 1000;

    private final long heartbeatMillis;

    private transient MapState<Integer, ChunkEntry> table;
    private transient ValueState<ClipEntry> clip;
    private transient ValueState<Boolean> finished;

    private transient ChunkStateCounts counts;
    private transient Counter retries;
    private transient Counter chunkFailures;
    private transient Counter clipsCompleted;
    private transient Counter clipsFailed;
    private transient Counter lateChanges;
    private transient Counter heartbeats;
    private transient Histogram inferenceLatency;

    private final Duration finishedRetention;

    /**
     * @param finishedRetention how long a finished clip's marker lasts after its last status record
     * @param heartbeatInterval how often a clip's lowest pending chunk is reported again; 0: never
     */
    public ChunkStateTracker(Duration finishedRetention, Duration heartbeatInterval) {
        this.finishedRetention = Objects.requireNonNull(finishedRetention);
        if (heartbeatInterval.isNegative()) {
            throw new IllegalArgumentException("the heartbeat interval must not be negative, got "
                    + heartbeatInterval);
        }
        this.heartbeatMillis = heartbeatInterval.toMillis();
    }

    @Override
    public void open(OpenContext openContext) {
        table = getRuntimeContext().getMapState(
                new MapStateDescriptor<>("chunk-table", Types.INT, TypeInformation.of(ChunkEntry.class)));
        clip = getRuntimeContext().getState(new ValueStateDescriptor<>("clip", TypeInformation.of(ClipEntry.class)));
        finished = getRuntimeContext().getState(FinishedClipMarker.descriptor(finishedRetention));

        counts = new ChunkStateCounts();
        MetricGroup metrics = getRuntimeContext().getMetricGroup();
        metrics.gauge(CHUNKS_PENDING, (Gauge<Long>) () -> counts.chunks(ChunkStatus.State.PENDING));
        metrics.gauge(CHUNKS_DONE, (Gauge<Long>) () -> counts.chunks(ChunkStatus.State.DONE));
        metrics.gauge(CHUNKS_FAILED, (Gauge<Long>) () -> counts.chunks(ChunkStatus.State.FAILED));
        metrics.gauge(CHUNKS_MERGED, (Gauge<Long>) () -> counts.chunks(ChunkStatus.State.MERGED));
        metrics.gauge(CLIPS_IN_PROGRESS, (Gauge<Long>) counts::clips);
        retries = metrics.counter(RETRIES);
        chunkFailures = metrics.counter(CHUNK_FAILURES);
        clipsCompleted = metrics.counter(CLIPS_COMPLETED);
        clipsFailed = metrics.counter(CLIPS_FAILED);
        lateChanges = metrics.counter(LATE_CHANGES);
        heartbeats = metrics.counter(HEARTBEATS);
        inferenceLatency = metrics.histogram(INFERENCE_LATENCY, new DescriptiveStatisticsHistogram(LATENCY_WINDOW));
    }

    @Override
    public void processElement(ClipEvent event, Context ctx, Collector<ClipEvent> out) throws Exception {
        countIfRestored(ctx.getCurrentKey());
        if (event.getChunkStatus() != null) {
            onChange(ctx.getCurrentKey(), event.getChunkStatus(), ctx.timerService(), out);
        } else if (event.getClipStatus() != null) {
            onClipEnd(ctx.getCurrentKey(), event.getClipStatus(), ctx.timerService(), out);
        } else {
            throw new IllegalArgumentException("the chunk state tracker takes status records only, got " + event);
        }
    }

    /**
     * Adds the clip's table to the gauges if the clip has one that they do not count yet: a table
     * restored from a checkpoint, touched for the first time since.
     */
    private void countIfRestored(String clipId) throws Exception {
        if (counts.includes(clipId) || clip.value() == null) {
            return;
        }
        counts.clipStarted(clipId);
        for (ChunkEntry entry : table.values()) {
            counts.add(entry.getState());
        }
    }

    private void onChange(String clipId, ChunkStatus change, TimerService timers, Collector<ClipEvent> out) throws Exception {
        if (finished.value() != null) {
            dropLate();
            return;
        }
        ClipEntry c = clip.value();
        if (c == null) {
            c = new ClipEntry();
            counts.clipStarted(clipId);
        }
        if (heartbeatMillis > 0 && c.getHeartbeatAtMillis() == 0) {
            scheduleHeartbeat(c, timers.currentProcessingTime() + heartbeatMillis, timers);
        }
        int index = change.getChunkIndex();
        ChunkEntry entry = table.get(index);
        if (change.getState() == ChunkStatus.State.PENDING) {
            if (entry != null) {
                // its inference was reported first, and the chunk with it as PENDING
                lateChanges.inc();
                return;
            }
            entry = ChunkEntry.pending(change.getAtMillis());
            counts.add(ChunkStatus.State.PENDING);
            publish(c, change, out);
        } else {
            if (entry == null) {
                entry = ChunkEntry.pending(change.getAtMillis());
                counts.add(ChunkStatus.State.PENDING);
                publish(c, ChunkStatus.of(change.getClipId(), index, ChunkStatus.State.PENDING, 0,
                        change.getAtMillis()).withCore(change.getCoreStartMicros(), change.getCoreEndMicros(),
                        change.getCut()), out);
            }
            counts.remove(entry.getState());
            apply(entry, change);
            counts.add(entry.getState());
            publish(c, change, out);
        }
        table.put(index, entry);
        clip.update(c);
    }

    private void apply(ChunkEntry entry, ChunkStatus change) {
        long at = change.getAtMillis();
        switch (change.getState()) {
            case RUNNING -> entry.setAttemptStartedAtMillis(at);
            case RETRIED -> {
                entry.setRetries(entry.getRetries() + 1);
                entry.setLastError(change.getError());
                retries.inc();
                attemptEnded(entry, at);
            }
            case FAILED -> {
                entry.setLastError(change.getError());
                entry.setFinishedAtMillis(at);
                chunkFailures.inc();
                attemptEnded(entry, at);
            }
            case DONE -> {
                entry.setFinishedAtMillis(at);
                attemptEnded(entry, at);
            }
            case MERGED -> entry.setMergedAtMillis(at);
            case PENDING -> throw new IllegalStateException("PENDING is not applied to a chunk that has an entry");
        }
        entry.setState(change.getState());
        entry.setAttempt(change.getAttempt());
    }

    private void attemptEnded(ChunkEntry entry, long at) {
        if (entry.getAttemptStartedAtMillis() > 0) {
            inferenceLatency.update(Math.max(0, at - entry.getAttemptStartedAtMillis()));
        }
    }

    private static void publish(ClipEntry c, ChunkStatus change, Collector<ClipEvent> out) {
        out.collect(ClipEvent.of(c.learnFrom(change)));
    }

    /**
     * Reports the clip's lowest chunk still pending again, unchanged but for its time, and sets the
     * next heartbeat; nothing when no chunk is pending. A restored clip's first timer also counts its
     * table into the gauges.
     */
    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ClipEvent> out) throws Exception {
        countIfRestored(ctx.getCurrentKey());
        ClipEntry c = clip.value();
        if (c == null || c.getHeartbeatAtMillis() != timestamp) {
            return;
        }
        Integer lowest = null;
        for (var chunk : table.entries()) {
            if (chunk.getValue().getState() == ChunkStatus.State.PENDING
                    && (lowest == null || chunk.getKey() < lowest)) {
                lowest = chunk.getKey();
            }
        }
        if (lowest != null) {
            publish(c, ChunkStatus.of(ctx.getCurrentKey(), lowest, ChunkStatus.State.PENDING, 0, timestamp), out);
            heartbeats.inc();
        }
        scheduleHeartbeat(c, timestamp + heartbeatMillis, ctx.timerService());
        clip.update(c);
    }

    private static void scheduleHeartbeat(ClipEntry c, long at, TimerService timers) {
        timers.registerProcessingTimeTimer(at);
        c.setHeartbeatAtMillis(at);
    }

    private void onClipEnd(String clipId, ClipStatus outcome, TimerService timers, Collector<ClipEvent> out) throws Exception {
        if (finished.value() != null) {
            dropLate();
            return;
        }
        ClipEntry c = clip.value();
        if (c != null && c.getHeartbeatAtMillis() != 0) {
            timers.deleteProcessingTimeTimer(c.getHeartbeatAtMillis());
        }
        int clipRetries = 0;
        for (ChunkEntry entry : table.values()) {
            clipRetries += entry.getRetries();
            counts.remove(entry.getState());
        }
        counts.clipEnded(clipId);
        out.collect(ClipEvent.of(outcome.withRetries(clipRetries)));
        (outcome.isCompleted() ? clipsCompleted : clipsFailed).inc();
        table.clear();
        clip.clear();
        finished.update(Boolean.TRUE);
    }

    /** Drops a change of a clip that has ended, and keeps its marker for the retention from now. */
    private void dropLate() throws Exception {
        lateChanges.inc();
        finished.update(Boolean.TRUE);
    }
}
