package io.dubstream.connectors.script;

/**
 * One line of a script as a format read it, before the script is checked and sorted.
 *
 * @param fileLine where it stands in the file, from 1 (the timing line of a subtitle cue, the first
 *     line of a CSV record)
 * @param speaker who says it, or empty
 */
record Cue(int fileLine, long startMicros, long endMicros, String text, String speaker) {}
