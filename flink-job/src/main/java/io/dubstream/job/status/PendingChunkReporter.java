package io.dubstream.job.status;

import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

import io.dubstream.connectors.records.ChunkStatus;
import io.dubstream.job.records.Chunk;
import io.dubstream.job.records.ClipEvent;

/**
 * Reports every chunk the assembler cuts as {@link ChunkStatus.State#PENDING}, at the processing time
 * it passes; failure markers are no chunks and are not reported. It reads the assembler's output
 * beside inference, so the report goes out as soon as the chunk does.
 */
public class PendingChunkReporter extends ProcessFunction<Chunk, ClipEvent> {

    private static final long serialVersionUID = 1L;

    @Override
    public void processElement(Chunk chunk, Context ctx, Collector<ClipEvent> out) {
        if (!chunk.isFailure()) {
            out.collect(ClipEvent.of(ChunkStatuses.pending(chunk, ctx.timerService().currentProcessingTime())));
        }
    }
}
