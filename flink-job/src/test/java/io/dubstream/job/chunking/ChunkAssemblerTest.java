package io.dubstream.job.chunking;

import static org.apache.flink.types.PojoTestUtils.assertSerializedAsPojoWithoutKryo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.dubstream.connectors.records.AudioBlock;
import io.dubstream.connectors.records.ClipMode;
import io.dubstream.connectors.records.DeadLetter;
import io.dubstream.connectors.records.EndOfClip;
import io.dubstream.connectors.records.VideoFrame;
import io.dubstream.job.records.Chunk;
import io.dubstream.job.records.ClipEvent;

/**
 * {@link ChunkAssembler} in a keyed harness: the exact chunks of synthetic clips (ranges worked out
 * by hand, every frame and sample compared), when they go out, how much state they hold, the
 * failure paths, and that nothing of a clip is left once it has ended and its marker expired.
 */
class ChunkAssemblerTest extends ChunkAssemblerTestBase {

    /** Every clip chunked, however short: the chunk plan alone. */
    @Override
    AssemblerSettings settings() {
        return settings(CONTEXT, Duration.ZERO);
    }

    // ---------------------------------------------------------------- whole clips

    static Stream<Arguments> wholeClips() {
        return Stream.of(
                arguments(clip25("5s", 5_000), List.of(lastRow(0, 0, 125, 0, 80_000))),
                arguments(clip25("10s", 10_000), List.of(lastRow(0, 0, 250, 0, 160_000))),
                // 260 frames: the second core has started, and the first chunk is clamped to the clip
                arguments(clip25("10.4s", 10_400), List.of(
                        row(0, 0, 260, 0, 166_400, 225, 144_000),
                        lastRow(1, 225, 260, 144_000, 166_400))),
                // audio shorter than the video: it ends before the second chunk starts
                arguments(clip25("15s-8s", 15_000).withAudioMillis(8_000), List.of(
                        row(0, 0, 275, 0, 128_000, 225, 128_000),
                        lastRow(1, 225, 375, 128_000, 128_000))),
                // audio longer than the video: the last chunk has it all
                arguments(clip25("10.4s-12s", 10_400).withAudioMillis(12_000), List.of(
                        row(0, 0, 260, 0, 176_000, 225, 144_000),
                        lastRow(1, 225, 260, 144_000, 192_000))),
                arguments(clip25("45s", 45_000), ROWS_45S_AT_25),
                arguments(clip25("60s", 60_000), concat(FIRST_4_AT_25,
                        row(4, 975, 1275, 624_000, 816_000, 1225, 784_000),
                        lastRow(5, 1225, 1500, 784_000, 960_000))),
                arguments(clip25("90s", 90_000), concat(FIRST_4_AT_25,
                        row(4, 975, 1275, 624_000, 816_000, 1225, 784_000),
                        row(5, 1225, 1525, 784_000, 976_000, 1475, 944_000),
                        row(6, 1475, 1775, 944_000, 1_136_000, 1725, 1_104_000),
                        row(7, 1725, 2025, 1_104_000, 1_296_000, 1975, 1_264_000),
                        lastRow(8, 1975, 2250, 1_264_000, 1_440_000))),
                // 1078.92 frames -> 1079; chunk 4 starts at 39 s -> 935.06 -> 936
                arguments(SyntheticClip.of("45s-23.976", 45_000, 24_000, 1001, 16_000, 1), List.of(
                        row(0, 0, 264, 0, 176_000, 216, 144_000),
                        row(1, 216, 504, 144_000, 336_000, 456, 304_000),
                        row(2, 456, 744, 304_000, 496_000, 696, 464_000),
                        row(3, 696, 984, 464_000, 656_000, 936, 624_000),
                        lastRow(4, 936, 1079, 624_000, 720_000))),
                // 1348.65 frames -> 1349; chunk 4 starts at 39 s -> 1168.83 -> 1169
                arguments(SyntheticClip.of("45s-29.97", 45_000, 30_000, 1001, 16_000, 1), List.of(
                        row(0, 0, 330, 0, 176_000, 270, 144_000),
                        row(1, 270, 630, 144_000, 336_000, 570, 304_000),
                        row(2, 570, 930, 304_000, 496_000, 870, 464_000),
                        row(3, 870, 1229, 464_000, 656_000, 1169, 624_000),
                        lastRow(4, 1169, 1349, 624_000, 720_000))),
                // stereo, 449.55 frames -> 450
                arguments(stereo2997("15s-stereo"), STEREO_ROWS));
    }

    private static final List<Row> STEREO_ROWS = List.of(
            row(0, 0, 330, 0, 176_000, 270, 144_000),
            lastRow(1, 270, 450, 144_000, 240_000));

    @ParameterizedTest(name = "{0}")
    @MethodSource("wholeClips")
    void cutsAWholeUploadIntoThePlannedChunks(SyntheticClip clip, List<Row> rows) throws Exception {
        feed(clip.upload());

        List<Chunk> out = harness.extractOutputValues();
        assertChunks(out, clip, rows);
        assertTilesTheClip(out, clip);
        assertOnlyFinishedMarkersLeft(1);
    }

    @Test
    void clipWithoutAudio() throws Exception {
        SyntheticClip clip = SyntheticClip.of("silent", 45_000, 25, 1, 0, 0);

        feed(clip.upload());

        List<Chunk> out = harness.extractOutputValues();
        assertChunks(out, clip, List.of(
                row(0, 0, 275, 0, 0, 225, 0),
                row(1, 225, 525, 0, 0, 475, 0),
                row(2, 475, 775, 0, 0, 725, 0),
                row(3, 725, 1025, 0, 0, 975, 0),
                lastRow(4, 975, 1125, 0, 0)));
        assertThat(out).allSatisfy(c -> assertThat(c.getSamples()).isEmpty());
        assertOnlyFinishedMarkersLeft(1);
    }

    // ---------------------------------------------------------------- streaming and the state bound

    @Test
    void emitsTheFirstChunkOnceItsLastFrameAndSampleAreIn() throws Exception {
        SyntheticClip clip = clip25("45s", 45_000);
        List<AudioBlock> blocks = clip.blocks();
        feed(clip.manifest());
        // Chunk 0 is frames [0, 275) and samples [0, 176000): 44 blocks of 4000. Frame 275, the first at or
        // after the chunk's end time, proves where its frames end: a frame's time is known only when it comes.
        feedAll(blocks.subList(0, 43));
        feedFrames(clip, 0, 276);
        assertThat(harness.extractOutputValues()).as("all frames, one block short").isEmpty();

        feed(blocks.get(43));

        assertChunks(harness.extractOutputValues(), clip, List.of(row(0, 0, 275, 0, 176_000, 225, 144_000)));
    }

    @Test
    void audioEntirelyBeforeVideo() throws Exception {
        SyntheticClip clip = clip25("45s", 45_000);
        feed(clip.manifest());
        feedAll(clip.blocks());
        feedFrames(clip, 0, 275);
        assertThat(harness.extractOutputValues()).as("one frame short").isEmpty();
        assertThat(heldAudioBlocks(clip)).isEqualTo(180);

        feed(clip.frame(275));
        assertThat(harness.extractOutputValues()).hasSize(1);
        // Blocks below sample 144000, where chunk 1 starts, are dropped.
        assertThat(heldAudioBlocks(clip)).isEqualTo(180 - 36);
        feedFrames(clip, 276, clip.frames);
        feed(clip.end());

        assertTilesTheClip(harness.extractOutputValues(), clip);
        assertThat(harness.extractOutputValues()).containsExactlyElementsOf(expected(clip, wholeClipRows(clip)));
        assertOnlyFinishedMarkersLeft(1);
    }

    @Test
    void needsTheFirstFrameOfTheNextCoreWithoutContext() throws Exception {
        reopenHarness(settings(Duration.ZERO, Duration.ZERO));
        SyntheticClip clip = clip25("45s", 45_000);
        feed(clip.manifest());
        feedAll(clip.blocks().subList(0, 40));
        feedFrames(clip, 0, 250);
        assertThat(harness.extractOutputValues()).as("chunk 0's frames, but is it the last?").isEmpty();

        feed(clip.frame(250));

        assertChunks(harness.extractOutputValues(), clip, List.of(row(0, 0, 250, 0, 160_000, 250, 160_000)));
    }

    @Test
    void streamsChunksBeforeTheEndAndHoldsAtMostOneChunk() throws Exception {
        SyntheticClip clip = clip25("90s", 90_000);
        int maxFrames = 0;
        int maxBlocks = 0;
        feed(clip.manifest());
        for (ClipEvent event : clip.media()) {
            feed(event);
            maxFrames = Math.max(maxFrames, heldFrames(clip));
            maxBlocks = Math.max(maxBlocks, heldAudioBlocks(clip));
        }

        // Chunks 0..7 need nothing past frame 2025; only the last waits for the end-of-clip record.
        assertThat(harness.extractOutputValues()).extracting(Chunk::getIndex).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
        // A chunk is 300 frames and 48 blocks (12 s); the frame after it sends it out.
        assertThat(maxFrames).isEqualTo(300);
        // and the block that starts with that frame came just before it
        assertThat(maxBlocks).isEqualTo(49);
        // Left: chunk 8, frames [1975, 2250) and samples [1264000, 1440000).
        assertThat(heldFrames(clip)).isEqualTo(275);
        assertThat(heldAudioBlocks(clip)).isEqualTo(44);

        feed(clip.end());

        assertThat(harness.extractOutputValues()).containsExactlyElementsOf(expected(clip, wholeClipRows(clip)));
        assertOnlyFinishedMarkersLeft(1);
    }

    // ---------------------------------------------------------------- arrival order

    @Test
    void aClipStartsOnceWhenItsManifestArrivesLongBeforeItsFirstChunk() throws Exception {
        SyntheticClip clip = clip25("45s", 45_000);
        List<ClipEvent> media = clip.media();
        int split = media.indexOf(ClipEvent.of(clip.frame(100)));
        feed(media.subList(0, split));
        assertThat(clipsStarted()).as("no manifest yet").isEmpty();

        feed(clip.manifest());

        assertThat(clipsStarted()).containsExactly(Chunk.clipStarted(clip.manifest()));
        assertThat(clipsStarted().get(0).isClipStart()).isTrue();
        assertThat(harness.extractOutputValues()).as("no chunk yet: the marker is not one").isEmpty();
        feed(clip.manifest());
        feed(media.subList(split, media.size()));
        feed(clip.end());
        feed(clip.manifest());
        assertThat(clipsStarted()).as("a manifest sent again, also after the end, starts nothing").hasSize(1);
        assertThat(harness.extractOutputValues()).extracting(Chunk::getIndex).containsExactly(0, 1, 2, 3, 4);
        assertOnlyFinishedMarkersLeft(1);
    }

    @Test
    void aManifestThatFailsItsClipStartsNothing() throws Exception {
        SyntheticClip clip = clip25("45s", 45_000);
        feed(new VideoFrame(clip.id, 0, 0, SyntheticClip.WIDTH / 2, SyntheticClip.HEIGHT / 2, clip.image(0)));

        feed(clip.manifest());

        assertThat(clipsStarted()).isEmpty();
        assertThat(harness.extractOutputValues()).singleElement().satisfies(c -> assertThat(c.isFailure()).isTrue());
    }

    @Test
    void manifestAfterFramesAndAudio() throws Exception {
        SyntheticClip clip = clip25("45s", 45_000);
        List<ClipEvent> media = clip.media();
        int split = media.indexOf(ClipEvent.of(clip.frame(400)));
        feed(media.subList(0, split));
        assertThat(harness.extractOutputValues()).isEmpty();

        feed(clip.manifest());
        assertThat(harness.extractOutputValues()).extracting(Chunk::getIndex).containsExactly(0);

        feed(media.subList(split, media.size()));
        feed(clip.end());

        assertThat(harness.extractOutputValues()).containsExactlyElementsOf(expected(clip, wholeClipRows(clip)));
        assertOnlyFinishedMarkersLeft(1);
    }

    @Test
    void endOfClipBeforeTheLastFramesAndFramesOutOfOrder() throws Exception {
        SyntheticClip clip = clip25("45s", 45_000);
        List<ClipEvent> media = new ArrayList<>(clip.media());
        // Frames 1000..1124 arrive last, in reverse, after the end-of-clip record.
        List<ClipEvent> tail = new ArrayList<>();
        media.removeIf(e -> e.getFrame() != null && e.getFrame().getFrameIndex() >= 1000 && tail.add(e));
        Collections.reverse(tail);
        feed(clip.manifest());
        feed(media);
        feed(clip.end());
        feed(tail.subList(0, tail.size() - 1));
        assertThat(harness.extractOutputValues()).as("frame 1000 missing").hasSize(3);

        feed(tail.get(tail.size() - 1));

        assertThat(harness.extractOutputValues()).containsExactlyElementsOf(expected(clip, wholeClipRows(clip)));
        assertOnlyFinishedMarkersLeft(1);
    }

    @Test
    void refusesDuplicateFramesAndBlocksWithoutDisturbingTheClip() throws Exception {
        SyntheticClip clip = clip25("45s", 45_000);
        feed(clip.manifest());
        for (ClipEvent event : clip.media()) {
            feed(event);
            feed(event);
        }
        // Again, long after chunk 0 went out and its frames were dropped.
        feed(clip.frame(3));
        feed(clip.blocks().get(2));
        feed(clip.manifest());
        assertThat(heldFrames(clip)).isEqualTo(150);
        feed(clip.end());
        feed(clip.end());

        assertThat(harness.extractOutputValues()).containsExactlyElementsOf(expected(clip, wholeClipRows(clip)));
        // each record sent twice, then frame 3, block 2 and the manifest; the second end after the clip ended
        assertThat(deadLetters()).hasSize(1125 + 180 + 3 + 1);
        assertThat(deadLetters()).extracting(DeadLetter::getReason).startsWith(
                "duplicate audio block at sample 0 of clip 45s", "duplicate frame 0 of clip 45s");
        assertThat(deadLetters().subList(1305, 1309)).extracting(DeadLetter::getReason).containsExactly(
                "duplicate frame 3 of clip 45s", "duplicate audio block at sample 8000 of clip 45s",
                "duplicate manifest of clip 45s", "end-of-clip record of clip 45s arrived after the clip ended");
        assertOnlyFinishedMarkersLeft(1);
    }

    @Test
    void clipsOfDifferentKeysAreIndependent() throws Exception {
        SyntheticClip a = clip25("clip-a", 45_000);
        SyntheticClip b = stereo2997("clip-b");
        SyntheticClip c = clip25("clip-c", 30_000);
        List<ClipEvent> cEvents = new ArrayList<>(c.upload().subList(0, 300));
        cEvents.add(ClipEvent.of(EndOfClip.aborted("clip-c", 250, 72_000, "source file truncated", 1L)));
        feed(interleave(a.upload(), b.upload(), cEvents));

        List<Chunk> out = harness.extractOutputValues();
        assertChunks(only(out, "clip-a"), a, wholeClipRows(a));
        assertChunks(only(out, "clip-b"), b, STEREO_ROWS);
        assertThat(only(out, "clip-c")).containsExactly(
                Chunk.failure("clip-c", c.manifest(), ClipMode.CHUNKED, 0, "upload aborted: source file truncated"));
        assertThat(deadLetters()).as("an aborted upload is the sender's own notice").isEmpty();
        assertOnlyFinishedMarkersLeft(3);
    }

    // ---------------------------------------------------------------- failures

    @Test
    void abortedUploadFailsOnceAfterTheChunksSoFar() throws Exception {
        SyntheticClip clip = clip25("45s", 45_000);
        List<ClipEvent> upload = clip.upload();
        feed(upload.subList(0, upload.indexOf(ClipEvent.of(clip.frame(600)))));
        feed(EndOfClip.aborted(clip.id, 600, 384_000, "frame 600 is 1200000 bytes, above the limit", 1L));

        List<Chunk> out = harness.extractOutputValues();
        assertThat(out).extracting(Chunk::getIndex).containsExactly(0, 1, 2);
        assertThat(out.get(2)).isEqualTo(Chunk.failure(clip.id, clip.manifest(), ClipMode.CHUNKED, 2,
                "upload aborted: frame 600 is 1200000 bytes, above the limit"));
        assertOnlyFinishedMarkersLeft(1);
    }

    @Test
    void idleClipFailsAfterTheTimeoutFromItsLastRecord() throws Exception {
        SyntheticClip clip = clip25("45s", 45_000);
        feed(clip.manifest());
        feedAll(clip.blocks().subList(0, 4));
        feedFrames(clip, 0, 10);
        assertThat(harness.numEventTimeTimers()).as("one idle timer, not one per record").isEqualTo(1);
        assertThat(harness.numProcessingTimeTimers()).as("one stalled-input timer").isEqualTo(1);
        liveInputReaches(T0 + 20_000);
        feed(clip.frame(10));

        liveInputReaches(T0 + IDLE_MS);
        assertThat(harness.extractOutputValues()).as("20 s after the first record, 10 s after the last").isEmpty();
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);
        liveInputReaches(T0 + 20_000 + IDLE_MS - 1);
        assertThat(harness.extractOutputValues()).isEmpty();

        liveInputReaches(T0 + 20_000 + IDLE_MS);

        assertThat(harness.extractOutputValues()).containsExactly(Chunk.failure(clip.id, clip.manifest(),
                ClipMode.CHUNKED, 0,
                "no end-of-clip record within 30 s of the last record (11 frames, 16000 samples received)"));
        assertThat(deadLetters()).containsExactly(new DeadLetter(clip.id, "dubstream.clips", -1, -1, "clip 45s timed out:"
                + " no end-of-clip record within 30 s of the last record (11 frames, 16000 samples received);"
                + " dropped the 11 frames and 4 audio blocks held", new byte[0], T0 + 20_000 + IDLE_MS));
        assertOnlyFinishedMarkersLeft(1);
    }

    @Test
    void incompleteClipFailsAfterTheTimeout() throws Exception {
        SyntheticClip clip = clip25("5s", 5_000);
        List<ClipEvent> upload = new ArrayList<>(clip.upload());
        upload.remove(ClipEvent.of(clip.frame(60)));
        feed(upload);

        liveInputReaches(T0 + IDLE_MS);

        String reason = "clip incomplete 30 s after its last record: the end-of-clip record says 125 frames and 80000"
                + " samples (124 frames, 80000 samples received)";
        assertThat(harness.extractOutputValues()).containsExactly(
                Chunk.failure(clip.id, clip.manifest(), ClipMode.CHUNKED, 0, reason));
        assertThat(deadLetters()).extracting(DeadLetter::getReason)
                .containsExactly("clip 5s timed out: " + reason + "; dropped the 124 frames and 20 audio blocks held");
        assertOnlyFinishedMarkersLeft(1);
    }

    @Test
    void endOfClipWithoutFramesFailsTheClip() throws Exception {
        SyntheticClip clip = clip25("empty", 5_000);
        feed(clip.manifest());
        feed(EndOfClip.complete(clip.id, 0, 0, 1L));

        assertThat(harness.extractOutputValues()).containsExactly(Chunk.failure(clip.id, clip.manifest(),
                ClipMode.CHUNKED, 0, "the end-of-clip record says the clip has 0 frames"));
        assertThat(deadLetters()).extracting(DeadLetter::getReason)
                .containsExactly("the end-of-clip record says the clip has 0 frames");
        assertOnlyFinishedMarkersLeft(1);
    }

    @Test
    void endOfClipThatDisagreesWithWhatArrivedFailsTheClip() throws Exception {
        SyntheticClip clip = clip25("5s", 5_000);
        feed(clip.media());
        feed(clip.manifest());
        EndOfClip end = EndOfClip.complete(clip.id, clip.frames, 40_000, 1L);
        feed(end);

        String reason = "80000 samples arrived but the end-of-clip record says 40000";
        assertThat(harness.extractOutputValues()).containsExactly(
                Chunk.failure(clip.id, clip.manifest(), ClipMode.CHUNKED, 0, reason));
        assertThat(deadLetters()).containsExactly(DEAD_LETTERS.refused(end, reason, T0).getDeadLetter());
        assertOnlyFinishedMarkersLeft(1);
    }

    // ---------------------------------------------------------------- after the end

    @Test
    void recordsAfterTheEndAreRefusedUntilTheMarkerExpires() throws Exception {
        SyntheticClip clip = clip25("5s", 5_000);
        feed(clip.upload());
        assertThat(harness.extractOutputValues()).hasSize(1);
        harness.getOutput().clear();

        harness.setProcessingTime(T0 + 50_000);
        feed(clip.upload());
        feed(EndOfClip.aborted(clip.id, 3, 0, "late", 2L));

        assertThat(harness.extractOutputValues()).isEmpty();
        List<DeadLetter> refused = deadLetters();
        assertThat(refused).hasSize(clip.upload().size() + 1);
        assertThat(refused).extracting(DeadLetter::getReason).startsWith(
                "duplicate manifest of clip 5s, after the clip ended",
                "audio block at sample 0 of clip 5s arrived after the clip ended",
                "frame 0 of clip 5s arrived after the clip ended");
        assertThat(refused.get(refused.size() - 1).getReason())
                .isEqualTo("end-of-clip record of clip 5s arrived after the clip ended");
        assertThat(heldFrames(clip)).isZero();
        assertThat(harness.numKeyedStateEntries()).as("the finished marker and the manifest").isEqualTo(2);
        harness.setProcessingTime(T0 + RETENTION_MS);
        assertThat(harness.numKeyedStateEntries()).as("kept: a record came 50 s after the end").isEqualTo(2);
        assertThat(harness.numProcessingTimeTimers()).isEqualTo(1);
        harness.setProcessingTime(T0 + 50_000 + RETENTION_MS);
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numProcessingTimeTimers()).isZero();
        assertThat(harness.extractOutputValues()).isEmpty();
    }

    @Test
    void recordsAfterAnIdleFailureAreRefusedWithoutASecondFailure() throws Exception {
        SyntheticClip clip = clip25("45s", 45_000);
        List<ClipEvent> upload = clip.upload();
        feed(upload.subList(0, 100));
        liveInputReaches(T0 + IDLE_MS);
        assertThat(harness.extractOutputValues()).extracting(Chunk::isFailure).containsExactly(true);

        // The upload resumes: everything else, then the end, 10 s apart at most.
        for (int i = 100; i < upload.size(); i += 500) {
            harness.setProcessingTime(harness.getProcessingTime() + 10_000);
            feed(upload.subList(i, Math.min(i + 500, upload.size())));
        }
        harness.setProcessingTime(harness.getProcessingTime() + RETENTION_MS);

        assertThat(harness.extractOutputValues()).hasSize(1);
        assertThat(deadLetters()).as("the timeout's, then one per record of the resumed upload")
                .hasSize(1 + upload.size() - 100);
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numProcessingTimeTimers()).isZero();
    }

    @Test
    void deadLettersLeaveNoTrace() throws Exception {
        feed(new DeadLetter("clip-x", "dubstream.frames", 0, 42, "truncated", new byte[] {1, 2}, 1L));

        assertThat(harness.extractOutputValues()).isEmpty();
        assertThat(deadLetters()).isEmpty();
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numProcessingTimeTimers()).isZero();
    }

    // ---------------------------------------------------------------- pieces

    @Test
    void samplesBetweenSlicesInterleavedBlocksAtAnyBoundary() {
        // Stereo blocks [0, 3) and [3, 7); sample s of channel c is 10 * s + c.
        AudioBlock first = new AudioBlock("c", 0, 16_000, 2, new short[] {0, 1, 10, 11, 20, 21});
        AudioBlock second = new AudioBlock("c", 3, 16_000, 2, new short[] {30, 31, 40, 41, 50, 51, 60, 61});

        assertThat(HeldMedia.samplesBetween(List.of(second, first), 2, 5, 2))
                .containsExactly(20, 21, 30, 31, 40, 41);
        assertThat(HeldMedia.samplesBetween(List.of(first, second), 6, 7, 2)).containsExactly(60, 61);
        assertThat(HeldMedia.samplesBetween(List.of(first), 1, 1, 2)).isEmpty();
        assertThatThrownBy(() -> HeldMedia.samplesBetween(List.of(first), 2, 5, 2))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("the audio blocks held cover 1 of the 3 samples from 2");
    }

    @Test
    void progressIsAPojo() {
        assertSerializedAsPojoWithoutKryo(ChunkAssembler.Progress.class);
    }

    @Test
    void refusesBadSettings() {
        assertThatThrownBy(() -> new AssemblerSettings(CORE, CONTEXT, HYBRID, Duration.ZERO, IDLE, MAX_HELD_FRAMES))
                .hasMessage("idle timeout must be positive, got PT0S");
        assertThatThrownBy(() -> new AssemblerSettings(CORE, CONTEXT, HYBRID, IDLE, Duration.ZERO, MAX_HELD_FRAMES))
                .hasMessage("finished-clip retention must be positive, got PT0S");
        assertThatThrownBy(() -> settings(CONTEXT, HYBRID).withStalledInputTimeout(Duration.ofSeconds(29)))
                .hasMessage("the stalled-input timeout PT29S must be at least the idle timeout PT30S");
        assertThatThrownBy(() -> settings(Duration.ofSeconds(6), HYBRID))
                .hasMessage("the shortest core, PT10S minus the cut tolerance PT0S, must be at least twice the context PT6S");
        assertThatThrownBy(() -> settings(CONTEXT, HYBRID).withCuts(Duration.ofSeconds(9), Duration.ofSeconds(20)))
                .hasMessage("the shortest core, PT10S minus the cut tolerance PT9S, must be at least twice the context PT1S");
        assertThatThrownBy(() -> settings(CONTEXT, HYBRID).withCuts(Duration.ofSeconds(2), Duration.ofSeconds(11)))
                .hasMessageStartingWith("maximum core PT11S must be at least the core plus the cut tolerance");
        assertThatThrownBy(() -> settings(CONTEXT, Duration.ofSeconds(-1)))
                .hasMessage("hybrid threshold must not be negative, got PT-1S");
        assertThatThrownBy(() -> new AssemblerSettings(CORE, CONTEXT, HYBRID, IDLE, Duration.ofSeconds(-1),
                MAX_HELD_FRAMES)).hasMessage("finished-clip retention must be positive, got PT-1S");
        assertThatThrownBy(() -> new AssemblerSettings(CORE, CONTEXT, HYBRID, IDLE, IDLE, 0))
                .hasMessage("the frames held per clip must be at least 1, got 0");
    }

    // ---------------------------------------------------------------- helpers

    /** The hand-worked rows of {@link #wholeClips()} for a clip of the same length and rate. */
    private static List<Row> wholeClipRows(SyntheticClip clip) {
        return wholeClips()
                .filter(a -> {
                    SyntheticClip c = (SyntheticClip) a.get()[0];
                    return c.frames == clip.frames && c.samples == clip.samples && c.fpsNum == clip.fpsNum
                            && c.channels == clip.channels;
                })
                .map(a -> {
                    @SuppressWarnings("unchecked")
                    List<Row> rows = (List<Row>) a.get()[1];
                    return rows;
                })
                .findFirst()
                .orElseThrow();
    }
}
