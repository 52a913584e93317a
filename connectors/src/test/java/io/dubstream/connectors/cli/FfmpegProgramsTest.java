package io.dubstream.connectors.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FfmpegProgramsTest {

    @ParameterizedTest
    @ValueSource(strings = {"ffmpeg", "ffprobe"})
    void javaCvsFfmpegJarShipsTheProgramAndItRuns(String name) {
        FfmpegPrograms.Program bundled = FfmpegPrograms.search(name, "bundled");

        assertThat(bundled.runs()).as(bundled.reason()).isTrue();
        Path program = Path.of(bundled.command());
        assertThat(program.getFileName()).hasToString(name);
        assertThat(program).as("unpacked by JavaCPP, not the system's").isAbsolute().isExecutable();
        assertThat(program.getParent()).isNotEqualTo(Path.of("/usr/bin"));
    }

    @Test
    void theSystemsProgramIsTakenByNameWhenItRuns() {
        FfmpegPrograms.Program system = FfmpegPrograms.search("ffprobe", "system");

        if (system.runs()) {
            assertThat(system.command()).isEqualTo("ffprobe");
        } else {
            assertThat(system.reason()).startsWith("no ffprobe runs here: the system's ffprobe: ");
        }
    }

    @Test
    void aProgramThatIsNowhereIsRefusedWithTheReason() {
        FfmpegPrograms.Program missing = FfmpegPrograms.search("ffprobe-nowhere", "system");

        assertThat(missing.runs()).isFalse();
        assertThat(missing.reason()).isEqualTo("no ffprobe-nowhere runs here: the system's ffprobe-nowhere: not installed");
        assertThatThrownBy(() -> FfmpegPrograms.search("ffprobe", "debian"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("dubstream.test.ffmpeg is system, bundled or unset, not 'debian'");
    }
}
