package io.dubstream.connectors.script;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The timestamps of the script formats, read into microseconds and written for messages. */
final class ScriptTimes {

    /** {@code [H:]MM:SS<separator>mmm}: minutes and seconds of two digits, exactly three of milliseconds. */
    private static final Pattern CLOCK = Pattern.compile("(?:(\\d{1,5}):)?([0-5]\\d):([0-5]\\d)([.,])(\\d{3})");
    /** Seconds with an optional fraction, as the dubbing CSV writes them: {@code 1.5}, {@code 12}. */
    private static final Pattern SECONDS = Pattern.compile("\\d{1,9}(?:\\.\\d{1,9})?");

    private ScriptTimes() {}

    /** SubRip's {@code HH:MM:SS,mmm} (a {@code .} before the milliseconds is taken too), or -1. */
    static long subRip(String s) {
        return clock(s, false);
    }

    /** WebVTT's {@code HH:MM:SS.mmm} or {@code MM:SS.mmm}, or -1. */
    static long webVtt(String s) {
        return s.indexOf(',') >= 0 ? -1 : clock(s, true);
    }

    /** Seconds ({@code 1.5}, rounded to the microsecond) or {@code H:MM:SS,mmm} / {@code HH:MM:SS.mmm}, or -1. */
    static long secondsOrClock(String s) {
        if (SECONDS.matcher(s).matches()) {
            return new BigDecimal(s).movePointRight(6).setScale(0, RoundingMode.HALF_UP).longValueExact();
        }
        return clock(s, false);
    }

    private static long clock(String s, boolean hoursOptional) {
        Matcher m = CLOCK.matcher(s);
        if (!m.matches() || m.group(1) == null && !hoursOptional) {
            return -1;
        }
        long hours = m.group(1) == null ? 0 : Long.parseLong(m.group(1));
        long seconds = (hours * 60 + Long.parseLong(m.group(2))) * 60 + Long.parseLong(m.group(3));
        return seconds * 1_000_000 + Long.parseLong(m.group(5)) * 1_000;
    }

    /** {@code HH:MM:SS.mmm}, with the microseconds after the milliseconds when there are any. */
    static String format(long micros) {
        long ms = micros / 1_000;
        String s = String.format("%02d:%02d:%02d.%03d", ms / 3_600_000, ms / 60_000 % 60, ms / 1_000 % 60, ms % 1_000);
        return micros % 1_000 == 0 ? s : s + String.format("%03d", micros % 1_000);
    }
}
