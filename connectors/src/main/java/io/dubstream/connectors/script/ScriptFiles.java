package io.dubstream.connectors.script;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a dubbing script file, choosing the format by the file's extension: SubRip {@code .srt}
 * ({@link SubRipFormat}), WebVTT {@code .vtt} ({@link WebVttFormat}) or a manual-dub CSV {@code .csv}
 * ({@link DubbingCsvFormat}). The file must be UTF-8 (a byte order mark and CRLF line ends are
 * fine) and at most {@link #MAX_FILE_BYTES}. A file that cannot be used is refused with a
 * {@link ScriptException} whose message names the file, the line and the problem.
 */
public final class ScriptFiles {

    /** The largest script file read: far above the 10,000 lines of 1,000 characters a clip may have in text. */
    public static final long MAX_FILE_BYTES = 16L * 1024 * 1024;

    private static final Map<String, ScriptFormat> FORMATS =
            Map.of("srt", new SubRipFormat(), "vtt", new WebVttFormat(), "csv", new DubbingCsvFormat());

    private ScriptFiles() {}

    /** Reads, checks and sorts the script in {@code file}. */
    public static Script read(Path file, ScriptOptions options) throws ScriptException {
        String name = file.toString();
        String fileName = file.getFileName() == null ? "" : file.getFileName().toString();
        int dot = fileName.lastIndexOf('.');
        ScriptFormat format = dot < 0 ? null : FORMATS.get(fileName.substring(dot + 1).toLowerCase(Locale.ROOT));
        if (format == null) {
            throw new ScriptException(name, 0, "unknown script format"
                    + (dot < 0 ? " (no extension)" : " '" + fileName.substring(dot) + "'")
                    + ": give a SubRip .srt, WebVTT .vtt or dubbing .csv file");
        }
        ScriptSource source = new ScriptSource(name, decode(name, readBytes(file, name)));
        if (source.text().isBlank()) {
            throw new ScriptException(name, 0, "the script file is empty");
        }
        return Script.of(name, format.parse(source), options);
    }

    private static byte[] readBytes(Path file, String name) throws ScriptException {
        try {
            if (Files.isDirectory(file)) {
                throw new ScriptException(name, 0, "cannot read the script: it is a directory");
            }
            long size = Files.size(file);
            if (size > MAX_FILE_BYTES) {
                throw new ScriptException(name, 0, "the script file is " + size + " bytes, above the limit of "
                        + MAX_FILE_BYTES + " (16 MiB)");
            }
            try (InputStream in = Files.newInputStream(file)) {
                byte[] bytes = in.readNBytes((int) MAX_FILE_BYTES + 1);
                if (bytes.length > MAX_FILE_BYTES) {
                    throw new ScriptException(name, 0, "the script file grew above the limit of " + MAX_FILE_BYTES
                            + " bytes (16 MiB) while it was read");
                }
                return bytes;
            }
        } catch (NoSuchFileException e) {
            throw new ScriptException(name, 0, "cannot read the script: no such file");
        } catch (AccessDeniedException e) {
            throw new ScriptException(name, 0, "cannot read the script: permission denied");
        } catch (IOException e) {
            throw new ScriptException(name, 0, "cannot read the script: " + e.getMessage());
        }
    }

    /** UTF-8, strictly: the first byte that is not UTF-8 is refused with its line. */
    private static String decode(String name, byte[] bytes) throws ScriptException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            int bad = Math.min(in.position(), bytes.length - 1);
            int line = 1;
            for (int i = 0; i < bad; i++) {
                line += bytes[i] == '\n' ? 1 : 0;
            }
            throw new ScriptException(name, line, String.format("the file is not UTF-8: byte 0x%02X at byte offset %d"
                    + " is not valid UTF-8 (save the script as UTF-8)", bytes[bad] & 0xff, bad));
        }
        return out.flip().toString();
    }
}
