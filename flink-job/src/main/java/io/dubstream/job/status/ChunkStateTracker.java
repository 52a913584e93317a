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
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
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
 * After a restore the gauges are recounted from the restored tables ({@link #operator()}).
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

    private transient MapStateDescriptor<Integer, ChunkEntry> tableDescriptor;
    private transient ValueStateDescriptor<ClipEntry> clipDescriptor;
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

    /**
     * The operator to run the tracker in: it recounts the gauges from restored state when it opens.
     *
     * @param finishedRetention {@code dubstream.clip.finished-retention}: how long a finished clip's
     *     marker lasts after its last status record ({@link FinishedClipMarker})
     * @param heartbeatInterval how often a clip's lowest pending chunk is reported again; 0: never
     */
    public static OneInputStreamOperator<ClipEvent, ClipEvent> operator(Duration finishedRetention,
            Duration heartbeatInterval) {
        return new RecountingOperator(new ChunkStateTracker(finishedRetention, heartbeatInterval));
    }

    @Override
    public void open(OpenContext openContext) {
        tableDescriptor = new MapStateDescriptor<>("chunk-table", Types.INT, TypeInformation.of(ChunkEntry.class));
        clipDescriptor = new ValueStateDescriptor<>("clip", TypeInformation.of(ClipEntry.class));
        table = getRuntimeContext().getMapState(tableDescriptor);
        clip = getRuntimeContext().getState(clipDescriptor);
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
        if (event.getChunkStatus() != null) {
            onChange(event.getChunkStatus(), ctx.timerService(), out);
        } else if (event.getClipStatus() != null) {
            onClipEnd(event.getClipStatus(), ctx.timerService(), out);
        } else {
            throw new IllegalArgumentException("the chunk state tracker takes status records only, got " + event);
        }
    }

    private void onChange(ChunkStatus change, TimerService timers, Collector<ClipEvent> out) throws Exception {
        if (finished.value() != null) {
            dropLate();
            return;
        }
        ClipEntry c = clip.value();
        if (c == null) {
            c = new ClipEntry();
            counts.clipStarted();
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
     * next heartbeat; nothing when no chunk is pending.
     */
    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ClipEvent> out) throws Exception {
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

    private void onClipEnd(ClipStatus outcome, TimerService timers, Collector<ClipEvent> out) throws Exception {
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
        if (c != null) {
            counts.clipEnded();
        }
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

    /** Counts the restored tables of every clip of this subtask into the gauges. */
    void recount(KeyedStateBackend<String> backend) throws Exception {
        backend.applyToAllKeys(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE, tableDescriptor,
                (clipId, chunks) -> {
                    for (ChunkEntry entry : chunks.values()) {
                        counts.add(entry.getState());
                    }
                });
        backend.applyToAllKeys(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE, clipDescriptor,
                (clipId, entry) -> {
                    if (entry.value() != null) {
                        counts.clipStarted();
                    }
                });
    }

    /**
     * Runs the tracker and, once its state is restored, recounts the gauges from it: the counts live in
     * memory, the tables they count in keyed state, which only the operator can walk over.
     */
    static final class RecountingOperator extends KeyedProcessOperator<String, ClipEvent, ClipEvent> {

        private static final long serialVersionUID = 1L;

        RecountingOperator(ChunkStateTracker tracker) {
            super(tracker);
        }

        @Override
        public void open() throws Exception {
            super.open();
            ((ChunkStateTracker) userFunction).recount(getKeyedStateBackend());
        }
    }
}
