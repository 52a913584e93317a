package io.dubstream.job.chunking;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.dubstream.connectors.format.ClipRecordCodec;
import io.dubstream.connectors.records.AudioBlock;
import io.dubstream.connectors.records.ClipManifest;
import io.dubstream.connectors.records.ClipMode;
import io.dubstream.connectors.records.ClipRecord;
import io.dubstream.connectors.records.DeadLetter;
import io.dubstream.connectors.records.EndOfClip;
import io.dubstream.connectors.records.VideoFrame;
import io.dubstream.job.records.Chunk;
import io.dubstream.job.records.ClipEvent;

/**
 * Input that is valid record by record but wrong for its clip, one case per test, each fed
 * interleaved with a clean clip: the dead letter (reason, source topic, the record's bytes), the
 * bad clip's outcome as docs/design.md lists it, and the clean clip's one chunk, bit for bit.
 */
class ChunkAssemblerBadInputTest extends ChunkAssemblerTestBase {

    /** Runs whole with the default threshold: its one chunk is the whole clip. */
    private static final SyntheticClip CLEAN = clip25("clean", 5_000);
    private static final ClipRecordCodec CODEC = new ClipRecordCodec();

    @Override
    AssemblerSettings settings() {
        return settings(CONTEXT, HYBRID);
    }

    @AfterEach
    void cleanClipIsUntouched() {
        assertThat(only(harness.extractOutputValues(), CLEAN.id)).containsExactly(CLEAN.wholeChunk());
        assertThat(deadLetters()).noneMatch(d -> d.getClipId().equals(CLEAN.id));
    }

    // ---------------------------------------------------------------- the clip goes on

    @Test
    void duplicateFrameIsRefusedAndTheClipGoesOn() throws Exception {
        SyntheticClip clip = clip25("dup", 5_000);
        VideoFrame again = clip.frame(7);

        feedWithClean(inserted(clip.upload(), clip.frame(20), again));

        assertRefused(single(deadLetters()), again, "dubstream.media", "duplicate frame 7 of clip dup");
        assertThat(only(harness.extractOutputValues(), clip.id)).containsExactly(clip.wholeChunk());
        assertOnlyFinishedMarkersLeft(2);
    }

    @Test
    void duplicateAudioBlockIsRefusedAndTheClipGoesOn() throws Exception {
        SyntheticClip clip = clip25("dup", 5_000);
        AudioBlock again = clip.blocks().get(1);

        feedWithClean(inserted(clip.upload(), clip.frame(100), again));

        assertRefused(single(deadLetters()), again, "dubstream.media", "duplicate audio block at sample 4000 of clip dup");
        assertThat(only(harness.extractOutputValues(), clip.id)).containsExactly(clip.wholeChunk());
        assertOnlyFinishedMarkersLeft(2);
    }

    @Test
    void manifestSentAgainIsADuplicateAndTheClipGoesOn() throws Exception {
        SyntheticClip clip = clip25("dup", 5_000);

        feedWithClean(inserted(clip.upload(), clip.frame(50), clip.manifest()));

        assertRefused(single(deadLetters()), clip.manifest(), "dubstream.clips", "duplicate manifest of clip dup");
        assertThat(only(harness.extractOutputValues(), clip.id)).containsExactly(clip.wholeChunk());
        assertOnlyFinishedMarkersLeft(2);
    }

    @Test
    void framePastTheEndIsRefusedAndTheClipGoesOn() throws Exception {
        SyntheticClip clip = clip25("over", 5_000);
        List<ClipEvent> upload = new ArrayList<>(clip.upload());
        // the end-of-clip record before the last frame; between them a frame past the end
        ClipEvent lastFrame = ClipEvent.of(clip.frame(124));
        upload.remove(lastFrame);
        VideoFrame past = clip.frame(125);
        upload.add(ClipEvent.of(past));
        upload.add(lastFrame);

        feedWithClean(upload);

        assertRefused(single(deadLetters()), past, "dubstream.media",
                "frame 125 of clip over is past its end: the end-of-clip record says 125 frames");
        assertThat(only(harness.extractOutputValues(), clip.id)).containsExactly(clip.wholeChunk());
        assertOnlyFinishedMarkersLeft(2);
    }

    @Test
    void framePastTheEndThatCameBeforeTheEndRecordIsRefusedWhenItComes() throws Exception {
        SyntheticClip clip = clip25("over", 5_000);
        VideoFrame past = clip.frame(130);

        feedWithClean(inserted(clip.upload(), clip.frame(10), past));

        assertRefused(single(deadLetters()), past, "dubstream.media",
                "frame 130 of clip over is past its end: the end-of-clip record says 125 frames");
        assertThat(only(harness.extractOutputValues(), clip.id)).containsExactly(clip.wholeChunk());
        assertOnlyFinishedMarkersLeft(2);
    }

    @Test
    void audioPastTheEndIsRefusedAndTheClipGoesOn() throws Exception {
        SyntheticClip clip = clip25("over", 5_000);
        AudioBlock past = new AudioBlock(clip.id, 80_000, 16_000, 1, new short[4000]);
        List<ClipEvent> upload = new ArrayList<>(clip.upload());
        // the end-of-clip record before the last frame; between them a block past the end
        ClipEvent lastFrame = ClipEvent.of(clip.frame(124));
        upload.remove(lastFrame);
        upload.add(ClipEvent.of(past));
        upload.add(lastFrame);

        feedWithClean(upload);

        assertRefused(single(deadLetters()), past, "dubstream.media",
                "audio block at sample 80000 of clip over is past its end: the end-of-clip record says 80000 samples");
        assertThat(only(harness.extractOutputValues(), clip.id)).containsExactly(clip.wholeChunk());
        assertOnlyFinishedMarkersLeft(2);
    }

    @Test
    void manifestsAfterTheEndAreRefusedAndChangeNothing() throws Exception {
        SyntheticClip clip = clip25("done", 5_000);
        ClipManifest other = clip.manifest();
        other.setCreatedAtMillis(other.getCreatedAtMillis() + 60_000);

        feedWithClean(clip.upload());
        feed(clip.manifest(), other);

        List<DeadLetter> letters = deadLetters();
        assertThat(letters).hasSize(2);
        assertRefused(letters.get(0), clip.manifest(), "dubstream.clips",
                "duplicate manifest of clip done, after the clip ended");
        assertRefused(letters.get(1), other, "dubstream.clips",
                "clip id done was uploaded twice: a different manifest arrived after the clip ended");
        assertThat(only(harness.extractOutputValues(), clip.id)).containsExactly(clip.wholeChunk());
        assertOnlyFinishedMarkersLeft(2);
    }

    // ---------------------------------------------------------------- the clip fails

    @Test
    void unknownClipFailsAtTheIdleTimeoutWithOneDeadLetter() throws Exception {
        SyntheticClip orphan = clip25("orphan", 5_000);
        // audio block 0 and frames 0..3, and never a manifest
        feedWithClean(orphan.media().subList(0, 5));

        liveInputReaches(T0 + IDLE_MS);

        String reason = "no end-of-clip record within 30 s of the last record (4 frames, 4000 samples received,"
                + " no manifest)";
        assertThat(only(harness.extractOutputValues(), orphan.id))
                .containsExactly(Chunk.failure(orphan.id, null, 0, reason));
        assertThat(deadLetters()).containsExactly(new DeadLetter(orphan.id, "dubstream.clips", -1, -1,
                "clip orphan timed out: " + reason + "; dropped the 4 frames and 1 audio blocks held", new byte[0],
                T0 + IDLE_MS));
        assertOnlyFinishedMarkersLeft(2, 1);
    }

    @Test
    void framesBeyondWhatMayBeHeldFailTheClip() throws Exception {
        // the clean clip holds its 125 frames until its end; a clip without manifest may hold 130
        reopenHarness(new AssemblerSettings(CORE, CONTEXT, HYBRID, IDLE, Duration.ofMillis(RETENTION_MS), 130));
        SyntheticClip orphan = clip25("orphan", 10_000);
        List<ClipEvent> frames = new ArrayList<>();
        for (int i = 0; i < 135; i++) {
            frames.add(ClipEvent.of(orphan.frame(i)));
        }

        feedWithClean(frames);

        String reason = "clip orphan has 130 frames held waiting for its manifest and frame 130 would be one more"
                + " than dubstream.clip.max-held-frames (130) allows";
        assertThat(only(harness.extractOutputValues(), orphan.id))
                .containsExactly(Chunk.failure(orphan.id, null, 0, reason));
        List<DeadLetter> letters = deadLetters();
        assertRefused(letters.get(0), orphan.frame(130), "dubstream.media", reason);
        assertThat(letters).hasSize(5);
        assertThat(letters.subList(1, 5)).allSatisfy(
                d -> assertThat(d.getReason()).endsWith(" of clip orphan arrived after the clip ended"));
        assertOnlyFinishedMarkersLeft(2, 1);
    }

    @Test
    void audioBeyondWhatMayBeHeldFailsTheClip() throws Exception {
        // 150 s of audio sent ahead of any frame: the clip may hold 2 min (dubstream.clip.max-held-audio)
        SyntheticClip ahead = clip25("ahead", 150_000);
        List<ClipEvent> records = new ArrayList<>();
        records.add(ClipEvent.of(ahead.manifest()));
        for (AudioBlock block : ahead.blocks()) {
            records.add(ClipEvent.of(block));
        }

        feedWithClean(records);

        AudioBlock over = ahead.blocks().stream().filter(b -> b.getFirstSample() + b.sampleCount() > 120 * 16_000)
                .findFirst().orElseThrow();
        String reason = "clip ahead has " + over.getFirstSample() + " samples of audio held (0 frames) and the block at"
                + " sample " + over.getFirstSample() + " would be more than dubstream.clip.max-held-audio (120.0 s,"
                + " 1920000 samples at 16000 Hz) allows";
        assertThat(only(harness.extractOutputValues(), ahead.id)).singleElement()
                .satisfies(c -> assertThat(c.getFailure()).isEqualTo(reason));
        assertRefused(deadLetters().get(0), over, "dubstream.media", reason);
    }

    @Test
    void aClipFasterThanTheHighestFrameRateFailsAtItsManifest() throws Exception {
        SyntheticClip fast = SyntheticClip.of("fast", 2_000, 240, 1, 16_000, 1);

        feedWithClean(fast.upload());

        String reason = "clip fast is 240/1 fps, faster than dubstream.clip.max-fps (120) allows";
        assertThat(only(harness.extractOutputValues(), fast.id)).containsExactly(Chunk.failure(fast.id, null, 0, reason));
        assertRefused(deadLetters().get(0), fast.manifest(), "dubstream.clips", reason);
    }

    @Test
    void missingEndOfClipFailsTheClipAtTheIdleTimeoutWithOneDeadLetter() throws Exception {
        SyntheticClip clip = clip25("endless", 5_000);
        List<ClipEvent> upload = clip.upload();
        feedWithClean(upload.subList(0, upload.size() - 1));

        liveInputReaches(T0 + IDLE_MS);

        String reason = "no end-of-clip record within 30 s of the last record (125 frames, 80000 samples received)";
        assertThat(only(harness.extractOutputValues(), clip.id))
                .containsExactly(Chunk.failure(clip.id, clip.manifest(), ClipMode.WHOLE, 0, reason));
        assertThat(deadLetters()).containsExactly(new DeadLetter(clip.id, "dubstream.clips", -1, -1,
                "clip endless timed out: " + reason + "; dropped the 125 frames and 20 audio blocks held", new byte[0],
                T0 + IDLE_MS));
        assertOnlyFinishedMarkersLeft(2);
    }

    @Test
    void frameOfTheWrongSizeFailsTheClipAndTheRestOfItIsRefused() throws Exception {
        SyntheticClip clip = clip25("bad", 5_000);
        VideoFrame wrong = new VideoFrame(clip.id, 1, 40_000, 32, 18, clip.image(1));
        List<ClipEvent> upload = new ArrayList<>(clip.upload());
        int at = upload.indexOf(ClipEvent.of(clip.frame(1)));
        upload.set(at, ClipEvent.of(wrong));

        feedWithClean(upload);

        String reason = "frame 1 is 32x18 but the manifest says 64x36";
        assertThat(only(harness.extractOutputValues(), clip.id))
                .containsExactly(Chunk.failure(clip.id, clip.manifest(), ClipMode.WHOLE, 0, reason));
        List<DeadLetter> letters = deadLetters();
        assertRefused(letters.get(0), wrong, "dubstream.media", reason);
        assertThat(letters).hasSize(upload.size() - at);
        assertThat(letters.subList(1, letters.size())).allSatisfy(
                d -> assertThat(d.getReason()).endsWith(" of clip bad arrived after the clip ended"));
        assertOnlyFinishedMarkersLeft(2);
    }

    @Test
    void frameOfTheWrongSizeBeforeTheManifestFailsTheClipWhenTheManifestComes() throws Exception {
        SyntheticClip clip = clip25("bad", 5_000);
        VideoFrame wrong = new VideoFrame(clip.id, 7, 280_000, 1920, 1080, clip.image(7));

        feedWithClean(List.of(ClipEvent.of(wrong), ClipEvent.of(clip.manifest())));

        String reason = "frame 7 is 1920x1080 but the manifest says 64x36";
        assertThat(only(harness.extractOutputValues(), clip.id))
                .containsExactly(Chunk.failure(clip.id, clip.manifest(), 0, reason));
        assertRefused(single(deadLetters()), wrong, "dubstream.media", reason);
        assertOnlyFinishedMarkersLeft(2);
    }

    @Test
    void audioAtTheWrongRateOrChannelsFailsTheClip() throws Exception {
        SyntheticClip clip = clip25("loud", 5_000);
        AudioBlock wrong = new AudioBlock(clip.id, 4000, 48_000, 2, new short[24_000]);
        SyntheticClip silent = SyntheticClip.of("silent", 5_000, 25, 1, 0, 0);
        AudioBlock unexpected = new AudioBlock(silent.id, 0, 16_000, 1, new short[4000]);

        feedWithClean(List.of(ClipEvent.of(clip.manifest()), ClipEvent.of(clip.frame(0)), ClipEvent.of(wrong),
                ClipEvent.of(silent.manifest()), ClipEvent.of(unexpected)));

        String reason = "audio block at sample 4000 is 48000 Hz x2 but the manifest says 16000 Hz x1";
        String silentReason = "audio block at sample 0 but the manifest says the clip has no audio";
        assertThat(only(harness.extractOutputValues(), clip.id))
                .containsExactly(Chunk.failure(clip.id, clip.manifest(), ClipMode.WHOLE, 0, reason));
        assertThat(only(harness.extractOutputValues(), silent.id))
                .containsExactly(Chunk.failure(silent.id, silent.manifest(), ClipMode.WHOLE, 0, silentReason));
        assertThat(deadLetters()).hasSize(2);
        assertRefused(deadLetters().get(0), wrong, "dubstream.media", reason);
        assertRefused(deadLetters().get(1), unexpected, "dubstream.media", silentReason);
        assertOnlyFinishedMarkersLeft(3);
    }

    @Test
    void secondDifferentManifestFailsAClipInProgress() throws Exception {
        SyntheticClip clip = clip25("twice", 5_000);
        ClipManifest second = clip.manifest();
        second.setWidth(1280);
        second.setHeight(720);

        List<ClipEvent> events = inserted(clip.upload().subList(0, 20), clip.frame(10), second);

        feedWithClean(events);

        String reason = "clip id twice was uploaded twice: a second, different manifest arrived: " + second
                + " after " + clip.manifest();
        assertThat(only(harness.extractOutputValues(), clip.id))
                .containsExactly(Chunk.failure(clip.id, clip.manifest(), ClipMode.WHOLE, 0, reason));
        assertThat(deadLetters()).as("the second manifest, then what follows it")
                .hasSize(events.size() - events.indexOf(ClipEvent.of(second)));
        assertRefused(deadLetters().get(0), second, "dubstream.clips", reason);
        assertOnlyFinishedMarkersLeft(2);
    }

    @Test
    void framesPastAnEndThatChunksAlreadyOutgrewFailTheClip() throws Exception {
        SyntheticClip clip = clip25("cut", 45_000);
        List<ClipEvent> upload = clip.upload();
        EndOfClip shortEnd = EndOfClip.complete(clip.id, 400, 256_000, 1L);
        List<ClipEvent> events = new ArrayList<>(upload.subList(0, upload.indexOf(ClipEvent.of(clip.frame(600)))));
        events.add(ClipEvent.of(shortEnd));

        feedWithClean(events);

        String reason = "the end-of-clip record says 400 frames, but chunk 1 went out when 526 had arrived";
        List<Chunk> out = only(harness.extractOutputValues(), clip.id);
        assertThat(out).extracting(Chunk::getIndex).containsExactly(0, 1, 2);
        assertThat(out.get(2)).isEqualTo(Chunk.failure(clip.id, clip.manifest(), ClipMode.CHUNKED, 2, reason));
        assertRefused(single(deadLetters()), shortEnd, "dubstream.clips", reason);
        assertOnlyFinishedMarkersLeft(2);
    }

    @Test
    void anEndOfClipThatSaysNoFramesAfterFramesFailsTheClip() throws Exception {
        SyntheticClip clip = clip25("none", 3_000);
        List<ClipEvent> upload = clip.upload();
        EndOfClip noFrames = EndOfClip.complete(clip.id, 0, 0, 1L);
        List<ClipEvent> events = new ArrayList<>(upload.subList(0, upload.size() - 1));
        events.add(ClipEvent.of(noFrames));

        feedWithClean(events);

        // every frame held is past an end of 0 frames: each is refused, then the clip fails on the totals
        List<Chunk> out = only(harness.extractOutputValues(), clip.id);
        assertThat(out).singleElement().satisfies(c -> {
            assertThat(c.isFailure()).isTrue();
            assertThat(c.getFailure()).isEqualTo("the end-of-clip record says the clip has 0 frames");
        });
        assertThat(deadLetters()).hasSize((int) clip.frames + 1);
        assertOnlyFinishedMarkersLeft(2);
    }

    // ---------------------------------------------------------------- helpers

    /** The clip's records interleaved with the clean clip's upload. */
    private void feedWithClean(List<ClipEvent> events) throws Exception {
        feed(interleave(CLEAN.upload(), events));
    }

    /** The upload with {@code record} inserted just before {@code before}. */
    private static List<ClipEvent> inserted(List<ClipEvent> upload, ClipRecord before, ClipRecord record) {
        List<ClipEvent> events = new ArrayList<>(upload);
        int at = events.indexOf(ClipEvent.of(before));
        assertThat(at).isNotNegative();
        events.add(at, ClipEvent.of(record));
        return events;
    }

    private static DeadLetter single(List<DeadLetter> letters) {
        assertThat(letters).hasSize(1);
        return letters.get(0);
    }

    /** A dead letter of {@code record}: its reason, its input topic, and its bytes, which decode to it. */
    private static void assertRefused(DeadLetter letter, ClipRecord record, String topic, String reason)
            throws Exception {
        assertThat(letter.getReason()).isEqualTo(reason);
        assertThat(letter.getClipId()).isEqualTo(record.getClipId());
        assertThat(letter.getSourceTopic()).isEqualTo(topic);
        assertThat(letter.getSourcePartition()).isEqualTo(-1);
        assertThat(letter.getSourceOffset()).isEqualTo(-1);
        assertThat(letter.getRejectedAtMillis()).isEqualTo(T0);
        assertThat(CODEC.decodeOrThrow(letter.getOriginalValue())).isEqualTo(record);
    }
}
