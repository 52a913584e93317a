package io.dubstream.connectors.script;

/** One script file format: reads the lines of a decoded file, refusing what it cannot read. */
interface ScriptFormat {

    ParsedScript parse(ScriptSource source) throws ScriptException;
}
