package io.dubstream.job.chunking;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.junit.jupiter.api.Test;

import io.dubstream.connectors.records.ClipMode;
import io.dubstream.connectors.records.DeadLetter;
import io.dubstream.job.records.Chunk;
import io.dubstream.job.records.ClipEvent;

/**
 * {@link ChunkAssembler}'s idle timeout runs on the input's time ({@link ClipTimeouts}): a clip
 * survives a downtime and a slow, backpressured read of its records, and still fails when its
 * records have really stopped, by the idle timeout while other input goes on, by the stalled-input
 * timeout when no input comes at all, or at the end of a bounded input.
 *
 * <p>Records carry the time the uploader wrote them (their Kafka timestamp) apart from the time the
 * job reads them (processing time); the watermark follows the timestamps read, as the source's does.
 */
class ChunkAssemblerIdleTimeoutTest extends ChunkAssemblerTestBase {

    /** A downtime longer than the idle timeout, the stalled-input timeout and the finished retention. */
    private static final long DOWNTIME_MS = 2 * STALLED_MS + RETENTION_MS;

    /** Every clip chunked, however short: the chunk plan alone. */
    @Override
    AssemblerSettings settings() {
        return settings(CONTEXT, Duration.ZERO);
    }

    @Test
    void aClipGoesOnAfterARestoreFollowingADowntimeLongerThanEveryTimeout() throws Exception {
        SyntheticClip clip = clip25("45s", 45_000);
        List<ClipEvent> upload = clip.upload();
        int readBefore = upload.size() / 2;
        // the uploader writes the clip 1 ms a record; the job reads half of it as it is written, then goes down
        for (int i = 0; i < readBefore; i++) {
            feedRead(upload.get(i), T0 + i, T0 + i);
        }
        List<Chunk> out = new ArrayList<>(harness.extractOutputValues());
        assertThat(out).as("chunks before the downtime").extracting(Chunk::getIndex).containsExactly(0, 1);
        OperatorSubtaskState snapshot = harness.snapshot(1L, T0 + readBefore);
        harness.close();

        long restoredAt = T0 + readBefore + DOWNTIME_MS;
        openHarness(settings(), snapshot, restoredAt);
        // the rest of the clip waited in Kafka with the times it was written at
        for (int i = readBefore; i < upload.size(); i++) {
            feedRead(upload.get(i), T0 + i, restoredAt + i - readBefore);
        }

        out.addAll(harness.extractOutputValues());
        assertChunks(out, clip, ROWS_45S_AT_25);
        assertThat(deadLetters()).isEmpty();
        assertOnlyFinishedMarkersLeft(1);
    }

    @Test
    void afterARestoreWithoutInputAClipFailsOnceTheStalledInputTimeoutHasPassedSinceTheRestore() throws Exception {
        SyntheticClip clip = clip25("45s", 45_000);
        List<ClipEvent> read = clip.upload().subList(0, 100);
        feed(read);
        OperatorSubtaskState snapshot = harness.snapshot(1L, T0);
        harness.close();

        long restoredAt = T0 + DOWNTIME_MS;
        openHarness(settings(), snapshot, restoredAt);
        harness.setProcessingTime(restoredAt + STALLED_MS - 1);
        assertThat(harness.extractOutputValues()).as("the downtime does not count").isEmpty();
        harness.setProcessingTime(restoredAt + STALLED_MS);

        String reason = "no end-of-clip record and the input stopped (no record of any clip for 600 s) ("
                + received(read) + ")";
        assertThat(harness.extractOutputValues())
                .containsExactly(Chunk.failure(clip.id, clip.manifest(), ClipMode.CHUNKED, 0, reason));
        assertThat(deadLetters()).extracting(DeadLetter::getReason).containsExactly("clip 45s timed out: " + reason
                + "; dropped the " + count(read, true) + " frames and " + count(read, false) + " audio blocks held");
        assertOnlyFinishedMarkersLeft(1);
    }

    @Test
    void aClipWhoseRecordsWaitBehindABacklogOfAnotherClipDoesNotTimeOut() throws Exception {
        SyntheticClip waiting = clip25("waiting", 45_000);
        SyntheticClip ahead = clip25("ahead", 45_000);
        int half = waiting.upload().size() / 2;
        // written 1 ms a record: half of one clip, all of another, the rest of the first; 2.6 s of input
        List<ClipEvent> written = new ArrayList<>(waiting.upload().subList(0, half));
        written.addAll(ahead.upload());
        written.addAll(waiting.upload().subList(half, waiting.upload().size()));
        // read one record a second, held back by a model far slower than real time: the second half of
        // "waiting" comes 1307 s after its first by the wall clock, past the idle and stalled-input timeouts
        assertThat(ahead.upload().size() * 1_000L).isGreaterThan(STALLED_MS);

        for (int i = 0; i < written.size(); i++) {
            feedRead(written.get(i), T0 + i, T0 + i * 1_000L);
        }

        List<Chunk> out = harness.extractOutputValues();
        assertChunks(only(out, waiting.id), waiting, ROWS_45S_AT_25);
        assertChunks(only(out, ahead.id), ahead, ROWS_45S_AT_25);
        assertThat(deadLetters()).isEmpty();
        // the marker of "ahead", which ended 20 minutes before, has expired
        assertOnlyFinishedMarkersLeft(1);
    }

    @Test
    void aClipWhoseRecordsStopFailsOnceTheInputWentOnForTheIdleTimeoutHoweverSlowlyItIsRead() throws Exception {
        SyntheticClip stopped = clip25("stopped", 45_000);
        SyntheticClip going = clip25("going", 45_000);
        List<ClipEvent> stoppedRead = stopped.upload().subList(0, 50);
        // "stopped" writes 50 records and stops; "going" writes one record every 40 ms after it
        for (int i = 0; i < stoppedRead.size(); i++) {
            feedRead(stoppedRead.get(i), T0 + i, T0 + i);
        }
        long lastInputAt = T0 + stoppedRead.size() - 1;
        List<ClipEvent> goingUpload = going.upload();
        int next = 0;
        // read one record a second: the wall clock runs 25 times faster than the input's time
        while (T0 + 50 + 40L * next - 1 < lastInputAt + IDLE_MS) {
            feedRead(goingUpload.get(next), T0 + 50 + 40L * next, T0 + 50 + 1_000L * next);
            next++;
        }
        assertThat(harness.getProcessingTime() - lastInputAt).as("wall clock since its last record")
                .isGreaterThan(STALLED_MS);
        assertThat(only(harness.extractOutputValues(), stopped.id)).as("input time short of the timeout").isEmpty();

        feedRead(goingUpload.get(next), T0 + 50 + 40L * next, T0 + 50 + 1_000L * next);

        String reason = "no end-of-clip record within 30 s of the last record (" + received(stoppedRead) + ")";
        assertThat(only(harness.extractOutputValues(), stopped.id))
                .containsExactly(Chunk.failure(stopped.id, stopped.manifest(), ClipMode.CHUNKED, 0, reason));
        assertThat(deadLetters()).extracting(DeadLetter::getReason).containsExactly("clip stopped timed out: " + reason
                + "; dropped the " + count(stoppedRead, true) + " frames and " + count(stoppedRead, false)
                + " audio blocks held");

        for (next++; next < goingUpload.size(); next++) {
            feedRead(goingUpload.get(next), T0 + 50 + 40L * next, T0 + 50 + 1_000L * next);
        }
        assertChunks(only(harness.extractOutputValues(), going.id), going, ROWS_45S_AT_25);
        // the marker of "stopped", which failed 9 minutes before, has expired
        assertOnlyFinishedMarkersLeft(1);
    }

    @Test
    void withoutAnyInputAClipFailsAfterTheStalledInputTimeout() throws Exception {
        SyntheticClip clip = clip25("45s", 45_000);
        List<ClipEvent> read = clip.upload().subList(0, 50);
        feed(read);

        harness.setProcessingTime(T0 + STALLED_MS - 1);
        assertThat(harness.extractOutputValues()).as("no watermark moved: the idle timeout cannot strike").isEmpty();
        harness.setProcessingTime(T0 + STALLED_MS);

        String reason = "no end-of-clip record and the input stopped (no record of any clip for 600 s) ("
                + received(read) + ")";
        assertThat(harness.extractOutputValues())
                .containsExactly(Chunk.failure(clip.id, clip.manifest(), ClipMode.CHUNKED, 0, reason));
        assertThat(deadLetters()).containsExactly(new DeadLetter(clip.id, "dubstream.clips", -1, -1,
                "clip 45s timed out: " + reason + "; dropped the " + count(read, true) + " frames and "
                        + count(read, false) + " audio blocks held", new byte[0], T0 + STALLED_MS));
        assertOnlyFinishedMarkersLeft(1);
    }

    @Test
    void theEndOfABoundedInputFailsTheClipsItLeftIncomplete() throws Exception {
        SyntheticClip clip = clip25("5s", 5_000);
        List<ClipEvent> upload = clip.upload();
        List<ClipEvent> read = upload.subList(0, upload.size() - 1);
        feed(read);

        inputTimeReaches(Long.MAX_VALUE);

        String reason = "no end-of-clip record before the input ended (" + received(read) + ")";
        assertThat(harness.extractOutputValues())
                .containsExactly(Chunk.failure(clip.id, clip.manifest(), ClipMode.CHUNKED, 0, reason));
        assertThat(deadLetters()).extracting(DeadLetter::getReason)
                .containsExactly("clip 5s timed out: " + reason + "; dropped the 125 frames and 20 audio blocks held");
        assertOnlyFinishedMarkersLeft(1);
    }

    @Test
    void aFinishedClipsMarkerOutlastsADowntimeAndRefusesItsStragglers() throws Exception {
        SyntheticClip clip = clip25("5s", 5_000);
        feed(clip.upload());
        assertThat(harness.extractOutputValues()).extracting(Chunk::isLast).containsExactly(true);
        OperatorSubtaskState snapshot = harness.snapshot(1L, T0);
        harness.close();

        long restoredAt = T0 + DOWNTIME_MS;
        openHarness(settings(), snapshot, restoredAt);
        feed(clip.frame(3));
        feed(clip.end());

        assertThat(harness.extractOutputValues()).as("no second outcome").isEmpty();
        assertThat(deadLetters()).extracting(DeadLetter::getReason).containsExactly(
                "frame 3 of clip 5s arrived after the clip ended",
                "end-of-clip record of clip 5s arrived after the clip ended");
        harness.setProcessingTime(restoredAt + RETENTION_MS - 1);
        assertThat(harness.numKeyedStateEntries()).as("the marker and the manifest").isEqualTo(2);
        harness.setProcessingTime(restoredAt + RETENTION_MS);
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numProcessingTimeTimers()).isZero();
    }

    /** What the failure reason says arrived of a clip whose records {@code read} came. */
    private static String received(List<ClipEvent> read) {
        long samples = read.stream().filter(e -> e.getAudio() != null).mapToLong(e -> e.getAudio().sampleCount()).sum();
        return count(read, true) + " frames, " + samples + " samples received";
    }

    private static long count(List<ClipEvent> read, boolean frames) {
        return read.stream().filter(e -> frames ? e.getFrame() != null : e.getAudio() != null).count();
    }
}
