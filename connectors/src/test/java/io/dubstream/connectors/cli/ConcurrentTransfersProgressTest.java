package io.dubstream.connectors.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class ConcurrentTransfersProgressTest {

    @Test
    void oneLineShowsEachTransferWhereItIs() {
        ConcurrentTransfersProgress line = new ConcurrentTransfersProgress(System.err, false, "upload c", "download c");
        line.transfer(0).update(80, 200);
        line.transfer(1).update(20, -1);

        assertThat(line.render(2.0)).isEqualTo("upload c  40% 80/200 40/s | download c 20 10/s frames   ");
    }

    @Test
    void drawsOnOneLineAndEndsItOnFinish() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ConcurrentTransfersProgress line = lineInto(bytes, true);
        line.transfer(0).update(200, 200);
        line.transfer(1).update(200, 200);
        line.finish();

        String drawn = bytes.toString(StandardCharsets.UTF_8);
        assertThat(drawn.chars().filter(c -> c == '\n')).as("redrawn in place, then one line break").hasSize(1);
        assertThat(drawn).startsWith("\rupload c 100% 200/200").endsWith("\n");
        assertThat(drawn.substring(drawn.lastIndexOf('\r')))
                .startsWith("\rupload c 100% 200/200").contains("| download c 100% 200/200");
    }

    @Test
    void drawsNothingWithoutATerminal() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ConcurrentTransfersProgress line = lineInto(bytes, false);
        line.transfer(0).update(1, 2);
        line.finish();

        assertThat(bytes.size()).isZero();
    }

    /** An upload and a download line drawn into {@code bytes}, as on a terminal or not. */
    private static ConcurrentTransfersProgress lineInto(ByteArrayOutputStream bytes, boolean terminal) {
        return new ConcurrentTransfersProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8), terminal,
                "upload c", "download c");
    }
}
