package io.dubstream.job.inference;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.dubstream.job.records.Chunk;

/**
 * The models of the inference subtasks in one JVM (a TaskManager's slots), one per key: the subtasks of
 * an operator lease the same opened model instead of opening one each.
 *
 * <p>One model per TaskManager holds its weights once (on a GPU, once in the device's memory) and
 * runs one batcher: the frames of every chunk in flight on the TaskManager fill its batches, where
 * each subtask's model would run half-empty batches beside the other's, both models' threads
 * competing for the same cores or the same GPU.
 *
 * <p>The first lease of a key opens the model; closing the last lease closes it, and a later lease
 * of that key opens a new one. The key names the job, the operator and the attempt
 * ({@link ChunkInference}), so that a restarted job opens its models afresh and never runs on one
 * that a fatal error may have left broken. The model is called from the threads of every subtask
 * that leased it, so it must be thread-safe (the built-in ones are).
 *
 * <p>The model's running {@link ChunkModel#counts() counts} are summed over the subtasks: one lease
 * at a time (the oldest open one) reports them, the others report zero under the same names.
 * {@link ChunkModel#peaks() Peaks} are maxed over the subtasks, so every lease reports them.
 */
public final class SharedModels {

    private static final Map<String, Shared> SHARED = new ConcurrentHashMap<>();

    private SharedModels() {}

    /**
     * A lease of the model shared under {@code key}, opened with {@code factory} when no lease of the
     * key is open; closing the lease lets go of the model.
     *
     * @throws Exception what opening the model threw; the next lease of the key tries again
     */
    public static ChunkModel lease(String key, ChunkModelFactory factory) throws Exception {
        while (true) {
            Shared shared = SHARED.computeIfAbsent(key, Shared::new);
            ChunkModel lease = shared.lease(factory);
            if (lease != null) {
                return lease;
            }
            SHARED.remove(key, shared); // its last lease closed meanwhile
        }
    }

    /** Keys with an open model (for tests). */
    static Set<String> openKeys() {
        return Set.copyOf(SHARED.keySet());
    }

    /** One key's model and its open leases. */
    private static final class Shared {

        private final String key;
        private final Set<Lease> leases = new LinkedHashSet<>();
        private ChunkModel model;
        private boolean closed;

        Shared(String key) {
            this.key = key;
        }

        /** A new lease, opening the model first if needed; null once the last lease closed it. */
        synchronized Lease lease(ChunkModelFactory factory) throws Exception {
            if (closed) {
                return null;
            }
            if (model == null) {
                try {
                    model = factory.open();
                } catch (Exception | Error e) {
                    // nothing leases this key's model: the next lease starts afresh
                    closed = true;
                    SHARED.remove(key, this);
                    throw e;
                }
            }
            Lease lease = new Lease(this, model);
            leases.add(lease);
            return lease;
        }

        synchronized boolean reports(Lease lease) {
            return !leases.isEmpty() && leases.iterator().next() == lease;
        }

        void release(Lease lease) throws Exception {
            ChunkModel last;
            synchronized (this) {
                if (!leases.remove(lease) || !leases.isEmpty()) {
                    return;
                }
                closed = true;
                last = model;
                model = null;
            }
            SHARED.remove(key, this);
            last.close();
        }
    }

    /** A subtask's hold on a shared model. */
    private static final class Lease implements ChunkModel {

        private final Shared shared;
        private final ChunkModel model;

        Lease(Shared shared, ChunkModel model) {
            this.shared = shared;
            this.model = model;
        }

        @Override
        public String name() {
            return model.name();
        }

        @Override
        public String modelName() {
            return model.modelName();
        }

        @Override
        public String voiceName() {
            return model.voiceName();
        }

        @Override
        public Chunk process(Chunk chunk) throws Exception {
            return model.process(chunk);
        }

        @Override
        public Duration contextNeeded() {
            return model.contextNeeded();
        }

        @Override
        public Map<String, Long> counts() {
            Map<String, Long> counts = model.counts();
            if (shared.reports(this)) {
                return counts;
            }
            Map<String, Long> zeros = new LinkedHashMap<>();
            counts.keySet().forEach(name -> zeros.put(name, 0L));
            return zeros;
        }

        @Override
        public Map<String, Long> peaks() {
            return model.peaks();
        }

        @Override
        public void close() throws Exception {
            shared.release(this);
        }
    }
}
