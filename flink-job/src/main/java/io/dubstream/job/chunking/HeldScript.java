package io.dubstream.job.chunking;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;

import io.dubstream.connectors.records.ScriptLine;

/**
 * The script lines {@link ChunkAssembler} holds for the current clip, in keyed state by line index:
 * the lines a chunk still to come overlaps, as the cut planner and the chunks need them.
 */
final class HeldScript {

    private final MapState<Integer, ScriptLine> lines;

    HeldScript(RuntimeContext context) {
        lines = context.getMapState(new MapStateDescriptor<>("script", Types.INT, TypeInformation.of(ScriptLine.class)));
    }

    ScriptLine line(int index) throws Exception {
        return lines.get(index);
    }

    void put(ScriptLine line) throws Exception {
        lines.put(line.getLineIndex(), line);
    }

    void remove(int index) throws Exception {
        lines.remove(index);
    }

    /** The held lines, by index. */
    List<ScriptLine> byIndex() throws Exception {
        List<ScriptLine> held = new ArrayList<>();
        for (ScriptLine line : lines.values()) {
            held.add(line);
        }
        held.sort(Comparator.comparingInt(ScriptLine::getLineIndex));
        return held;
    }

    int size() throws Exception {
        int n = 0;
        for (Integer ignored : lines.keys()) {
            n++;
        }
        return n;
    }

    /** The held lines as {@code [start, end)} µs, sorted by start: what the cut planner goes by. */
    List<long[]> spans() throws Exception {
        List<long[]> spans = new ArrayList<>();
        for (ScriptLine line : lines.values()) {
            spans.add(new long[] {line.getStartMicros(), line.getEndMicros()});
        }
        spans.sort(Comparator.comparingLong((long[] s) -> s[0]).thenComparingLong(s -> s[1]));
        return spans;
    }

    /**
     * The held lines that overlap {@code [from, to)} and the first line that starts at or after
     * {@code to} (where it bounds how far the dub of the last one may run), by index.
     */
    ScriptLine[] overlappingAndNext(long from, long to) throws Exception {
        List<ScriptLine> lines = new ArrayList<>();
        ScriptLine next = null;
        for (ScriptLine line : byIndex()) {
            if (line.getEndMicros() > from && line.getStartMicros() < to) {
                lines.add(line);
            } else if (line.getStartMicros() >= to && (next == null || line.getStartMicros() < next.getStartMicros())) {
                next = line;
            }
        }
        if (next != null) {
            lines.add(next);
            lines.sort(Comparator.comparingInt(ScriptLine::getLineIndex));
        }
        return lines.toArray(new ScriptLine[0]);
    }

    /** Drops the lines that end at or before {@code micros}: no chunk to come overlaps them. */
    void dropEndingBy(long micros) throws Exception {
        for (ScriptLine line : byIndex()) {
            if (line.getEndMicros() <= micros) {
                lines.remove(line.getLineIndex());
            }
        }
    }

    void clear() {
        lines.clear();
    }
}
