package io.dubstream.job.chunking;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.stream.Stream;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import io.dubstream.connectors.format.RecordLimits;
import io.dubstream.connectors.kafka.ClipTopics;
import io.dubstream.connectors.records.ClipManifest;
import io.dubstream.connectors.records.ClipMode;
import io.dubstream.connectors.records.ClipRecord;
import io.dubstream.connectors.records.DeadLetter;
import io.dubstream.job.kafka.InputDeadLetters;
import io.dubstream.job.records.Chunk;
import io.dubstream.job.records.ClipEvent;

/**
 * {@link ChunkAssembler} in a keyed harness: the settings and times its tests share, feeding
 * records, the chunks and dead letters it emitted, the state it holds, and chunks worked out by hand
 * ({@link Row}) with exactly the frames and samples of a {@link SyntheticClip}.
 */
abstract class ChunkAssemblerTestBase {

    static final Duration CORE = Duration.ofSeconds(10);
    static final Duration CONTEXT = Duration.ofSeconds(1);
    static final Duration IDLE = Duration.ofSeconds(30);
    static final long IDLE_MS = IDLE.toMillis();
    /** How long a finished clip's marker outlives its last record: twice the idle timeout. */
    static final long RETENTION_MS = 2 * IDLE_MS;
    /** How long a subtask may receive no record at all before its clips fail. */
    static final Duration STALLED = Duration.ofMinutes(10);
    static final long STALLED_MS = STALLED.toMillis();
    /** The default of dubstream.clip.max-held-frames. */
    static final int MAX_HELD_FRAMES = 1800;
    /** The default hybrid threshold: clips up to 15 s run whole. */
    static final Duration HYBRID = Duration.ofSeconds(15);
    /** Processing time when each test starts. */
    static final long T0 = 1_000_000L;
    static final InputDeadLetters DEAD_LETTERS = new InputDeadLetters(ClipTopics.INPUT, RecordLimits.DEFAULTS);

    /** Chunk 0..3 of a clip at 25 fps and 16 kHz longer than 41 s. */
    static final List<Row> FIRST_4_AT_25 = List.of(
            row(0, 0, 275, 0, 176_000, 225, 144_000),
            row(1, 225, 525, 144_000, 336_000, 475, 304_000),
            row(2, 475, 775, 304_000, 496_000, 725, 464_000),
            row(3, 725, 1025, 464_000, 656_000, 975, 624_000));
    /** The chunks of a 45 s clip at 25 fps and 16 kHz. */
    static final List<Row> ROWS_45S_AT_25 = concat(FIRST_4_AT_25, lastRow(4, 975, 1125, 624_000, 720_000));

    ChunkAssembler assembler;
    KeyedProcessOperator<String, ClipEvent, Chunk> operator;
    KeyedOneInputStreamOperatorTestHarness<String, ClipEvent, Chunk> harness;
    /** The last watermark given to the harness: they must not go back. */
    long watermark;

    /** The settings of the harness each test starts with. */
    abstract AssemblerSettings settings();

    static AssemblerSettings settings(Duration context, Duration hybridThreshold) {
        return new AssemblerSettings(CORE, context, hybridThreshold, IDLE, Duration.ofMillis(RETENTION_MS),
                MAX_HELD_FRAMES).withStalledInputTimeout(STALLED);
    }

    @BeforeEach
    void openHarness() throws Exception {
        openHarness(settings());
    }

    void openHarness(AssemblerSettings settings) throws Exception {
        openHarness(settings, null);
    }

    /** Opens a harness restored from {@code snapshot}, or a fresh one when it is null. */
    void openHarness(AssemblerSettings settings, OperatorSubtaskState snapshot) throws Exception {
        openHarness(settings, snapshot, T0);
    }

    /** Opens a harness restored from {@code snapshot} (or a fresh one) with processing time {@code now}. */
    void openHarness(AssemblerSettings settings, OperatorSubtaskState snapshot, long now) throws Exception {
        assembler = new ChunkAssembler(settings, DEAD_LETTERS);
        operator = new KeyedProcessOperator<>(assembler);
        harness = new KeyedOneInputStreamOperatorTestHarness<>(operator, ClipEvent::clipId, Types.STRING);
        harness.setProcessingTime(now);
        watermark = Long.MIN_VALUE;
        if (snapshot != null) {
            harness.initializeState(snapshot);
        }
        harness.open();
        if (snapshot != null) {
            // timers that came due while the job was down fire at once, as after a real restore
            harness.setProcessingTime(now);
        }
    }

    /** Closes the harness of the test and opens one with other settings. */
    void reopenHarness(AssemblerSettings settings) throws Exception {
        harness.close();
        openHarness(settings);
    }

    @AfterEach
    void closeHarness() throws Exception {
        harness.close();
    }

    // ---------------------------------------------------------------- feeding

    void feed(ClipRecord... records) throws Exception {
        for (ClipRecord record : records) {
            harness.processElement(ClipEvent.of(record), harness.getProcessingTime());
        }
    }

    void feed(ClipEvent event) throws Exception {
        harness.processElement(event, harness.getProcessingTime());
    }

    void feed(List<ClipEvent> events) throws Exception {
        for (ClipEvent event : events) {
            feed(event);
        }
    }

    /** Frames {@code [from, to)} of {@code clip}, in order. */
    void feedFrames(SyntheticClip clip, long from, long to) throws Exception {
        for (long i = from; i < to; i++) {
            feed(clip.frame(i));
        }
    }

    void feedAll(List<? extends ClipRecord> records) throws Exception {
        for (ClipRecord record : records) {
            feed(record);
        }
    }

    /**
     * Time passes for a live input, read as it is written: processing time and the input's time (the
     * watermark) both reach {@code time}. The records {@link #feed} gives have the processing time as
     * their Kafka timestamp.
     */
    void liveInputReaches(long time) throws Exception {
        harness.setProcessingTime(time);
        inputTimeReaches(time);
    }

    /** The input's time, the watermark, reaches {@code time}; processing time stays. */
    void inputTimeReaches(long time) throws Exception {
        if (time > watermark) {
            harness.processWatermark(time);
            watermark = time;
        }
    }

    /**
     * Feeds a record that the uploader wrote to Kafka at {@code writtenAt} (its timestamp) and the job
     * read at {@code readAt} (processing time); then the watermark follows the timestamps read, as the
     * source's does: the latest one less a millisecond.
     */
    void feedRead(ClipEvent event, long writtenAt, long readAt) throws Exception {
        harness.setProcessingTime(readAt);
        harness.processElement(event, writtenAt);
        inputTimeReaches(writtenAt - 1);
    }

    // ---------------------------------------------------------------- what came out, what is held

    /** The dead letters of the side output so far, in order (the harness has no queue before the first). */
    List<DeadLetter> deadLetters() {
        var side = harness.getSideOutput(ChunkAssembler.DEAD_LETTERS);
        if (side == null) {
            return List.of();
        }
        return side.stream()
                .map(StreamRecord::getValue)
                .map(ClipEvent::getDeadLetter)
                .toList();
    }

    /** The clip-start markers of the side output so far, in order. */
    List<Chunk> clipsStarted() {
        var side = harness.getSideOutput(ChunkAssembler.CLIPS_STARTED);
        if (side == null) {
            return List.of();
        }
        return side.stream().map(StreamRecord::getValue).toList();
    }

    int heldFrames(SyntheticClip clip) throws Exception {
        operator.setCurrentKey(clip.id);
        return assembler.heldFrames();
    }

    int heldAudioBlocks(SyntheticClip clip) throws Exception {
        operator.setCurrentKey(clip.id);
        return assembler.heldAudioBlocks();
    }

    /**
     * Nothing but the {@code finished} marker of each ended clip, the manifest of each, and the
     * marker's expiry timer remain, and after the retention nothing at all; no output meanwhile.
     */
    void assertOnlyFinishedMarkersLeft(int clips) throws Exception {
        assertOnlyFinishedMarkersLeft(clips, clips);
    }

    /** As {@link #assertOnlyFinishedMarkersLeft(int)}, where only {@code manifests} of the clips had one. */
    void assertOnlyFinishedMarkersLeft(int clips, int manifests) throws Exception {
        assertThat(harness.numKeyedStateEntries()).as("keyed state entries").isEqualTo(clips + manifests);
        assertThat(harness.numProcessingTimeTimers()).as("processing-time timers").isEqualTo(clips);
        assertThat(harness.numEventTimeTimers()).isZero();
        int outputs = harness.extractOutputValues().size();
        int deadLetters = deadLetters().size();
        harness.setProcessingTime(harness.getProcessingTime() + RETENTION_MS);
        assertThat(harness.numKeyedStateEntries()).as("keyed state entries after the retention").isZero();
        assertThat(harness.numProcessingTimeTimers()).as("timers after the retention").isZero();
        assertThat(harness.extractOutputValues()).hasSize(outputs);
        assertThat(deadLetters()).hasSize(deadLetters);
    }

    // ---------------------------------------------------------------- expected chunks

    /** A chunk's ranges, for readable comparisons. */
    record Row(int index, long firstFrame, long endFrame, long firstSample, long endSample, long nextFirstFrame,
            long nextFirstSample, boolean last) {

        static Row of(Chunk c) {
            return new Row(c.getIndex(), c.getFirstFrame(), c.endFrame(), c.getFirstSample(), c.endSample(),
                    c.getNextFirstFrame(), c.getNextFirstSample(), c.isLast());
        }
    }

    static Row row(int k, long firstFrame, long endFrame, long firstSample, long endSample,
            long nextFirstFrame, long nextFirstSample) {
        return new Row(k, firstFrame, endFrame, firstSample, endSample, nextFirstFrame, nextFirstSample, false);
    }

    static Row lastRow(int k, long firstFrame, long endFrame, long firstSample, long endSample) {
        return new Row(k, firstFrame, endFrame, firstSample, endSample, endFrame, endSample, true);
    }

    static List<Row> concat(List<Row> head, Row... tail) {
        List<Row> rows = new ArrayList<>(head);
        rows.addAll(List.of(tail));
        return rows;
    }

    static SyntheticClip clip25(String id, long millis) {
        return SyntheticClip.of(id, millis, 25, 1, 16_000, 1);
    }

    static SyntheticClip stereo2997(String id) {
        return SyntheticClip.of(id, 15_000, 30_000, 1001, 16_000, 2);
    }

    /** The chunks a chunked clip should give for {@code rows}, with exactly the clip's frames and samples. */
    static List<Chunk> expected(SyntheticClip clip, List<Row> rows) {
        ClipManifest manifest = clip.manifest();
        List<Chunk> chunks = new ArrayList<>();
        long core = CORE.toNanos() / 1000;
        for (Row r : rows) {
            Chunk chunk = Chunk.of(manifest, r.index(), r.last(), r.firstFrame(),
                    clip.images(r.firstFrame(), r.endFrame()), r.firstSample(),
                    clip.hasAudio() ? clip.samples(r.firstSample(), r.endSample()) : new short[0],
                    r.nextFirstFrame(), r.nextFirstSample(), r.last() ? clip.end() : null);
            // fixed cores: chunk k's core is [k * core, (k + 1) * core), the last one's to the clip's end
            chunks.add(clip.timed(chunk, r.index() * core, r.last() ? clip.endMicros() : (r.index() + 1) * core,
                    r.last() ? ChunkAssembler.CUT_AT_END : "nominal"));
        }
        return chunks;
    }

    static void assertChunks(List<Chunk> out, SyntheticClip clip, List<Row> rows) {
        assertThat(out).extracting(Row::of).containsExactlyElementsOf(rows);
        assertThat(out).as("frames and samples").containsExactlyElementsOf(expected(clip, rows));
    }

    /**
     * The chunks follow each other as the plan says: each starts where the previous one said the
     * next would, overlaps it by the plan's context on both sides, and together they cover every
     * frame and sample of the clip.
     */
    static void assertTilesTheClip(List<Chunk> out, SyntheticClip clip) {
        ChunkPlan plan = new ChunkPlan(clip.fpsNum, clip.fpsDen, clip.sampleRate, CORE, CONTEXT);
        BitSet frames = new BitSet();
        BitSet samples = new BitSet();
        assertThat(out).hasSize(plan.chunkCount(clip.frames));
        assertThat(out).extracting(Chunk::getMode).containsOnly(ClipMode.CHUNKED);
        for (int k = 0; k < out.size(); k++) {
            Chunk c = out.get(k);
            assertThat(c.getIndex()).isEqualTo(k);
            assertThat(c.isLast()).isEqualTo(k == out.size() - 1);
            if (k == 0) {
                assertThat(c.getFirstFrame()).isZero();
                assertThat(c.getFirstSample()).isZero();
            } else {
                Chunk previous = out.get(k - 1);
                assertThat(c.getFirstFrame()).isEqualTo(previous.getNextFirstFrame()).isEqualTo(plan.firstFrame(k));
                assertThat(c.getFirstSample()).isEqualTo(previous.getNextFirstSample());
                assertThat(previous.endFrame() - c.getFirstFrame()).as("frame overlap of chunks %d and %d", k - 1, k)
                        .isEqualTo(Math.min(plan.endFrame(k - 1), clip.frames) - plan.firstFrame(k));
                assertThat(previous.endSample() - c.getFirstSample()).as("sample overlap of chunks %d and %d", k - 1, k)
                        .isEqualTo(Math.min(plan.endSample(k - 1), clip.samples)
                                - Math.min(plan.firstSample(k), clip.samples));
            }
            frames.set((int) c.getFirstFrame(), (int) c.endFrame());
            samples.set((int) c.getFirstSample(), (int) c.endSample());
        }
        Chunk last = out.get(out.size() - 1);
        assertThat(last.endFrame()).isEqualTo(clip.frames).isEqualTo(last.getNextFirstFrame());
        assertThat(last.endSample()).isEqualTo(clip.samples).isEqualTo(last.getNextFirstSample());
        assertThat(last.getEnd()).isEqualTo(clip.end());
        assertThat((long) frames.cardinality()).as("frames covered").isEqualTo(clip.frames).isEqualTo((long) frames.length());
        assertThat((long) samples.cardinality()).as("samples covered").isEqualTo(clip.samples).isEqualTo((long) samples.length());
    }

    static List<Chunk> only(List<Chunk> chunks, String clipId) {
        return chunks.stream().filter(c -> c.getClipId().equals(clipId)).toList();
    }

    @SafeVarargs
    static List<ClipEvent> interleave(List<ClipEvent>... uploads) {
        List<ClipEvent> events = new ArrayList<>();
        for (int i = 0; events.size() < Stream.of(uploads).mapToInt(List::size).sum(); i++) {
            for (List<ClipEvent> upload : uploads) {
                if (i < upload.size()) {
                    events.add(upload.get(i));
                }
            }
        }
        return events;
    }
}
