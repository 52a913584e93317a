package io.dubstream.job.audio;

/** Where a time of the clip falls in its audio: the one rule the assembler cuts by and the dub places lines by. */
public final class SampleTimes {

    private SampleTimes() {}

    /** The first sample at or after {@code micros} (0 for a negative time): {@code ceil(micros * rate / 10^6)}. */
    public static long sampleAt(long micros, int rate) {
        return -Math.floorDiv(-Math.max(0, micros) * rate, 1_000_000L);
    }
}
