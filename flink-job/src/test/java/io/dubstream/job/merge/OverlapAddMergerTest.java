package io.dubstream.job.merge;

import static io.dubstream.job.merge.SyntheticClip.CREATED_AT_MILLIS;
import static io.dubstream.job.merge.SyntheticClip.FINISHED_AT_MILLIS;
import static io.dubstream.job.merge.SyntheticClip.HEIGHT;
import static io.dubstream.job.merge.SyntheticClip.JPEG_QUALITY;
import static io.dubstream.job.merge.SyntheticClip.SAMPLE_RATE;
import static io.dubstream.job.merge.SyntheticClip.WIDTH;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.apache.flink.types.PojoTestUtils.assertSerializedAsPojoWithoutKryo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.dubstream.connectors.format.FramePartBuffer;
import io.dubstream.connectors.format.RecordLimits;
import io.dubstream.connectors.format.RecordValidator;
import io.dubstream.connectors.media.JpegCodec;
import io.dubstream.connectors.records.AudioBlock;
import io.dubstream.connectors.records.ClipMode;
import io.dubstream.connectors.records.ChunkStatus;
import io.dubstream.connectors.records.ClipRecord;
import io.dubstream.connectors.records.ClipStatus;
import io.dubstream.connectors.records.DeadLetter;
import io.dubstream.connectors.records.EndOfClip;
import io.dubstream.connectors.records.FramePart;
import io.dubstream.connectors.records.VideoFrame;
import io.dubstream.job.inference.ChunkModel;
import io.dubstream.job.inference.ColourGainModel;
import io.dubstream.job.records.Chunk;
import io.dubstream.job.records.ChunkAttempt;
import io.dubstream.job.records.ClipEvent;
import io.dubstream.job.status.ChunkDeadLetters;
import io.dubstream.job.status.ReadableMetrics;

class OverlapAddMergerTest {

    private static final RecordValidator VALIDATOR = new RecordValidator(RecordLimits.DEFAULTS);

    /** 250 ms blocks at 16 kHz. */
    private static final int BLOCK_SAMPLES = 4000;

    /** How long a finished clip's marker lasts after its last chunk (dubstream.clip.finished-retention). */
    private static final Duration RETENTION = Duration.ofMinutes(20);

    private ReadableMetrics metrics;
    private MockEnvironment environment;
    private KeyedOneInputStreamOperatorTestHarness<String, Chunk, ClipEvent> harness;

    @BeforeEach
    void openHarness() throws Exception {
        harness = newHarness();
        harness.open();
    }

    /** A merger's harness with readable metrics ({@link #metrics}), not yet open. */
    private KeyedOneInputStreamOperatorTestHarness<String, Chunk, ClipEvent> newHarness() throws Exception {
        metrics = new ReadableMetrics();
        environment = new MockEnvironmentBuilder().setMetricGroup(metrics).build();
        return new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(merger()), Chunk::getClipId,
                Types.STRING, environment);
    }

    private static OverlapAddMerger merger() {
        return new OverlapAddMerger(JPEG_QUALITY, OverlapAddMerger.DEFAULT_AUDIO_BLOCK_MILLIS, RecordLimits.DEFAULTS,
                RETENTION);
    }

    @AfterEach
    void closeHarness() throws Exception {
        harness.close();
        environment.close();
    }

    static Stream<Arguments> identityCases() {
        List<SyntheticClip> clips = List.of(
                SyntheticClip.at25Fps("clip-5s", 5, 1),
                // 263 frames: chunk 1 (frames 225..262) lies entirely inside chunk 0's overlap
                SyntheticClip.at25Fps("clip-10s", 10.5, 2),
                // audio 0.3 s longer than the video
                SyntheticClip.of("clip-45s", 25, 1, 1125, 45 * SAMPLE_RATE + 4800, 3),
                // audio 0.2 s shorter than the video
                SyntheticClip.of("clip-90s", 25, 1, 2250, 90 * SAMPLE_RATE - 3200, 4),
                SyntheticClip.of("clip-ntsc", 30_000, 1001, 1348, 45 * SAMPLE_RATE, 5),
                SyntheticClip.of("clip-stereo", 25, 1, 625, 25 * SAMPLE_RATE, 2, 6),
                SyntheticClip.of("clip-silent", 25, 1, 625, 0, 0, 7));
        return clips.stream().flatMap(clip -> Stream.of(Order.values()).map(order -> Arguments.of(clip, order)));
    }

    enum Order { IN_ORDER, SHUFFLED, REVERSED }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("identityCases")
    void identityChunksMergeBackIntoTheClipBitForBit(SyntheticClip clip, Order order) throws Exception {
        List<Chunk> chunks = reorder(clip.chunks(), order);

        startClip(clip);
        for (Chunk chunk : chunks) {
            harness.processElement(chunk, 0L);
            if (order == Order.IN_ORDER && !chunk.isLast()) {
                // only the progress with one tail: no chunk waits
                assertThat(harness.numKeyedStateEntries()).isEqualTo(1);
            }
            if (order == Order.REVERSED && chunk.getIndex() > 0) {
                assertThat(harness.extractOutputValues()).as("output before chunk 0: the manifest")
                        .containsExactly(ClipEvent.of(clip.manifest));
            }
        }

        assertClip(harness.extractOutputValues(), clip, clip.jpegs, clip.samples, clip.mergedEnd());
        assertOnlyTheFinishedMarkerIsLeft(1);
    }

    @Test
    void aClipRunWholeGoesOutAsItIsAndItsEndSaysSo() throws Exception {
        // 263 frames: two chunks when chunked, one when whole
        SyntheticClip clip = SyntheticClip.at25Fps("clip-10s", 10.5, 2);
        assertThat(clip.chunks()).hasSize(2);

        startClip(clip);
        harness.processElement(clip.wholeChunk(), 0L);

        assertClip(harness.extractOutputValues(), clip, clip.jpegs, clip.samples,
                clip.mergedEnd(ClipMode.WHOLE, 1));
        assertThat(clip.mergedEnd(ClipMode.WHOLE, 1).getReason()).isEqualTo("mode=whole chunks=1");
        assertOnlyTheFinishedMarkerIsLeft(1);
    }

    @Test
    void colourGainChunksMergeIntoTheTransformOfTheWholeClip() throws Exception {
        SyntheticClip clip = SyntheticClip.of("clip-gain", 30_000, 1001, 1348, 45 * SAMPLE_RATE, 5);
        ColourGainModel model = new ColourGainModel(JPEG_QUALITY);
        startClip(clip);
        for (Chunk chunk : reorder(clip.chunks(), Order.SHUFFLED)) {
            harness.processElement(model.process(chunk), 0L);
        }

        byte[][] frames = new byte[clip.frameCount()][];
        for (int i = 0; i < frames.length; i++) {
            byte[] bgr = ColourGainModel.transformFrame(JpegCodec.decodeBgr(clip.jpegs[i], WIDTH, HEIGHT));
            frames[i] = JpegCodec.encode(bgr, WIDTH, HEIGHT, JPEG_QUALITY);
        }
        short[] samples = new short[clip.samples.length];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = ColourGainModel.transformSample(clip.samples[i]);
        }
        assertThat(frames[0]).isNotEqualTo(clip.jpegs[0]);
        assertClip(harness.extractOutputValues(), clip, frames, samples, clip.mergedEnd());
        assertOnlyTheFinishedMarkerIsLeft(1);
    }

    /** Even chunks unchanged; odd chunks 100 louder and 40 brighter: every seam needs the crossfade. */
    static final class LevelShiftModel implements ChunkModel {

        static final int AUDIO_SHIFT = 100;
        static final int PIXEL_SHIFT = 40;

        @Override
        public String name() {
            return "level-shift";
        }

        @Override
        public Chunk process(Chunk chunk) {
            if (chunk.getIndex() % 2 == 0) {
                return chunk;
            }
            byte[][] images = new byte[chunk.getImages().length][];
            for (int i = 0; i < images.length; i++) {
                byte[] bgr = JpegCodec.decodeBgr(chunk.getImages()[i], WIDTH, HEIGHT);
                for (int p = 0; p < bgr.length; p++) {
                    bgr[p] = (byte) Math.min(255, (bgr[p] & 0xff) + PIXEL_SHIFT);
                }
                images[i] = JpegCodec.encode(bgr, WIDTH, HEIGHT, JPEG_QUALITY);
            }
            short[] samples = new short[chunk.getSamples().length];
            for (int i = 0; i < samples.length; i++) {
                samples[i] = (short) Math.min(Short.MAX_VALUE, chunk.getSamples()[i] + AUDIO_SHIFT);
            }
            return chunk.withMedia(images, samples);
        }
    }

    @Test
    void seamsAreCrossfadedWithTheRaisedCosineWeights() throws Exception {
        SyntheticClip clip = SyntheticClip.at25Fps("clip-seams", 25, 8);
        LevelShiftModel model = new LevelShiftModel();
        List<Chunk> processed = new ArrayList<>();
        for (Chunk chunk : clip.chunks()) {
            processed.add(model.process(chunk));
        }
        assertThat(processed).hasSize(3);
        startClip(clip);
        for (Chunk chunk : reorder(processed, Order.SHUFFLED)) {
            harness.processElement(chunk, 0L);
        }
        List<ClipEvent> events = harness.extractOutputValues();

        // exact values: outside the overlaps the owning chunk's output, inside out * (1 - w) + in * w
        byte[][] frames = new byte[clip.frameCount()][];
        short[] samples = new short[clip.samples.length];
        for (int k = 0; k < processed.size(); k++) {
            Chunk c = processed.get(k);
            Chunk prev = k == 0 ? null : processed.get(k - 1);
            int overlapFrames = prev == null ? 0 : (int) (prev.endFrame() - c.getFirstFrame());
            int overlapSamples = prev == null ? 0 : (int) (prev.endSample() - c.getFirstSample());
            int ownFrames = (int) (c.getNextFirstFrame() - c.getFirstFrame());
            int ownSamples = (int) (c.getNextFirstSample() - c.getFirstSample());
            for (int j = 0; j < ownFrames; j++) {
                int frame = (int) c.getFirstFrame() + j;
                if (j < overlapFrames) {
                    byte[] out = JpegCodec.decodeBgr(prev.getImages()[(int) (frame - prev.getFirstFrame())], WIDTH, HEIGHT);
                    byte[] in = JpegCodec.decodeBgr(c.getImages()[j], WIDTH, HEIGHT);
                    frames[frame] = JpegCodec.encode(Crossfade.blendBgr(out, in, raisedCosine(j, overlapFrames)),
                            WIDTH, HEIGHT, JPEG_QUALITY);
                } else {
                    frames[frame] = c.getImages()[j];
                }
            }
            for (int j = 0; j < ownSamples; j++) {
                int sample = (int) c.getFirstSample() + j;
                if (j < overlapSamples) {
                    double w = raisedCosine(j, overlapSamples);
                    short out = prev.getSamples()[(int) (sample - prev.getFirstSample())];
                    short in = c.getSamples()[j];
                    samples[sample] = (short) Math.round(out * (1 - w) + in * w);
                } else {
                    samples[sample] = c.getSamples()[j];
                }
            }
        }
        assertClip(events, clip, frames, samples, clip.mergedEnd());

        // no jump: across each 2 s overlap the audio moves from one chunk's level to the other's
        short[] merged = audioOf(events, clip.samples.length);
        for (int k = 1; k < processed.size(); k++) {
            int from = (int) processed.get(k).getFirstSample();
            int to = (int) processed.get(k - 1).endSample();
            assertThat(to - from).isEqualTo(2 * SAMPLE_RATE);
            int direction = k % 2 == 1 ? 1 : -1;
            int previous = offset(merged, clip.samples, from - 1);
            assertThat(previous).isEqualTo(k % 2 == 1 ? 0 : LevelShiftModel.AUDIO_SHIFT);
            for (int s = from; s < to; s++) {
                if (clip.samples[s] > Short.MAX_VALUE - LevelShiftModel.AUDIO_SHIFT) {
                    continue; // the shifted sample was clamped
                }
                int offset = offset(merged, clip.samples, s);
                assertThat((offset - previous) * direction).as("step at sample %d", s).isBetween(0, 1);
                previous = offset;
            }
            assertThat(previous).isEqualTo(k % 2 == 1 ? LevelShiftModel.AUDIO_SHIFT : 0);
            assertThat(offset(merged, clip.samples, to)).isEqualTo(previous);
        }

        // and the pictures brighten and darken gradually, in step with the weights
        byte[][] mergedFrames = framesOf(events, clip.frameCount());
        for (int k = 1; k < processed.size(); k++) {
            Chunk c = processed.get(k);
            Chunk prev = processed.get(k - 1);
            int n = (int) (prev.endFrame() - c.getFirstFrame());
            double previous = -1;
            for (int j = 0; j < n; j++) {
                int frame = (int) c.getFirstFrame() + j;
                byte[] original = JpegCodec.decodeBgr(clip.jpegs[frame], WIDTH, HEIGHT);
                byte[] brighter = JpegCodec.decodeBgr((k % 2 == 1 ? c : prev).getImages()[
                        (int) (frame - (k % 2 == 1 ? c : prev).getFirstFrame())], WIDTH, HEIGHT);
                double share = meanDifference(JpegCodec.decodeBgr(mergedFrames[frame], WIDTH, HEIGHT), original)
                        / meanDifference(brighter, original);
                double brighterWeight = k % 2 == 1 ? raisedCosine(j, n) : 1 - raisedCosine(j, n);
                assertThat(share).as("brightness share of frame %d", frame).isCloseTo(brighterWeight,
                        org.assertj.core.data.Offset.offset(0.03));
                if (previous >= 0) {
                    assertThat((share - previous) * (k % 2 == 1 ? 1 : -1)).isGreaterThan(-0.01);
                }
                previous = share;
            }
        }
        assertOnlyTheFinishedMarkerIsLeft(1);
    }

    @Test
    void dubbedChunksJoinAtTheirCutWithEachFrameAndSampleFromTheChunkWhoseCoreHoldsIt() throws Exception {
        SyntheticClip clip = SyntheticClip.at25Fps("clip-dubbed", 25, 8);
        LevelShiftModel model = new LevelShiftModel();
        List<Chunk> chunks = clip.chunks();
        assertThat(chunks).hasSize(3);
        long[] coreStart = coresCutOffTheMiddle(chunks);
        List<Chunk> processed = new ArrayList<>();
        for (int k = 0; k < chunks.size(); k++) {
            processed.add(model.process(timed(chunks.get(k), coreStart, k)).withSpoken(new long[0]));
        }
        startClip(clip);
        for (Chunk chunk : reorder(processed, Order.SHUFFLED)) {
            harness.processElement(chunk, 0L);
        }

        byte[][] frames = new byte[clip.frameCount()][];
        short[] samples = new short[clip.samples.length];
        int channels = clip.channels;
        for (int k = 0; k < processed.size(); k++) {
            Chunk c = processed.get(k);
            for (int j = 0; j < c.getImages().length; j++) {
                long t = c.framePtsMicros(j);
                if (t >= coreStart[k] && t < coreStart[k + 1]) {
                    frames[(int) c.getFirstFrame() + j] = c.getImages()[j];
                }
            }
            long from = io.dubstream.job.audio.SampleTimes.sampleAt(coreStart[k], SAMPLE_RATE);
            long to = k + 1 < processed.size()
                    ? io.dubstream.job.audio.SampleTimes.sampleAt(coreStart[k + 1], SAMPLE_RATE) : c.endSample();
            for (long s = from; s < to; s++) {
                for (int ch = 0; ch < channels; ch++) {
                    samples[(int) s * channels + ch] = c.getSamples()[(int) (s - c.getFirstSample()) * channels + ch];
                }
            }
        }
        // the bytes of the chunks' own frames: nothing blended, nothing encoded again
        assertClip(harness.extractOutputValues(), clip, frames, samples, clip.mergedEnd());
        short[] merged = audioOf(harness.extractOutputValues(), clip.samples.length);
        int cut = (int) io.dubstream.job.audio.SampleTimes.sampleAt(coreStart[1], SAMPLE_RATE) * channels;
        assertThat(merged[cut - channels] - clip.samples[cut - channels]).as("before the cut: chunk 0").isZero();
        assertThat(merged[cut] - clip.samples[cut]).as("from the cut: chunk 1").isEqualTo(LevelShiftModel.AUDIO_SHIFT);
        assertOnlyTheFinishedMarkerIsLeft(1);
    }

    /**
     * Chunks whose frame model ran on the core frames only (lip-sync) join their frames at the cut, as
     * dubbed ones do, but their audio, which is not frame-local, is still crossfaded.
     */
    @Test
    void framesAtCutJoinTheFramesAtTheCutAndCrossfadeTheAudio() throws Exception {
        SyntheticClip clip = SyntheticClip.at25Fps("clip-lipsync", 25, 8);
        LevelShiftModel model = new LevelShiftModel();
        List<Chunk> chunks = clip.chunks();
        long[] coreStart = coresCutOffTheMiddle(chunks);
        List<Chunk> processed = new ArrayList<>();
        for (int k = 0; k < chunks.size(); k++) {
            processed.add(model.process(timed(chunks.get(k), coreStart, k)).withFramesAtCut());
        }
        assertThat(processed.get(1).isFramesAtCut()).isTrue();
        assertThat(processed.get(1).isDubbed()).isFalse();
        startClip(clip);
        for (Chunk chunk : reorder(processed, Order.SHUFFLED)) {
            harness.processElement(chunk, 0L);
        }

        List<byte[]> frames = new ArrayList<>();
        for (ClipEvent e : harness.extractOutputValues()) {
            if (e.getFrame() != null) {
                frames.add(e.getFrame().getImage());
            }
        }
        assertThat(frames).hasSize(clip.frameCount());
        for (int k = 0; k < processed.size(); k++) {
            Chunk c = processed.get(k);
            for (int j = 0; j < c.getImages().length; j++) {
                long t = c.framePtsMicros(j);
                if (t >= coreStart[k] && t < coreStart[k + 1]) {
                    assertThat(frames.get((int) c.getFirstFrame() + j)).as("frame %d: chunk %d's bytes",
                            c.getFirstFrame() + j, k).isEqualTo(c.getImages()[j]);
                }
            }
        }
        short[] merged = audioOf(harness.extractOutputValues(), clip.samples.length);
        int channels = clip.channels;
        int cut = (int) io.dubstream.job.audio.SampleTimes.sampleAt(coreStart[1], SAMPLE_RATE) * channels;
        // 0.6 s into the 2 s overlap the raised cosine weighs chunk 1 (shifted by 100) by about 0.21
        assertThat(merged[cut] - clip.samples[cut]).as("at the cut: a blend of chunks 0 and 1").isBetween(15, 30);
        assertOnlyTheFinishedMarkerIsLeft(1);
    }

    @Test
    void aFailureMarkerWaitsForTheChunksBeforeItThenFlushesTheTail() throws Exception {
        SyntheticClip clip = SyntheticClip.of("clip-45s", 25, 1, 1125, 45 * SAMPLE_RATE + 4800, 3);
        List<Chunk> chunks = clip.chunks();
        String reason = "voice stage: CUDA out of memory on chunk 3";

        harness.processElement(chunks.get(2), 0L);
        harness.processElement(Chunk.failure(clip.manifest.getClipId(), clip.manifest, 3, reason), 0L);
        harness.processElement(chunks.get(1), 0L);
        assertThat(harness.extractOutputValues()).isEmpty();
        harness.processElement(chunks.get(0), 0L);

        // chunk 2 ends at 31 s: its tail is emitted as it is, nothing after it
        int frames = 31 * 25;
        int samples = 31 * SAMPLE_RATE;
        assertThat(chunks.get(2).endFrame()).isEqualTo(frames);
        assertThat(chunks.get(2).endSample()).isEqualTo(samples);
        EndOfClip failed = new EndOfClip(clip.manifest.getClipId(), frames, samples, EndOfClip.Status.FAILED, reason,
                CREATED_AT_MILLIS);
        assertClip(harness.extractOutputValues(), clip, Arrays.copyOf(clip.jpegs, frames),
                Arrays.copyOf(clip.samples, samples), failed);
        assertOnlyTheFinishedMarkerIsLeft(1);

        int before = harness.extractOutputValues().size();
        harness.processElement(chunks.get(3), 0L);
        harness.processElement(chunks.get(4), 0L);
        assertThat(harness.extractOutputValues()).hasSize(before);
        assertOnlyTheFinishedMarkerIsLeft(1);
    }

    @Test
    void aFailureBeforeAnyManifestGivesOnlyTheFailedEnd() throws Exception {
        harness.processElement(Chunk.failure("clip-x", null, 0, "the manifest could not be read"), 0L);

        List<ClipEvent> events = harness.extractOutputValues();
        assertThat(events).containsExactly(ClipEvent.of(
                new EndOfClip("clip-x", 0, 0, EndOfClip.Status.FAILED, "the manifest could not be read", 0)));
        VALIDATOR.validate(events.get(0).record());
        assertOnlyTheFinishedMarkerIsLeft(1);
    }

    @Test
    void aFailureOfChunkZeroGivesTheManifestAndTheFailedEnd() throws Exception {
        SyntheticClip clip = SyntheticClip.at25Fps("clip-5s", 5, 1);
        harness.processElement(Chunk.failure("clip-5s", clip.manifest, 0, " "), 0L);

        assertThat(harness.extractOutputValues()).containsExactly(ClipEvent.of(clip.manifest), ClipEvent.of(
                new EndOfClip("clip-5s", 0, 0, EndOfClip.Status.FAILED, OverlapAddMerger.UNKNOWN_FAILURE,
                        CREATED_AT_MILLIS)));
        assertOnlyTheFinishedMarkerIsLeft(1);
    }

    @Test
    void aChunkThatDoesNotContinueTheClipFailsItWithAReason() throws Exception {
        SyntheticClip clip = SyntheticClip.at25Fps("clip-25s", 25, 9);
        List<Chunk> chunks = clip.chunks();
        Chunk c1 = chunks.get(1);
        Chunk shifted = Chunk.of(clip.manifest, 1, false, c1.getFirstFrame() + 1,
                Arrays.copyOfRange(c1.getImages(), 1, c1.getImages().length), c1.getFirstSample(), c1.getSamples(),
                c1.getNextFirstFrame(), c1.getNextFirstSample(), null);

        harness.processElement(shifted, 0L);
        harness.processElement(chunks.get(0), 0L);

        int frames = (int) chunks.get(0).endFrame();
        int samples = (int) chunks.get(0).endSample();
        EndOfClip failed = new EndOfClip("clip-25s", frames, samples, EndOfClip.Status.FAILED,
                "chunk 1 of clip clip-25s starts at frame 226 and sample 144000, but the clip continues at frame 225"
                        + " and sample 144000", CREATED_AT_MILLIS);
        assertClip(harness.extractOutputValues(), clip, Arrays.copyOf(clip.jpegs, frames),
                Arrays.copyOf(clip.samples, samples), failed);
        harness.processElement(chunks.get(2), 0L);
        assertThat(harness.extractOutputValues().get(harness.extractOutputValues().size() - 1).getEnd())
                .isEqualTo(failed);
        assertOnlyTheFinishedMarkerIsLeft(1);
    }

    @Test
    void aFrameThatCannotBeDecodedForTheCrossfadeFailsTheClip() throws Exception {
        SyntheticClip clip = SyntheticClip.at25Fps("clip-25s", 25, 9);
        List<Chunk> chunks = clip.chunks();
        byte[][] images = chunks.get(1).getImages().clone();
        images[0] = new byte[] {1, 2, 3, 4, 5};

        harness.processElement(chunks.get(0), 0L);
        harness.processElement(chunks.get(1).withMedia(images, chunks.get(1).getSamples()), 0L);

        List<ClipEvent> events = harness.extractOutputValues();
        EndOfClip end = events.get(events.size() - 1).getEnd();
        assertThat(end.getStatus()).isEqualTo(EndOfClip.Status.FAILED);
        assertThat(end.getReason()).isEqualTo("chunk 1 of clip clip-25s: cannot crossfade frame 225: not a JPEG:"
                + " 5 bytes starting 01 02 03 04 instead of the JPEG start marker FF D8");
        assertThat(end.getFramesSent()).isEqualTo(chunks.get(0).endFrame());
        assertOnlyTheFinishedMarkerIsLeft(1);
    }

    @Test
    void framesLargerThanOneRecordGoOutAsTheirPartsOneAfterTheOther() throws Exception {
        SyntheticClip clip = SyntheticClip.at25Fps("clip-parts", 12, 12);
        int smallest = Arrays.stream(clip.jpegs).mapToInt(j -> j.length).min().orElseThrow();
        RecordLimits limits = RecordLimits.DEFAULTS.withMaxFrameBytes(smallest / 2);
        harness.close();
        harness = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new OverlapAddMerger(
                JPEG_QUALITY, OverlapAddMerger.DEFAULT_AUDIO_BLOCK_MILLIS, limits, RETENTION)), Chunk::getClipId, Types.STRING);
        harness.open();
        for (Chunk chunk : reorder(clip.chunks(), Order.REVERSED)) {
            harness.processElement(chunk, 0L);
        }

        // every frame in parts within the limit, a frame's parts in order with nothing between them
        RecordValidator partValidator = new RecordValidator(limits);
        FramePartBuffer buffer = new FramePartBuffer(RecordLimits.DEFAULT_MAX_WHOLE_FRAME_BYTES);
        List<ClipEvent> joined = new ArrayList<>();
        FramePart previous = null;
        for (ClipEvent e : harness.extractOutputValues()) {
            assertThat(e.getFrame()).as("a whole frame record").isNull();
            if (previous != null && previous.getPartIndex() < previous.getPartCount() - 1) {
                assertThat(e.getFramePart()).as("the part after %s", previous).isNotNull();
                assertThat(e.getFramePart().getFrameIndex()).isEqualTo(previous.getFrameIndex());
                assertThat(e.getFramePart().getPartIndex()).isEqualTo(previous.getPartIndex() + 1);
            }
            previous = e.getFramePart();
            if (previous == null) {
                joined.add(e);
                continue;
            }
            partValidator.validate(previous);
            assertThat(previous.getPartCount()).isGreaterThanOrEqualTo(2);
            VideoFrame whole = buffer.add(previous);
            if (whole != null) {
                joined.add(ClipEvent.of(whole));
            }
        }
        assertClip(joined, clip, clip.jpegs, clip.samples, clip.mergedEnd());
        assertOnlyTheFinishedMarkerIsLeft(1);
    }

    @Test
    void aCrossfadedFrameLargerThanAWholeFrameMayBeFailsTheClipNotTheSink() throws Exception {
        SyntheticClip clip = SyntheticClip.at25Fps("clip-big", 25, 9);
        List<Chunk> chunks = clip.chunks();
        LevelShiftModel model = new LevelShiftModel();
        int largest = 0;
        for (byte[] jpeg : model.process(chunks.get(1)).getImages()) {
            largest = Math.max(largest, jpeg.length);
        }
        harness.close();
        // a limit that every chunk's own frames fit, and a blended frame at quality 1 does not
        RecordLimits limits = RecordLimits.DEFAULTS.withMaxFrameBytes(largest + 1).withMaxWholeFrameBytes(largest + 1);
        harness = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new OverlapAddMerger(1f,
                OverlapAddMerger.DEFAULT_AUDIO_BLOCK_MILLIS, limits, RETENTION)), Chunk::getClipId, Types.STRING);
        harness.open();
        harness.processElement(model.process(chunks.get(0)), 0L);
        harness.processElement(model.process(chunks.get(1)), 0L);

        List<ClipEvent> events = harness.extractOutputValues();
        EndOfClip end = events.get(events.size() - 1).getEnd();
        assertThat(end.getStatus()).isEqualTo(EndOfClip.Status.FAILED);
        // the first blended frame that encodes larger than the limit, one of the overlap's 225..249
        assertThat(end.getReason()).matches("chunk 1 of clip clip-big: cannot crossfade frame 2(2[5-9]|[34][0-9]): it"
                + " encodes to [0-9]+ bytes, above the " + (largest + 1) + " a whole frame may have"
                + " \\(dubstream.max-whole-frame-bytes\\)");
        for (ClipEvent e : events) {
            VALIDATOR.validate(e.record());
        }
    }

    @Test
    void chunksHeldBeyondTheCapWhileAnEarlierOneIsInInferenceFailTheClip() throws Exception {
        SyntheticClip clip = SyntheticClip.at25Fps("clip-held", 45, 9);
        List<Chunk> chunks = clip.chunks();
        assertThat(chunks).hasSizeGreaterThan(4);
        harness.close();
        harness = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new OverlapAddMerger(
                JPEG_QUALITY, OverlapAddMerger.DEFAULT_AUDIO_BLOCK_MILLIS, RecordLimits.DEFAULTS, RETENTION, 2)),
                Chunk::getClipId, Types.STRING);
        harness.open();
        startClip(clip);
        // chunk 0 is retrying: 1 and 2 are held, 3 would be the third
        harness.processElement(chunks.get(1), 0L);
        harness.processElement(chunks.get(2), 0L);
        harness.processElement(chunks.get(3), 0L);

        List<ClipEvent> events = harness.extractOutputValues();
        EndOfClip end = events.get(events.size() - 1).getEnd();
        assertThat(end.getStatus()).isEqualTo(EndOfClip.Status.FAILED);
        assertThat(end.getReason()).isEqualTo("clip clip-held holds 2 chunks that came before chunk 0, still in"
                + " inference, and chunk 3 would be one more than dubstream.merge.max-held-chunks (2) allows");
        assertThat(end.getFramesSent()).isZero();
        // chunk 0, when it comes, finds the clip finished
        harness.processElement(chunks.get(0), 0L);
        assertThat(harness.extractOutputValues()).hasSameSizeAs(events);
        assertOnlyTheFinishedMarkerIsLeft(1);
    }

    @Test
    void totalsThatDifferFromTheInputsEndFailTheClip() throws Exception {
        SyntheticClip clip = SyntheticClip.at25Fps("clip-5s", 5, 1);
        Chunk only = clip.chunks().get(0);
        only.setEnd(EndOfClip.complete("clip-5s", 126, 80_000, FINISHED_AT_MILLIS));

        harness.processElement(only, 0L);

        List<ClipEvent> events = harness.extractOutputValues();
        assertThat(events.get(events.size() - 1).getEnd()).isEqualTo(new EndOfClip("clip-5s", 125, 80_000,
                EndOfClip.Status.FAILED, "merged 125 frames and 80000 samples, but the input sent 126 frames and"
                        + " 80000 samples", FINISHED_AT_MILLIS));
        assertOnlyTheFinishedMarkerIsLeft(1);
    }

    @Test
    void interleavedClipsAreMergedIndependently() throws Exception {
        SyntheticClip a = SyntheticClip.at25Fps("clip-a", 25, 10);
        SyntheticClip b = SyntheticClip.of("clip-b", 30_000, 1001, 400, 13 * SAMPLE_RATE + 77, 11);
        List<Chunk> all = new ArrayList<>(a.chunks());
        all.addAll(b.chunks());
        Collections.shuffle(all, new Random(7));

        startClip(a);
        startClip(b);
        for (Chunk chunk : all) {
            harness.processElement(chunk, 0L);
        }

        List<ClipEvent> events = harness.extractOutputValues();
        assertClip(eventsOf(events, "clip-a"), a, a.jpegs, a.samples, a.mergedEnd());
        assertClip(eventsOf(events, "clip-b"), b, b.jpegs, b.samples, b.mergedEnd());
        assertThat(eventsOf(events, "clip-a").size() + eventsOf(events, "clip-b").size()).isEqualTo(events.size());
        assertOnlyTheFinishedMarkerIsLeft(2);
    }

    @Test
    void chunksBehindAFailureAreDroppedUntilTheFinishedMarkerExpires() throws Exception {
        SyntheticClip clip = SyntheticClip.at25Fps("clip-25s", 25, 9);
        List<Chunk> chunks = clip.chunks();
        harness.processElement(chunks.get(0), 0L);
        int afterFirst = harness.extractOutputValues().size();
        harness.processElement(chunks.get(0), 0L); // a duplicate while the clip is in progress
        assertThat(harness.extractOutputValues()).hasSize(afterFirst);
        harness.processElement(Chunk.failure("clip-25s", clip.manifest, 1, "model failed on chunk 1"), 0L);
        List<ClipEvent> finished = harness.extractOutputValues();
        assertThat(((EndOfClip) finished.get(finished.size() - 1).record()).getStatus())
                .isEqualTo(EndOfClip.Status.FAILED);

        // chunks processed after the failure still arrive, and chunk 0 once more
        for (Chunk late : List.of(chunks.get(2), chunks.get(1), chunks.get(0))) {
            harness.processElement(late, 0L);
        }

        assertThat(harness.extractOutputValues()).isEqualTo(finished);
        assertOnlyTheFinishedMarkerIsLeft(1);
        harness.setStateTtlProcessingTime(RETENTION.toMillis() + 1);
        assertMarkersCleanedUp();
    }

    @Test
    void chunksAfterAClipCompletedAreDroppedAndCountedWithoutASecondEnd() throws Exception {
        SyntheticClip clip = SyntheticClip.at25Fps("clip-25s", 25, 9);
        List<Chunk> chunks = clip.chunks();
        for (Chunk chunk : chunks) {
            harness.processElement(chunk, 0L);
        }
        List<ClipEvent> completed = new ArrayList<>(harness.extractOutputValues());
        assertClip(completed, clip, clip.jpegs, clip.samples, clip.mergedEnd());
        List<ClipRecord> reported = reports(OverlapAddMerger.STATUS);

        // what straggling input could still make of the clip: a chunk again, the last one with its end,
        // and the failure marker of a clip that a straggler started again in the assembler
        harness.processElement(chunks.get(1), 0L);
        harness.processElement(chunks.get(chunks.size() - 1), 0L);
        harness.processElement(Chunk.failure("clip-25s", null, ClipMode.CHUNKED, 0,
                "no end-of-clip record within 300 s of the last record (1 frames, 0 samples received)"), 0L);
        harness.processElement(chunks.get(0), 0L);

        assertThat(harness.extractOutputValues()).as("no second end-of-clip record").isEqualTo(completed);
        assertThat(reports(OverlapAddMerger.STATUS)).as("no second outcome").isEqualTo(reported);
        assertThat(metrics.count("lateChunksDropped")).isEqualTo(4);
        assertOnlyTheFinishedMarkerIsLeft(1);
    }

    @Test
    void theFinishedMarkerLastsTheRetentionAfterTheClipsLastChunk() throws Exception {
        SyntheticClip clip = SyntheticClip.at25Fps("clip-25s", 25, 9);
        List<Chunk> chunks = clip.chunks();
        long retention = RETENTION.toMillis();
        harness.processElement(Chunk.failure("clip-25s", clip.manifest, 0, "model failed on chunk 0"), 0L);
        List<ClipEvent> finished = harness.extractOutputValues();

        // each chunk dropped keeps the marker for the retention from then on
        harness.setStateTtlProcessingTime(retention - 1);
        harness.processElement(chunks.get(1), 0L);
        harness.setStateTtlProcessingTime(2 * retention - 2);
        harness.processElement(chunks.get(2), 0L);
        assertThat(harness.extractOutputValues()).as("dropped, 2 retentions after the end").isEqualTo(finished);
        assertOnlyTheFinishedMarkerIsLeft(1);

        harness.setStateTtlProcessingTime(3 * retention - 2);
        assertMarkersCleanedUp();
    }

    /**
     * Expired markers go with the incremental clean-up that runs as records of other clips pass (on
     * every change of key), a few entries at a time: nothing is left after a few changes.
     */
    private void assertMarkersCleanedUp() throws Exception {
        int keyChanges = 0;
        while (harness.numKeyedStateEntries() > 0 && keyChanges < 100) {
            harness.getOperator().setCurrentKey("clip-other-" + keyChanges++);
        }
        assertThat(harness.numKeyedStateEntries()).isZero();
    }

    @Test
    void mergingGoesOnFromASnapshot() throws Exception {
        SyntheticClip clip = SyntheticClip.of("clip-45s", 25, 1, 1125, 45 * SAMPLE_RATE + 4800, 3);
        List<Chunk> chunks = clip.chunks();
        startClip(clip);
        harness.processElement(chunks.get(3), 0L);
        harness.processElement(chunks.get(0), 0L);
        // a tail, less than an audio block and an early chunk go into the snapshot
        assertThat(harness.numKeyedStateEntries()).isEqualTo(2);
        OperatorSubtaskState snapshot = harness.snapshot(1L, 1L);
        List<ClipEvent> events = new ArrayList<>(harness.extractOutputValues());

        try (KeyedOneInputStreamOperatorTestHarness<String, Chunk, ClipEvent> restored =
                new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(merger()),
                        Chunk::getClipId, Types.STRING)) {
            restored.initializeState(snapshot);
            restored.open();
            restored.processElement(chunks.get(4), 0L);
            restored.processElement(chunks.get(2), 0L);
            restored.processElement(chunks.get(1), 0L);
            events.addAll(restored.extractOutputValues());
            assertThat(restored.numKeyedStateEntries()).as("the finished marker").isEqualTo(1);
        }
        assertClip(events, clip, clip.jpegs, clip.samples, clip.mergedEnd());
    }

    // ------------------------------------------------------------------ the manifest at the clip's start

    @Test
    void theManifestGoesOutWhenTheClipStartsBeforeItsFirstChunkIsMerged() throws Exception {
        SyntheticClip clip = SyntheticClip.at25Fps("clip-whole", 10.5, 2);

        startClip(clip);

        // a clip run whole is one chunk that may take minutes: its manifest does not wait for it
        assertThat(harness.extractOutputValues()).containsExactly(ClipEvent.of(clip.manifest));
        assertThat(reports(OverlapAddMerger.STATUS)).as("no chunk has been reported").isEmpty();
        harness.processElement(clip.wholeChunk(), 0L);
        List<ClipEvent> events = harness.extractOutputValues();
        assertThat(events).filteredOn(e -> e.getManifest() != null).as("one manifest").hasSize(1);
        assertClip(events, clip, clip.jpegs, clip.samples, clip.mergedEnd(ClipMode.WHOLE, 1));
        assertOnlyTheFinishedMarkerIsLeft(1);
    }

    @Test
    void theManifestGoesOutOnceAcrossASnapshotTakenAfterTheClipStarted() throws Exception {
        SyntheticClip clip = SyntheticClip.of("clip-45s", 25, 1, 1125, 45 * SAMPLE_RATE + 4800, 3);
        startClip(clip);
        OperatorSubtaskState snapshot = harness.snapshot(1L, 1L);
        List<ClipEvent> events = new ArrayList<>(harness.extractOutputValues());
        assertThat(events).containsExactly(ClipEvent.of(clip.manifest));

        // the start marker lies behind the checkpoint: after the restore only the chunks come
        try (var restored = newHarness()) {
            restored.initializeState(snapshot);
            restored.open();
            for (Chunk chunk : reorder(clip.chunks(), Order.REVERSED)) {
                restored.processElement(chunk, 0L);
            }
            assertThat(restored.extractOutputValues()).as("no manifest again").noneMatch(e -> e.getManifest() != null);
            events.addAll(restored.extractOutputValues());
            assertThat(restored.numKeyedStateEntries()).as("the finished marker").isEqualTo(1);
        }
        assertClip(events, clip, clip.jpegs, clip.samples, clip.mergedEnd());
    }

    @Test
    void aStartMarkerOvertakenByChunkZeroAddsNothingAlsoAfterARestore() throws Exception {
        SyntheticClip clip = SyntheticClip.at25Fps("clip-25s", 25, 9);
        List<Chunk> chunks = clip.chunks();
        harness.processElement(chunks.get(0), 0L);
        OperatorSubtaskState snapshot = harness.snapshot(1L, 1L);
        List<ClipEvent> events = new ArrayList<>(harness.extractOutputValues());
        assertThat(events.get(0)).isEqualTo(ClipEvent.of(clip.manifest));

        try (var restored = newHarness()) {
            restored.initializeState(snapshot);
            restored.open();
            restored.processElement(Chunk.clipStarted(clip.manifest), 0L);
            assertThat(restored.extractOutputValues()).as("the manifest went out with chunk 0").isEmpty();
            for (Chunk chunk : chunks.subList(1, chunks.size())) {
                restored.processElement(chunk, 0L);
            }
            events.addAll(restored.extractOutputValues());
            // the start marker has come: nothing of the clip can follow, so nothing of it stays
            assertThat(restored.numKeyedStateEntries()).as("the finished marker").isEqualTo(1);
        }
        assertClip(events, clip, clip.jpegs, clip.samples, clip.mergedEnd());
    }

    @Test
    void aStartMarkerOvertakenByTheWholeClipIsDroppedByTheFinishedMarker() throws Exception {
        SyntheticClip clip = SyntheticClip.at25Fps("clip-10s", 10.5, 2);
        harness.processElement(clip.wholeChunk(), 0L);
        List<ClipEvent> complete = new ArrayList<>(harness.extractOutputValues());
        assertClip(complete, clip, clip.jpegs, clip.samples, clip.mergedEnd(ClipMode.WHOLE, 1));
        assertOnlyTheFinishedMarkerIsLeft(1);

        startClip(clip);

        assertThat(harness.extractOutputValues()).as("no manifest after the end").isEqualTo(complete);
        assertOnlyTheFinishedMarkerIsLeft(1);
    }

    @Test
    void aClipThatFailsAfterItStartedEndsWithOneManifestAndItsFailedEnd() throws Exception {
        SyntheticClip clip = SyntheticClip.at25Fps("clip-5s", 5, 1);
        startClip(clip);
        harness.processElement(Chunk.failure("clip-5s", clip.manifest, 0, "upload aborted: disk full"), 0L);
        startClip(clip);

        assertThat(harness.extractOutputValues()).containsExactly(ClipEvent.of(clip.manifest), ClipEvent.of(
                new EndOfClip("clip-5s", 0, 0, EndOfClip.Status.FAILED, "upload aborted: disk full",
                        CREATED_AT_MILLIS)));
        assertOnlyTheFinishedMarkerIsLeft(1);
    }

    @Test
    void stateTypesAreFlinkPojos() {
        assertSerializedAsPojoWithoutKryo(MergeProgress.class);
        assertSerializedAsPojoWithoutKryo(Chunk.class);
    }

    // ---------------------------------------------------------------------------------------------

    @Test
    void chunksReportTheirAttemptsOnArrivalAndMergedWhenMerged() throws Exception {
        SyntheticClip clip = SyntheticClip.at25Fps("clip-25s", 25, 9);
        List<Chunk> chunks = clip.chunks();
        harness.setProcessingTime(5_000);

        startClip(clip);
        harness.processElement(chunks.get(2).withAttempts(new ChunkAttempt[] {ChunkAttempt.succeeded(1, 150, 160)}), 0L);
        harness.processElement(chunks.get(0).withAttempts(new ChunkAttempt[] {ChunkAttempt.succeeded(1, 100, 110)}), 0L);
        harness.processElement(chunks.get(1).withAttempts(new ChunkAttempt[] {
            ChunkAttempt.failed(1, 120, 130, "boom"), ChunkAttempt.succeeded(2, 1_130, 1_140)}), 0L);

        String id = "clip-25s";
        assertThat(reports(OverlapAddMerger.STATUS)).containsExactly(
                change(id, 2, 3, ChunkStatus.State.RUNNING, 1, "", 150),
                change(id, 2, 3, ChunkStatus.State.DONE, 1, "", 160),
                change(id, 0, -1, ChunkStatus.State.RUNNING, 1, "", 100),
                change(id, 0, -1, ChunkStatus.State.DONE, 1, "", 110),
                change(id, 0, -1, ChunkStatus.State.MERGED, 1, "", 5_000),
                change(id, 1, -1, ChunkStatus.State.RUNNING, 1, "", 120),
                change(id, 1, -1, ChunkStatus.State.RETRIED, 1, "boom", 130),
                change(id, 1, -1, ChunkStatus.State.RUNNING, 2, "", 1_130),
                change(id, 1, -1, ChunkStatus.State.DONE, 2, "", 1_140),
                change(id, 1, -1, ChunkStatus.State.MERGED, 2, "", 5_000),
                change(id, 2, 3, ChunkStatus.State.MERGED, 1, "", 5_000),
                new ClipStatus(id, ClipStatus.Outcome.COMPLETED, 3, 0, "", 5_000));
        assertThat(reports(OverlapAddMerger.DEAD_LETTERS)).isEmpty();
        assertClip(harness.extractOutputValues(), clip, clip.jpegs, clip.samples, clip.mergedEnd());
        assertOnlyTheFinishedMarkerIsLeft(1);
    }

    @Test
    void aChunkThatInferenceGaveUpOnIsADeadLetterAndFailsTheClip() throws Exception {
        SyntheticClip clip = SyntheticClip.at25Fps("clip-25s", 25, 9);
        List<Chunk> chunks = clip.chunks();
        String id = "clip-25s";
        String reason = "model test failed on chunk 1 after 2 attempts: boom 2";
        Chunk gaveUp = Chunk.failure(id, clip.manifest, ClipMode.CHUNKED, 1, reason).withAttempts(new ChunkAttempt[] {
            ChunkAttempt.failed(1, 200, 210, "boom 1"), ChunkAttempt.failed(2, 1_210, 1_220, "boom 2")});
        harness.setProcessingTime(7_000);

        harness.processElement(chunks.get(0).withAttempts(new ChunkAttempt[] {ChunkAttempt.succeeded(1, 100, 110)}), 0L);
        harness.processElement(gaveUp, 0L);
        // chunk 2, inferred after the failure, and a second chunk out of attempts behind it
        harness.processElement(chunks.get(2).withAttempts(new ChunkAttempt[] {ChunkAttempt.succeeded(1, 300, 310)}), 0L);
        harness.processElement(Chunk.failure(id, clip.manifest, ClipMode.CHUNKED, 3, "model test failed on chunk 3: boom 3")
                .withAttempts(new ChunkAttempt[] {ChunkAttempt.failed(1, 400, 410, "boom 3")}), 0L);

        assertThat(reports(OverlapAddMerger.STATUS)).containsExactly(
                change(id, 0, -1, ChunkStatus.State.RUNNING, 1, "", 100),
                change(id, 0, -1, ChunkStatus.State.DONE, 1, "", 110),
                change(id, 0, -1, ChunkStatus.State.MERGED, 1, "", 7_000),
                change(id, 1, -1, ChunkStatus.State.RUNNING, 1, "", 200),
                change(id, 1, -1, ChunkStatus.State.RETRIED, 1, "boom 1", 210),
                change(id, 1, -1, ChunkStatus.State.RUNNING, 2, "", 1_210),
                change(id, 1, -1, ChunkStatus.State.FAILED, 2, "boom 2", 1_220),
                new ClipStatus(id, ClipStatus.Outcome.FAILED, 1, 0, reason, 7_000));
        assertThat(reports(OverlapAddMerger.DEAD_LETTERS)).containsExactly(
                new DeadLetter(id, ChunkDeadLetters.SOURCE, -1, -1, reason + " (attempt 1: boom 1; attempt 2: boom 2)",
                        new byte[0], 1_220),
                new DeadLetter(id, ChunkDeadLetters.SOURCE, -1, -1,
                        "model test failed on chunk 3: boom 3 (attempt 1: boom 3)", new byte[0], 410));
        List<ClipEvent> events = harness.extractOutputValues();
        assertThat(events.get(events.size() - 1).getEnd()).isEqualTo(new EndOfClip(id, chunks.get(0).endFrame(),
                chunks.get(0).endSample(), EndOfClip.Status.FAILED, reason, CREATED_AT_MILLIS));
        assertOnlyTheFinishedMarkerIsLeft(1);
    }

    /** The records reported to a side output, each checked to be valid on the wire. */
    private List<ClipRecord> reports(org.apache.flink.util.OutputTag<ClipEvent> tag) throws Exception {
        List<ClipRecord> records = new ArrayList<>();
        var queue = harness.getSideOutput(tag);
        if (queue != null) {
            for (var r : queue) {
                VALIDATOR.validate(r.getValue().record());
                records.add(r.getValue().record());
            }
        }
        return records;
    }

    private static ChunkStatus change(String clipId, int chunk, int count, ChunkStatus.State state, int attempt,
            String error, long at) {
        return new ChunkStatus(clipId, chunk, count, state, attempt, error, at, ClipMode.CHUNKED.label());
    }

    /** What the assembler sends when the clip's manifest arrives, ahead of its chunks. */
    private void startClip(SyntheticClip clip) throws Exception {
        harness.processElement(Chunk.clipStarted(clip.manifest), 0L);
    }

    /** Of each ended clip only its finished marker is left: one entry, no timer. */
    private void assertOnlyTheFinishedMarkerIsLeft(int clips) {
        assertThat(harness.numKeyedStateEntries()).as("keyed state entries").isEqualTo(clips);
        assertThat(harness.numEventTimeTimers()).isZero();
        assertThat(harness.numProcessingTimeTimers()).isZero();
    }

    private static List<Chunk> reorder(List<Chunk> chunks, Order order) {
        List<Chunk> reordered = new ArrayList<>(chunks);
        switch (order) {
            case IN_ORDER -> { }
            case SHUFFLED -> {
                Collections.shuffle(reordered, new Random(42));
                if (reordered.size() > 1 && reordered.get(0).getIndex() == 0) {
                    Collections.swap(reordered, 0, 1);
                }
            }
            case REVERSED -> Collections.reverse(reordered);
        }
        return reordered;
    }

    private static double raisedCosine(int j, int n) {
        return 0.5 - 0.5 * Math.cos(Math.PI * (j + 0.5) / n);
    }

    private static List<ClipEvent> eventsOf(List<ClipEvent> events, String clipId) {
        return events.stream().filter(e -> e.clipId().equals(clipId)).toList();
    }

    /**
     * Checks one clip's output: its manifest first, then frames {@code 0 ..} in order with exactly the
     * given bytes and audio blocks of 250 ms (the last shorter) tiling exactly the given samples,
     * and {@code end} last; every record valid for the output topics.
     */
    private static void assertClip(List<ClipEvent> events, SyntheticClip clip, byte[][] frames, short[] samples,
            EndOfClip end) throws Exception {
        for (ClipEvent e : events) {
            VALIDATOR.validate(e.record());
        }
        assertThat(events.get(0).getManifest()).isEqualTo(clip.manifest);
        assertThat(events.get(events.size() - 1).getEnd()).isEqualTo(end);
        int channels = Math.max(1, clip.channels);
        int frame = 0;
        int sample = 0;
        short[] audio = new short[samples.length];
        List<Integer> blockSizes = new ArrayList<>();
        for (ClipEvent e : events.subList(1, events.size() - 1)) {
            if (e.getFrame() != null) {
                VideoFrame f = e.getFrame();
                assertThat(f.getFrameIndex()).isEqualTo(frame);
                assertThat(f.getPtsMicros())
                        .isEqualTo(frame * 1_000_000L * clip.manifest.getFpsDen() / clip.manifest.getFpsNum());
                assertThat(f.getWidth()).isEqualTo(WIDTH);
                assertThat(f.getHeight()).isEqualTo(HEIGHT);
                assertThat(frame).isLessThan(frames.length);
                if (!Arrays.equals(f.getImage(), frames[frame])) {
                    fail("frame " + frame + " of " + clip.manifest.getClipId() + " differs from the expected JPEG");
                }
                frame++;
            } else if (e.getAudio() != null) {
                AudioBlock b = e.getAudio();
                assertThat(b.getFirstSample()).isEqualTo(sample);
                assertThat(b.getSampleRate()).isEqualTo(SAMPLE_RATE);
                assertThat(b.getChannels()).isEqualTo(clip.channels);
                assertThat(sample * channels + b.getSamples().length).isLessThanOrEqualTo(samples.length);
                System.arraycopy(b.getSamples(), 0, audio, sample * channels, b.getSamples().length);
                blockSizes.add(b.sampleCount());
                sample += b.sampleCount();
            } else {
                fail("unexpected record between the manifest and the end: " + e);
            }
        }
        assertThat(frame).as("frames").isEqualTo(frames.length);
        assertThat(sample * channels).as("sample values").isEqualTo(samples.length);
        int differs = Arrays.mismatch(audio, samples);
        if (differs >= 0) {
            fail("sample value " + differs + " of " + clip.manifest.getClipId() + " is " + audio[differs]
                    + ", expected " + samples[differs]);
        }
        for (int i = 0; i < blockSizes.size(); i++) {
            if (i < blockSizes.size() - 1) {
                assertThat(blockSizes.get(i)).as("block %d", i).isEqualTo(BLOCK_SAMPLES);
            } else {
                assertThat(blockSizes.get(i)).as("last block").isBetween(1, BLOCK_SAMPLES);
            }
        }
    }

    private static short[] audioOf(List<ClipEvent> events, int values) {
        short[] audio = new short[values];
        for (ClipEvent e : events) {
            if (e.getAudio() != null) {
                System.arraycopy(e.getAudio().getSamples(), 0, audio, (int) e.getAudio().getFirstSample(),
                        e.getAudio().getSamples().length);
            }
        }
        return audio;
    }

    private static byte[][] framesOf(List<ClipEvent> events, int count) {
        byte[][] frames = new byte[count][];
        for (ClipEvent e : events) {
            if (e.getFrame() != null) {
                frames[(int) e.getFrame().getFrameIndex()] = e.getFrame().getImage();
            }
        }
        return frames;
    }

    private static int offset(short[] merged, short[] original, int sample) {
        return merged[sample] - original[sample];
    }

    private static double meanDifference(byte[] a, byte[] b) {
        long sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += (a[i] & 0xff) - (b[i] & 0xff);
        }
        return (double) sum / a.length;
    }

    /**
     * Where each chunk's core starts (and, at the end, {@link Long#MAX_VALUE}): the cut between chunks
     * k-1 and k 0.6 s into their 2 s overlap, off its middle on purpose.
     */
    private static long[] coresCutOffTheMiddle(List<Chunk> chunks) {
        long[] coreStart = new long[chunks.size() + 1];
        for (int k = 1; k < chunks.size(); k++) {
            coreStart[k] = chunks.get(k).framePtsMicros(15);
        }
        coreStart[chunks.size()] = Long.MAX_VALUE;
        return coreStart;
    }

    /** Chunk {@code k} with its frame times and its core from {@code coreStart}. */
    private static Chunk timed(Chunk c, long[] coreStart, int k) {
        long[] pts = new long[c.getImages().length];
        for (int i = 0; i < pts.length; i++) {
            pts[i] = c.framePtsMicros(i);
        }
        return c.withTimes(pts, coreStart[k], coreStart[k + 1], "gap", null);
    }
}
