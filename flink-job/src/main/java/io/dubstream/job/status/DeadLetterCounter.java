package io.dubstream.job.status;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.metrics.Counter;

import io.dubstream.job.records.ClipEvent;

/** Counts the dead letters on their way to the dead-letter topic (metric {@value #METRIC}) and passes them on. */
public class DeadLetterCounter extends RichMapFunction<ClipEvent, ClipEvent> {

    private static final long serialVersionUID = 1L;

    public static final String METRIC = "deadLetters";

    private transient Counter deadLetters;

    @Override
    public void open(OpenContext openContext) {
        deadLetters = getRuntimeContext().getMetricGroup().counter(METRIC);
    }

    @Override
    public ClipEvent map(ClipEvent event) {
        if (event.getDeadLetter() == null) {
            throw new IllegalArgumentException("not a dead letter: " + event);
        }
        deadLetters.inc();
        return event;
    }
}
