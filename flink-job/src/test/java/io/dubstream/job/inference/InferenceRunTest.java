package io.dubstream.job.inference;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;

import org.apache.flink.streaming.api.functions.async.CollectionSupplier;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.junit.jupiter.api.Test;

import io.dubstream.connectors.records.ClipManifest;
import io.dubstream.connectors.records.TestManifests;
import io.dubstream.job.records.Chunk;
import io.dubstream.job.records.ChunkAttempt;

class InferenceRunTest {

    private static final ClipManifest MANIFEST = TestManifests.of("clip", 64, 36, 25, 1, 50, 16_000, 1, 1L);
    private static final Chunk CHUNK = Chunk.of(MANIFEST, 4, false, 100, new byte[][] {{1}}, 64_000,
            new short[] {7}, 101, 64_001, null);

    /** Records what the run completes with. */
    static final class RecordingResult implements ResultFuture<Chunk> {
        final List<Collection<Chunk>> completions = new ArrayList<>();
        final List<Throwable> errors = new ArrayList<>();

        @Override
        public void complete(Collection<Chunk> result) {
            completions.add(result);
        }

        @Override
        public void completeExceptionally(Throwable error) {
            errors.add(error);
        }

        @Override
        public void complete(CollectionSupplier<Chunk> supplier) {
            throw new AssertionError("not used");
        }

        Chunk only() {
            assertThat(errors).isEmpty();
            assertThat(completions).hasSize(1);
            assertThat(completions.get(0)).hasSize(1);
            return completions.get(0).iterator().next();
        }
    }

    private final RecordingResult result = new RecordingResult();
    private final InferenceRun run = new InferenceRun(CHUNK, result, "test", "test", "");

    @Test
    void everyAttemptNamesTheModelAndVoiceThatRanIt() {
        RecordingResult voiced = new RecordingResult();
        InferenceRun staged = new InferenceRun(CHUNK, voiced, "voice-identity+colour-gain", "colour-gain",
                "voice-identity");
        staged.start(10);
        staged.fail("boom", 15);
        staged.start(40);
        staged.succeed(CHUNK, 45);

        assertThat(voiced.only().getAttempts()).extracting(ChunkAttempt::getModel, ChunkAttempt::getVoice)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("colour-gain", "voice-identity"),
                        org.assertj.core.groups.Tuple.tuple("colour-gain", "voice-identity"));
        assertThat(ChunkAttempt.succeeded(2, 40, 45)).as("an attempt of another model")
                .isNotEqualTo(ChunkAttempt.succeeded(2, 40, 45).by("identity", "voice-identity"));
    }

    @Test
    void aRetriedChunkCarriesBothAttempts() {
        assertThat(run.start(10)).isEqualTo(1);
        assertThat(run.fail("boom", 15)).isTrue();
        assertThat(run.start(40)).isEqualTo(2);
        run.succeed(CHUNK, 45);

        Chunk out = result.only();
        assertThat(out).isEqualTo(CHUNK).isNotSameAs(CHUNK);
        assertThat(out.getAttempts()).containsExactly(ChunkAttempt.failed(1, 10, 15, "boom").by("test", ""),
                ChunkAttempt.succeeded(2, 40, 45).by("test", ""));
        assertThat(CHUNK.getAttempts()).as("the input is left alone").isNull();
    }

    @Test
    void givingUpGivesAMarkerWithTheLastError() {
        run.start(1);
        run.fail("first", 2);
        run.start(3);
        run.fail("second", 4);
        run.giveUp();

        Chunk out = result.only();
        assertThat(out.failedInference()).isTrue();
        assertThat(out.getIndex()).isEqualTo(4);
        assertThat(out.getFailure()).isEqualTo("model test failed on chunk 4 after 2 attempts: second");
        assertThat(out.getAttempts()).extracting(ChunkAttempt::getError).containsExactly("first", "second");
    }

    @Test
    void aTimeoutFailsTheRunningAttemptAndIgnoresItsLateResult() {
        run.start(100);
        run.timeOut("no result within the inference timeout", 700);
        run.succeed(CHUNK, 900);
        assertThat(run.fail("late", 901)).isFalse();
        assertThat(run.start(902)).isZero();

        Chunk out = result.only();
        assertThat(out.getFailure()).isEqualTo("model test failed on chunk 4: no result within the inference timeout");
        assertThat(out.getAttempts()).containsExactly(
                ChunkAttempt.failed(1, 100, 700, "no result within the inference timeout").by("test", ""));
    }

    @Test
    void aTimeoutWhileWaitingToRetryGivesTheLastErrorToo() {
        run.start(100);
        run.fail("out of memory (CUDA)", 200);
        run.timeOut("no result within the inference timeout", 700);

        Chunk out = result.only();
        assertThat(out.getFailure()).isEqualTo("model test failed on chunk 4: no result within the inference timeout"
                + " (waiting to retry after attempt 1: out of memory (CUDA))");
        assertThat(out.getAttempts()).containsExactly(ChunkAttempt.failed(1, 100, 200, "out of memory (CUDA)").by("test", ""));
    }

    @Test
    void longErrorsAreCut() {
        run.start(1);
        run.fail("x".repeat(5000), 2);
        run.giveUp();

        String error = result.only().getAttempts()[0].getError();
        assertThat(error).hasSize(ChunkAttempt.MAX_ERROR_LENGTH).endsWith("...");
    }

    private static Future<?> step() {
        return new FutureTask<>(() -> null);
    }

    @Test
    void aTimeoutHandsBackTheRunningAttemptToCancel() {
        Future<?> attempt = step();
        assertThat(run.queueNext(() -> attempt)).isTrue();
        run.start(100);

        InferenceRun.TimedOut left = run.timeOut("no result within the inference timeout", 700);

        assertThat(left.nextStep()).isSameAs(attempt);
        assertThat(left.attemptThread()).isSameAs(Thread.currentThread());
        assertThat(left.attempt()).isEqualTo(1);
        assertThat(run.timeOut("again", 800)).isNull();
        assertThat(run.queueNext(() -> {
            throw new AssertionError("nothing is queued for a finished run");
        })).isFalse();
    }

    @Test
    void aTimeoutWhileWaitingToRetryHandsBackTheRetry() {
        run.queueNext(InferenceRunTest::step);
        run.start(100);
        run.fail("boom", 200);
        Future<?> retry = step();
        run.queueNext(() -> retry);

        InferenceRun.TimedOut left = run.timeOut("no result within the inference timeout", 700);

        assertThat(left.nextStep()).isSameAs(retry);
        assertThat(left.attemptThread()).isNull();
        assertThat(left.attempt()).isZero();
    }

    @Test
    void aFatalErrorCompletesTheResultExceptionallyOnceAndNothingAfter() {
        OutOfMemoryError heap = new OutOfMemoryError("Java heap space");
        run.start(100);

        assertThat(run.failFatally(heap)).isTrue();

        assertThat(result.errors).containsExactly(heap);
        assertThat(run.failFatally(new OutOfMemoryError())).isFalse();
        assertThat(run.succeed(CHUNK, 200)).isFalse();
        assertThat(run.timeOut("late", 300)).isNull();
        assertThat(result.errors).hasSize(1);
        assertThat(result.completions).isEmpty();
    }
}
