package io.dubstream.job.parts;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import io.dubstream.connectors.format.FrameParts;
import io.dubstream.connectors.records.FramePart;
import io.dubstream.connectors.records.VideoFrame;
import io.dubstream.job.DubstreamOptions;
import io.dubstream.job.kafka.InputDeadLetters;
import io.dubstream.job.records.ClipEvent;

/**
 * Joins the {@link FramePart}s of frames too large for one Kafka record back into whole
 * {@link VideoFrame}s, ahead of the {@code ChunkAssembler}, so that nothing after it knows frames
 * ever travelled in parts. Every other record passes through as it came, in order. Keyed by clip id.
 *
 * <h2>Joining</h2>
 * A frame is held from its first part to arrive to its last; the parts may come in any order and
 * interleaved with other frames' (each part's place follows from its header, {@link FrameParts}).
 * The frame goes on, with exactly the bytes its parts carried, the moment its last part is in, and
 * nothing of it is left behind. A clip whose frames all fit one record holds no state here at all.
 *
 * <h2>Parts it refuses</h2>
 * Each goes to {@link #DEAD_LETTERS} with the reason ({@link InputDeadLetters}), and the clip goes
 * on without it (as with a duplicate frame, the first to arrive stands):
 * <ul>
 *   <li>a part that arrived before, with the same bytes (a duplicate) or other bytes (a conflict);</li>
 *   <li>a part that says something else of its frame than the frame's first part did: another time,
 *       size, byte count or part count;</li>
 *   <li>a part that would start a frame while the clip's frames in progress already state
 *       {@code maxPartialBytes} with it (as their parts say, up to the whole-frame bound each): the
 *       bound on the memory one clip can take here, whatever it is sent;</li>
 *   <li>the parts of a frame that is still incomplete when no part of its clip has come for
 *       {@code idleTimeout}, the clip's idle timeout: a frame never completed before its clip's end.
 *       The clip itself then fails in the assembler, which misses the frame.</li>
 * </ul>
 * A part of a frame that was joined already starts the frame again; it is either completed again,
 * and the assembler refuses the duplicate frame, or refused here at the timeout.
 *
 * <h2>State, per clip with a frame in progress</h2>
 * Each frame in progress as a small {@link PartialFrame} by frame index, the bytes of each part that
 * arrived by frame and part index (one entry per part, so a part is written once however many follow,
 * also in RocksDB), and the time of one processing-time timer for the idle timeout. All of it goes
 * when the last frame in progress completes or times out.
 */
public class FramePartJoiner extends KeyedProcessFunction<String, ClipEvent, ClipEvent> {

    private static final long serialVersionUID = 1L;

    /** Dead letters of the parts this operator refuses. */
    public static final OutputTag<ClipEvent> DEAD_LETTERS = new OutputTag<>("frame-part-dead-letters",
            TypeInformation.of(ClipEvent.class));

    /** The metric counting the frames joined from parts. */
    public static final String FRAMES_JOINED = "framesJoined";

    private final long maxPartialBytes;
    private final long idleTimeoutMillis;
    private final InputDeadLetters deadLetters;

    private transient MapState<Long, PartialFrame> frames;
    private transient MapState<Tuple2<Long, Integer>, byte[]> parts;
    private transient ValueState<Long> timer;
    private transient Counter framesJoined;

    /**
     * @param maxPartialBytes the most bytes the frames in progress of one clip may state together
     * @param idleTimeout how long a frame may stay incomplete without a part of its clip arriving
     * @param deadLetters makes the dead letters of the parts it refuses
     */
    public FramePartJoiner(long maxPartialBytes, Duration idleTimeout, InputDeadLetters deadLetters) {
        if (maxPartialBytes < 1) {
            throw new IllegalArgumentException("the bytes of partial frames held per clip must be positive, got "
                    + maxPartialBytes);
        }
        if (idleTimeout.toMillis() <= 0) {
            throw new IllegalArgumentException("idle timeout must be positive, got " + idleTimeout);
        }
        this.maxPartialBytes = maxPartialBytes;
        this.idleTimeoutMillis = idleTimeout.toMillis();
        this.deadLetters = Objects.requireNonNull(deadLetters);
    }

    /**
     * The joiner the job's options give; refused when a clip could not hold even one frame of the
     * largest size allowed.
     */
    public static FramePartJoiner of(Configuration conf) {
        int partial = conf.get(DubstreamOptions.CLIP_MAX_PARTIAL_FRAME_BYTES);
        int whole = conf.get(DubstreamOptions.MAX_WHOLE_FRAME_BYTES);
        if (partial < whole) {
            throw new IllegalArgumentException(DubstreamOptions.CLIP_MAX_PARTIAL_FRAME_BYTES.key() + " (" + partial
                    + ") must be at least " + DubstreamOptions.MAX_WHOLE_FRAME_BYTES.key() + " (" + whole
                    + "), or the largest frames could never be joined");
        }
        return new FramePartJoiner(partial, conf.get(DubstreamOptions.CLIP_IDLE_TIMEOUT), InputDeadLetters.of(conf));
    }

    @Override
    public void open(OpenContext openContext) {
        frames = getRuntimeContext().getMapState(new MapStateDescriptor<>("partial-frames", Types.LONG,
                TypeInformation.of(PartialFrame.class)));
        TypeInformation<Tuple2<Long, Integer>> partKey = Types.TUPLE(Types.LONG, Types.INT);
        parts = getRuntimeContext().getMapState(new MapStateDescriptor<>("frame-parts", partKey,
                PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        timer = getRuntimeContext().getState(new ValueStateDescriptor<>("idle-timer", Types.LONG));
        framesJoined = getRuntimeContext().getMetricGroup().counter(FRAMES_JOINED);
    }

    @Override
    public void processElement(ClipEvent event, Context ctx, Collector<ClipEvent> out) throws Exception {
        FramePart part = event.getFramePart();
        if (part == null) {
            out.collect(event);
            return;
        }
        long now = ctx.timerService().currentProcessingTime();
        PartialFrame frame = frames.get(part.getFrameIndex());
        if (frame == null) {
            String tooMuch = overBound(part);
            if (tooMuch != null) {
                refuse(part, tooMuch, ctx, now);
                return;
            }
            frame = PartialFrame.startedBy(part);
        } else {
            String conflict = FrameParts.conflict(frame.getHeader(), part);
            if (conflict != null) {
                refuse(part, conflict, ctx, now);
                return;
            }
        }
        Tuple2<Long, Integer> key = Tuple2.of(part.getFrameIndex(), part.getPartIndex());
        byte[] earlier = parts.get(key);
        if (earlier != null) {
            refuse(part, Arrays.equals(earlier, part.getData())
                    ? "duplicate " + part.describe() + " of clip " + part.getClipId()
                    : "two different " + part.describe() + " arrived for clip " + part.getClipId()
                            + "; the first stands", ctx, now);
            return;
        }
        if (frame.lacksOnePart()) {
            out.collect(ClipEvent.of(join(frame, part)));
            framesJoined.inc();
            if (frames.isEmpty()) {
                stopTimer(ctx);
            }
            return;
        }
        parts.put(key, part.getData());
        frame.add(part, now);
        frames.put(part.getFrameIndex(), frame);
        if (timer.value() == null) {
            timer.update(now + idleTimeoutMillis);
            ctx.timerService().registerProcessingTimeTimer(now + idleTimeoutMillis);
        }
    }

    /** Why a part that starts a frame would take the clip over the bound, or null. */
    private String overBound(FramePart part) throws Exception {
        long held = 0;
        int count = 0;
        for (PartialFrame f : frames.values()) {
            held += f.getHeader().getFrameBytes();
            count++;
        }
        if (held + part.getFrameBytes() <= maxPartialBytes) {
            return null;
        }
        return "clip " + part.getClipId() + " holds " + count + " incomplete frames of " + held + " bytes, and "
                + part.describe() + " would start one of " + part.getFrameBytes() + " bytes more than "
                + DubstreamOptions.CLIP_MAX_PARTIAL_FRAME_BYTES.key() + " (" + maxPartialBytes + ") allows";
    }

    /** The whole frame, from the parts in state and {@code last}; its state is cleared. */
    private VideoFrame join(PartialFrame frame, FramePart last) throws Exception {
        FramePart header = frame.getHeader();
        int frameBytes = header.getFrameBytes();
        byte[] image = new byte[frameBytes];
        for (int i = 0; i < header.getPartCount(); i++) {
            Tuple2<Long, Integer> key = Tuple2.of(header.getFrameIndex(), i);
            byte[] data = i == last.getPartIndex() ? last.getData() : parts.get(key);
            System.arraycopy(data, 0, image, FrameParts.partOffset(frameBytes, header.getPartCount(), i), data.length);
            parts.remove(key);
        }
        frames.remove(header.getFrameIndex());
        return new VideoFrame(header.getClipId(), header.getFrameIndex(), header.getPtsMicros(), header.getWidth(),
                header.getHeight(), image);
    }

    /**
     * The idle timeout: once no part of the clip has come for it, the frames still incomplete are
     * dropped, every part of them with its dead letter. An earlier timer, of a clip that has had
     * parts since, moves to the last part's time plus the timeout.
     */
    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ClipEvent> out) throws Exception {
        Long at = timer.value();
        if (at == null || at != timestamp) {
            return;
        }
        long lastPartAt = 0;
        for (PartialFrame f : frames.values()) {
            lastPartAt = Math.max(lastPartAt, f.getLastPartAtMillis());
        }
        if (timestamp < lastPartAt + idleTimeoutMillis) {
            timer.update(lastPartAt + idleTimeoutMillis);
            ctx.timerService().registerProcessingTimeTimer(lastPartAt + idleTimeoutMillis);
            return;
        }
        List<Map.Entry<Tuple2<Long, Integer>, byte[]>> held = new ArrayList<>();
        parts.entries().forEach(held::add);
        held.sort((a, b) -> a.getKey().f0.equals(b.getKey().f0) ? Integer.compare(a.getKey().f1, b.getKey().f1)
                : Long.compare(a.getKey().f0, b.getKey().f0));
        for (Map.Entry<Tuple2<Long, Integer>, byte[]> entry : held) {
            PartialFrame frame = frames.get(entry.getKey().f0);
            FramePart header = frame.getHeader();
            String reason = "frame " + header.getFrameIndex() + " of clip " + header.getClipId()
                    + " never completed: " + frame.progress() + " arrived, then no part of the clip for "
                    + Duration.ofMillis(idleTimeoutMillis).toSeconds() + " s";
            ctx.output(DEAD_LETTERS, deadLetters.refused(frame.part(entry.getKey().f1, entry.getValue()), reason,
                    timestamp));
        }
        parts.clear();
        frames.clear();
        timer.clear();
    }

    private void refuse(FramePart part, String reason, Context ctx, long now) {
        ctx.output(DEAD_LETTERS, deadLetters.refused(part, reason, now));
    }

    private void stopTimer(Context ctx) throws Exception {
        Long at = timer.value();
        if (at != null) {
            ctx.timerService().deleteProcessingTimeTimer(at);
            timer.clear();
        }
    }

}
