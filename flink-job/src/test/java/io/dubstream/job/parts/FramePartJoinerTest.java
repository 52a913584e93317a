package io.dubstream.job.parts;

import static org.apache.flink.types.PojoTestUtils.assertSerializedAsPojoWithoutKryo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Random;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.dubstream.connectors.format.ClipRecordCodec;
import io.dubstream.connectors.format.FrameParts;
import io.dubstream.connectors.format.RecordLimits;
import io.dubstream.connectors.kafka.ClipTopics;
import io.dubstream.connectors.records.AudioBlock;
import io.dubstream.connectors.records.ClipManifest;
import io.dubstream.connectors.records.ClipRecord;
import io.dubstream.connectors.records.DeadLetter;
import io.dubstream.connectors.records.EndOfClip;
import io.dubstream.connectors.records.FramePart;
import io.dubstream.connectors.records.TestManifests;
import io.dubstream.connectors.records.VideoFrame;
import io.dubstream.job.DubstreamOptions;
import io.dubstream.job.kafka.InputDeadLetters;
import io.dubstream.job.records.ClipEvent;

/**
 * {@link FramePartJoiner} in a keyed harness: parts back into frames byte for byte, whatever their
 * order and however clips and frames interleave; every bad part a dead letter with its reason;
 * nothing left in state or timers once the frames are whole or dropped; a snapshot taken mid-frame
 * restores into a joiner that completes the frame.
 */
class FramePartJoinerTest {

    private static final Duration IDLE = Duration.ofSeconds(30);
    private static final long IDLE_MS = IDLE.toMillis();
    /** Processing time when each test starts. */
    private static final long T0 = 1_000_000L;
    /** The bytes the frames in progress of one clip may state together, in these tests. */
    private static final long MAX_PARTIAL = 10_000;
    private static final InputDeadLetters DEAD_LETTERS = new InputDeadLetters(ClipTopics.INPUT, RecordLimits.DEFAULTS);

    private KeyedOneInputStreamOperatorTestHarness<String, ClipEvent, ClipEvent> harness;

    @BeforeEach
    void openHarness() throws Exception {
        openHarness(null);
    }

    /** Opens a harness restored from {@code snapshot}, or a fresh one when it is null. */
    private void openHarness(OperatorSubtaskState snapshot) throws Exception {
        harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new FramePartJoiner(MAX_PARTIAL, IDLE, DEAD_LETTERS)), ClipEvent::clipId,
                Types.STRING);
        harness.setProcessingTime(T0);
        if (snapshot != null) {
            harness.initializeState(snapshot);
        }
        harness.open();
    }

    @AfterEach
    void closeHarness() throws Exception {
        harness.close();
    }

    @Test
    void recordsOtherThanPartsPassThroughInOrderWithoutState() throws Exception {
        ClipManifest manifest = TestManifests.of("a", 3840, 2160, 25, 1, 2, 16_000, 1, 5L);
        List<ClipRecord> records = List.of(manifest, frame("a", 0, 900), new AudioBlock("a", 0, 16_000, 1,
                new short[] {1, 2}), frame("a", 1, 800), EndOfClip.complete("a", 2, 2, 6L));

        feed(records.toArray(new ClipRecord[0]));

        assertThat(output()).containsExactlyElementsOf(records);
        assertNothingIsLeft();
    }

    @Test
    void partsOfInterleavedClipsAndFramesJoinIntoTheFramesByteForByte() throws Exception {
        VideoFrame a0 = frame("a", 0, 4000);
        VideoFrame a1 = frame("a", 1, 3001);
        VideoFrame a2 = frame("a", 2, 700);
        VideoFrame b0 = frame("b", 0, 5000);
        List<FramePart> pa0 = FrameParts.split(a0, 3);
        List<FramePart> pa1 = FrameParts.split(a1, 3);
        List<FramePart> pb0 = FrameParts.split(b0, 2);

        feed(pa0.get(0), pb0.get(1), pa1.get(2), pa0.get(2));
        assertThat(output()).isEmpty();
        feed(pb0.get(0), a2, pa1.get(0), pa0.get(1), pa1.get(1));

        // each frame goes on the moment its last part is in; a whole frame passes at once
        assertThat(output()).containsExactly(b0, a2, a0, a1);
        assertNothingIsLeft();
    }

    @Test
    void aPartSentAgainIsADeadLetterAndTheFrameComesOnce() throws Exception {
        VideoFrame frame = frame("a", 4, 6000);
        List<FramePart> parts = FrameParts.split(frame, 2);

        feed(parts.get(0), parts.get(0), parts.get(1));

        assertThat(output()).containsExactly(frame);
        assertDeadLetters(refused(parts.get(0), "duplicate part 0 of 2 of frame 4 of clip a"));
        assertNothingIsLeft();
    }

    @Test
    void aDifferentPartOfTheSameIndexIsADeadLetterAndTheFirstStands() throws Exception {
        VideoFrame frame = frame("a", 4, 6000);
        List<FramePart> parts = FrameParts.split(frame, 2);
        FramePart other = FrameParts.split(frame("a", 4, 6000), 2).get(0);
        other.getData()[17] ^= 0x40;

        feed(parts.get(0), other, parts.get(1));

        assertThat(output()).containsExactly(frame);
        assertDeadLetters(refused(other, "two different part 0 of 2 of frame 4 arrived for clip a; the first stands"));
    }

    @Test
    void aPartThatChangesTheFramesPartCountOrTimeIsADeadLetter() throws Exception {
        VideoFrame frame = frame("a", 4, 6000);
        List<FramePart> parts = FrameParts.split(frame, 2);
        FramePart threeParts = FrameParts.split(frame, 3).get(1);
        FramePart later = FrameParts.split(new VideoFrame("a", 4, 200_000, 3840, 2160, frame.getImage()), 2).get(1);

        feed(parts.get(0), threeParts, later, parts.get(1));

        assertThat(output()).containsExactly(frame);
        assertDeadLetters(
                refused(threeParts, "part 1 of 3 of frame 4 of clip a says the frame is 3840x2160 at 160000 us, 6000"
                        + " bytes in 3 parts, but its first part to arrive said 3840x2160 at 160000 us, 6000 bytes in"
                        + " 2 parts"),
                refused(later, "part 1 of 2 of frame 4 of clip a says the frame is 3840x2160 at 200000 us, 6000 bytes"
                        + " in 2 parts, but its first part to arrive said 3840x2160 at 160000 us, 6000 bytes in 2"
                        + " parts"));
        assertNothingIsLeft();
    }

    @Test
    void aPartThatWouldHoldMoreThanTheBoundForItsClipIsADeadLetter() throws Exception {
        List<FramePart> first = FrameParts.split(frame("a", 0, 6000), 2);
        List<FramePart> second = FrameParts.split(frame("a", 1, 4001), 2);
        FramePart otherClip = FrameParts.split(frame("b", 1, 4001), 2).get(0);

        feed(first.get(0), second.get(0), otherClip);

        assertDeadLetters(refused(second.get(0), "clip a holds 1 incomplete frames of 6000 bytes, and part 0 of 2 of"
                + " frame 1 would start one of 4001 bytes more than dubstream.clip.max-partial-frame-bytes (10000)"
                + " allows"));
        // the bound is per clip, and a frame that completes frees its bytes
        feed(first.get(1), second.get(0), second.get(1));
        assertThat(output()).containsExactly(frame("a", 0, 6000), frame("a", 1, 4001));
    }

    @Test
    void aFrameNeverCompletedIsDroppedAfterTheIdleTimeoutWithADeadLetterPerPart() throws Exception {
        List<FramePart> stalled = FrameParts.split(frame("a", 3, 9000), 3);
        List<FramePart> later = FrameParts.split(frame("a", 5, 900), 2);
        feed(stalled.get(2), stalled.get(0));
        harness.setProcessingTime(T0 + 20_000);
        feed(later.get(1));

        // the clip had a part 20 s ago: nothing is dropped yet, the timer moves on
        harness.setProcessingTime(T0 + IDLE_MS);
        assertThat(deadLetters()).isEmpty();
        assertThat(harness.numProcessingTimeTimers()).isEqualTo(1);

        harness.setProcessingTime(T0 + 20_000 + IDLE_MS);
        assertThat(output()).isEmpty();
        assertDeadLetters(
                refused(stalled.get(0), "frame 3 of clip a never completed: 2 of 3 parts (6000 of 9000 bytes) arrived,"
                        + " then no part of the clip for 30 s"),
                refused(stalled.get(2), "frame 3 of clip a never completed: 2 of 3 parts (6000 of 9000 bytes) arrived,"
                        + " then no part of the clip for 30 s"),
                refused(later.get(1), "frame 5 of clip a never completed: 1 of 2 parts (450 of 900 bytes) arrived,"
                        + " then no part of the clip for 30 s"));
        assertThat(deadLetters().get(0).getSourceTopic()).isEqualTo(ClipTopics.INPUT.media());
        assertNothingIsLeft();
    }

    @Test
    void aSnapshotTakenMidFrameRestoresIntoAJoinerThatCompletesIt() throws Exception {
        VideoFrame frame = frame("a", 9, 7000);
        List<FramePart> parts = FrameParts.split(frame, 3);
        feed(parts.get(2), parts.get(0));
        OperatorSubtaskState snapshot = harness.snapshot(1L, T0);
        harness.close();

        openHarness(snapshot);
        feed(parts.get(0));
        assertThat(output()).isEmpty();
        feed(parts.get(1));

        assertThat(output()).containsExactly(frame);
        assertDeadLetters(refused(parts.get(0), "duplicate part 0 of 3 of frame 9 of clip a"));
        assertNothingIsLeft();
    }

    @Test
    void theJobsOptionsMustLetAClipHoldTheLargestFrame() {
        Configuration conf = new Configuration();
        conf.set(DubstreamOptions.CLIP_MAX_PARTIAL_FRAME_BYTES, RecordLimits.DEFAULT_MAX_WHOLE_FRAME_BYTES - 1);
        assertThatThrownBy(() -> FramePartJoiner.of(conf)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("dubstream.clip.max-partial-frame-bytes (16777215) must be at least"
                        + " dubstream.max-whole-frame-bytes (16777216), or the largest frames could never be joined");
    }

    @Test
    void stateTypesAreFlinkPojos() {
        assertSerializedAsPojoWithoutKryo(PartialFrame.class);
        assertSerializedAsPojoWithoutKryo(FramePart.class);
    }

    // ---------------------------------------------------------------------------------------------

    /** Frame {@code index} of {@code clipId} at 25 fps, 4K, with {@code bytes} of random image. */
    private static VideoFrame frame(String clipId, long index, int bytes) {
        byte[] image = new byte[bytes];
        new Random(31 * index + clipId.hashCode()).nextBytes(image);
        return new VideoFrame(clipId, index, index * 40_000, 3840, 2160, image);
    }

    private void feed(ClipRecord... records) throws Exception {
        for (ClipRecord record : records) {
            harness.processElement(ClipEvent.of(record), harness.getProcessingTime());
        }
    }

    private List<ClipRecord> output() {
        return harness.extractOutputValues().stream().map(ClipEvent::record).toList();
    }

    private List<DeadLetter> deadLetters() {
        var side = harness.getSideOutput(FramePartJoiner.DEAD_LETTERS);
        return side == null ? List.of()
                : side.stream().map(StreamRecord::getValue).map(ClipEvent::getDeadLetter).toList();
    }

    /** The dead letter of {@code part} with {@code reason}: its bytes, the frames topic, the time is left out. */
    private static DeadLetter refused(FramePart part, String reason) throws Exception {
        return new DeadLetter(part.getClipId(), ClipTopics.INPUT.media(), -1, -1, reason,
                new ClipRecordCodec().encode(part), 0L);
    }

    private void assertDeadLetters(DeadLetter... expected) {
        List<DeadLetter> actual = deadLetters();
        actual.forEach(d -> d.setRejectedAtMillis(0L));
        assertThat(actual).containsExactly(expected);
    }

    private void assertNothingIsLeft() {
        assertThat(harness.numKeyedStateEntries()).as("keyed state entries").isZero();
        assertThat(harness.numProcessingTimeTimers()).as("processing-time timers").isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }
}
