package io.dubstream.job.chunking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.dubstream.connectors.records.ClipManifest;
import io.dubstream.connectors.records.ClipMode;
import io.dubstream.job.records.Chunk;
import io.dubstream.job.records.ClipEvent;

/**
 * {@link ChunkAssembler} with the default hybrid threshold of 15 s: clips up to it run as one chunk,
 * longer ones are chunked; when the mode is decided, and that a clip waiting for the decision holds
 * no more than the threshold's worth of frames. Clips at 25 fps, where 15 s is 375 frames.
 */
class ChunkAssemblerHybridTest extends ChunkAssemblerTestBase {

    @Override
    AssemblerSettings settings() {
        return settings(CONTEXT, HYBRID);
    }

    static Stream<Arguments> clips() {
        return Stream.of(
                arguments(clip25("5s", 5_000), ClipMode.WHOLE, List.of(lastRow(0, 0, 125, 0, 80_000))),
                arguments(clip25("15s", 15_000), ClipMode.WHOLE, List.of(lastRow(0, 0, 375, 0, 240_000))),
                // 376 frames, 15.04 s: one frame over
                arguments(clip25("15.04s", 15_040), ClipMode.CHUNKED, List.of(
                        row(0, 0, 275, 0, 176_000, 225, 144_000),
                        lastRow(1, 225, 376, 144_000, 240_640))),
                arguments(clip25("45s", 45_000), ClipMode.CHUNKED, ROWS_45S_AT_25));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("clips")
    void aClipUpToTheThresholdRunsWholeALongerOneChunked(SyntheticClip clip, ClipMode mode, List<Row> rows)
            throws Exception {
        feed(clip.upload());

        List<Chunk> out = harness.extractOutputValues();
        assertThat(out).extracting(Row::of).containsExactlyElementsOf(rows);
        assertThat(out).extracting(Chunk::getMode).containsOnly(mode);
        if (mode == ClipMode.WHOLE) {
            assertThat(out).containsExactly(clip.wholeChunk());
        } else {
            assertChunks(out, clip, rows);
            assertTilesTheClip(out, clip);
        }
        assertThat(deadLetters()).isEmpty();
        assertOnlyFinishedMarkersLeft(1);
    }

    @Test
    void aThresholdOfZeroChunksEveryClip() throws Exception {
        reopenHarness(settings(CONTEXT, Duration.ZERO));
        SyntheticClip clip = clip25("5s", 5_000);

        feed(clip.upload());

        List<Row> rows = List.of(lastRow(0, 0, 125, 0, 80_000));
        assertChunks(harness.extractOutputValues(), clip, rows);
        assertThat(harness.extractOutputValues()).extracting(Chunk::getMode).containsExactly(ClipMode.CHUNKED);
        assertOnlyFinishedMarkersLeft(1);
    }

    @Test
    void withoutADurationTheEndOfClipRecordDecides() throws Exception {
        // 12 s: chunked, chunk 0 would go out at frame 275 already
        SyntheticClip clip = clip25("12s", 12_000);
        ClipManifest noDuration = clip.manifest(-1);
        feed(noDuration);
        feed(clip.media());
        assertThat(harness.extractOutputValues()).as("not decided before the end").isEmpty();
        assertThat(heldFrames(clip)).isEqualTo(300);

        feed(clip.end());

        assertThat(harness.extractOutputValues()).containsExactly(
                clip.wholeChunk(noDuration));
        assertOnlyFinishedMarkersLeft(1);
    }

    @Test
    void withoutADurationTheFirstFramePastTheThresholdDecides() throws Exception {
        SyntheticClip clip = clip25("45s", 45_000);
        ClipManifest noDuration = clip.manifest(-1);
        List<ClipEvent> media = clip.media();
        int frame375 = media.indexOf(ClipEvent.of(clip.frame(375)));
        feed(noDuration);
        feed(media.subList(0, frame375));
        assertThat(harness.extractOutputValues()).as("375 frames: 15 s, still whole").isEmpty();
        assertThat(heldFrames(clip)).isEqualTo(375);

        feed(media.get(frame375));
        assertThat(harness.extractOutputValues()).extracting(Chunk::getIndex).as("chunked").containsExactly(0);

        feed(media.subList(frame375 + 1, media.size()));
        feed(clip.end());
        assertThat(harness.extractOutputValues()).containsExactlyElementsOf(
                withManifest(expected(clip, ROWS_45S_AT_25), noDuration));
        assertOnlyFinishedMarkersLeft(1);
    }

    @Test
    void framesPastTheThresholdOverruleAManifestThatSaysTheClipIsShort() throws Exception {
        SyntheticClip clip = clip25("45s", 45_000);
        ClipManifest tenSeconds = clip.manifest(10_000_000);
        feed(tenSeconds);
        int maxHeld = 0;
        for (ClipEvent event : clip.media()) {
            feed(event);
            maxHeld = Math.max(maxHeld, heldFrames(clip));
        }
        feed(clip.end());

        assertThat(harness.extractOutputValues()).containsExactlyElementsOf(
                withManifest(expected(clip, ROWS_45S_AT_25), tenSeconds));
        assertThat(maxHeld).as("the threshold's 375 frames; the one past them sends chunk 0 out").isEqualTo(375);
        assertOnlyFinishedMarkersLeft(1);
    }

    @Test
    void aManifestThatSaysTheClipIsLongDecidesChunked() throws Exception {
        SyntheticClip clip = clip25("5s", 5_000);
        ClipManifest twentySeconds = clip.manifest(20_000_000);
        feed(twentySeconds);
        feed(clip.media());
        feed(clip.end());

        assertThat(harness.extractOutputValues()).containsExactlyElementsOf(
                withManifest(expected(clip, List.of(lastRow(0, 0, 125, 0, 80_000))), twentySeconds));
        assertOnlyFinishedMarkersLeft(1);
    }

    private static List<Chunk> withManifest(List<Chunk> chunks, ClipManifest manifest) {
        chunks.forEach(c -> c.setManifest(manifest));
        return chunks;
    }
}
