package io.dubstream.connectors.script;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Script files written by the tests, and read with the default options. */
final class ScriptTestFiles {

    private ScriptTestFiles() {}

    static Path write(Path dir, String name, String text) {
        try {
            return Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Script read(Path file) throws ScriptException {
        return ScriptFiles.read(file, ScriptOptions.DEFAULTS);
    }

    /** Reading {@code file} fails with the message {@code file + afterFileName} ({@code ":7: ..."}). */
    static void assertRefused(Path file, String afterFileName) {
        assertRefused(file, ScriptOptions.DEFAULTS, afterFileName);
    }

    static void assertRefused(Path file, ScriptOptions options, String afterFileName) {
        assertThatThrownBy(() -> ScriptFiles.read(file, options)).isInstanceOf(ScriptException.class)
                .hasMessage(file + afterFileName);
    }
}
