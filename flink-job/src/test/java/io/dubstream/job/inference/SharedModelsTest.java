package io.dubstream.job.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import io.dubstream.job.records.Chunk;

class SharedModelsTest {

    /** Counts the chunks it processed and whether it was closed. */
    private static final class CountingModel implements ChunkModel {
        final AtomicLong processed = new AtomicLong();
        volatile boolean closed;

        @Override
        public String name() {
            return "counting";
        }

        @Override
        public Chunk process(Chunk chunk) {
            processed.incrementAndGet();
            return chunk;
        }

        @Override
        public Map<String, Long> counts() {
            return Map.of("chunksProcessed", processed.get());
        }

        @Override
        public Map<String, Long> peaks() {
            return Map.of("mostChunks", processed.get());
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    /** Opens a new {@link CountingModel} each time and remembers the last one. */
    private static final class Factory implements ChunkModelFactory {
        final AtomicInteger opened = new AtomicInteger();
        volatile CountingModel last;

        @Override
        public ChunkModel open() {
            opened.incrementAndGet();
            last = new CountingModel();
            return last;
        }
    }

    /** A new one per test. */
    private final Factory factory = new Factory();

    @Test
    void leasesOfOneKeyShareOneModelThatTheLastCloseCloses() throws Exception {
        ChunkModel first = SharedModels.lease("job/op/attempt-0", factory);
        ChunkModel second = SharedModels.lease("job/op/attempt-0", factory);
        CountingModel model = factory.last;
        assertThat(factory.opened).hasValue(1);

        first.process(new Chunk());
        second.process(new Chunk());
        assertThat(model.processed).hasValue(2);

        first.close();
        assertThat(model.closed).isFalse();
        second.process(new Chunk());
        assertThat(model.processed).hasValue(3);
        second.close();
        assertThat(model.closed).isTrue();
        assertThat(SharedModels.openKeys()).doesNotContain("job/op/attempt-0");

        // the key's next lease opens a new model, never the closed one
        try (ChunkModel again = SharedModels.lease("job/op/attempt-0", factory)) {
            assertThat(factory.opened).hasValue(2);
            assertThat(factory.last).isNotSameAs(model);
            again.process(new Chunk());
            assertThat(factory.last.processed).hasValue(1);
        }
    }

    @Test
    void otherKeysOpenModelsOfTheirOwn() throws Exception {
        try (ChunkModel attempt0 = SharedModels.lease("job/op/attempt-0", factory);
                ChunkModel attempt1 = SharedModels.lease("job/op/attempt-1", factory);
                ChunkModel otherJob = SharedModels.lease("other-job/op/attempt-0", factory)) {
            assertThat(factory.opened).hasValue(3);
        }
        assertThat(SharedModels.openKeys()).isEmpty();
    }

    @Test
    void theCountsAreReportedByOneLeaseSoThatTheirSumIsTheModels() throws Exception {
        ChunkModel first = SharedModels.lease("counts", factory);
        ChunkModel second = SharedModels.lease("counts", factory);
        first.process(new Chunk());
        second.process(new Chunk());
        second.process(new Chunk());

        assertThat(first.counts()).containsExactly(Map.entry("chunksProcessed", 3L));
        assertThat(second.counts()).containsExactly(Map.entry("chunksProcessed", 0L));
        // peaks are maxed over the subtasks: each lease shows the model's
        assertThat(first.peaks()).isEqualTo(second.peaks()).containsExactly(Map.entry("mostChunks", 3L));

        // the oldest open lease reports: when the first closes, the second takes over
        first.close();
        assertThat(second.counts()).containsExactly(Map.entry("chunksProcessed", 3L));
        second.close();
    }

    @Test
    void aModelThatFailsToOpenFailsTheLeaseAndTheNextLeaseTriesAgain() throws Exception {
        AtomicInteger tries = new AtomicInteger();
        ChunkModelFactory failsOnce = () -> {
            if (tries.incrementAndGet() == 1) {
                throw new IllegalStateException("no weights");
            }
            return new CountingModel();
        };
        assertThatThrownBy(() -> SharedModels.lease("fails-once", failsOnce)).hasMessage("no weights");
        try (ChunkModel lease = SharedModels.lease("fails-once", failsOnce)) {
            assertThat(lease.name()).isEqualTo("counting");
        }
        assertThat(tries).hasValue(2);
        assertThat(SharedModels.openKeys()).isEmpty();
    }

    @Test
    void closingALeaseTwiceLetsGoOfTheModelOnce() throws Exception {
        ChunkModel first = SharedModels.lease("twice", factory);
        ChunkModel second = SharedModels.lease("twice", factory);
        first.close();
        first.close();
        assertThat(factory.last.closed).isFalse();
        second.close();
        assertThat(factory.last.closed).isTrue();
    }
}
