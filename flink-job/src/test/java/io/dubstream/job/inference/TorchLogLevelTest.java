package io.dubstream.job.inference;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class TorchLogLevelTest {

    @Test
    void levelsAreReadByNameOrNumberAsPyTorchReadsThem() {
        assertThat(TorchLogLevel.requested(Map.of("TORCH_CPP_LOG_LEVEL", "ERROR"))).hasValue(2);
        assertThat(TorchLogLevel.requested(Map.of("TORCH_CPP_LOG_LEVEL", " warning "))).hasValue(1);
        assertThat(TorchLogLevel.requested(Map.of("TORCH_CPP_LOG_LEVEL", "0"))).hasValue(0);
        assertThat(TorchLogLevel.requested(Map.of("TORCH_CPP_LOG_LEVEL", "FATAL"))).hasValue(3);
    }

    @Test
    void unsetOrUnknownLevelsLeaveLibtorchsOwn() {
        assertThat(TorchLogLevel.requested(Map.of())).isEmpty();
        assertThat(TorchLogLevel.requested(Map.of("TORCH_CPP_LOG_LEVEL", "quiet"))).isEmpty();
        assertThat(TorchLogLevel.requested(Map.of("TORCH_CPP_LOG_LEVEL", "7"))).isEmpty();
        assertThat(TorchLogLevel.requested(Map.of("TORCH_CPP_LOG_LEVEL", "-1"))).isEmpty();
    }

    @Test
    void aValueThatIsNoLevelIsSaidSo() {
        assertThat(TorchLogLevel.refusal(Map.of("TORCH_CPP_LOG_LEVEL", "quiet"))).hasValue("TORCH_CPP_LOG_LEVEL='quiet'"
                + " is not a level (INFO, WARNING, ERROR, FATAL or 0-3): libtorch keeps its own, WARNING");
        assertThat(TorchLogLevel.refusal(Map.of("TORCH_CPP_LOG_LEVEL", "7"))).isPresent();
        assertThat(TorchLogLevel.refusal(Map.of("TORCH_CPP_LOG_LEVEL", "error"))).isEmpty();
        assertThat(TorchLogLevel.refusal(Map.of())).isEmpty();
    }

    @Test
    void theLibraryIsFoundInTheProcessMappings() {
        List<String> maps = List.of(
                "7f00-7f10 r--p 00000000 08:01 12 /usr/lib/x86_64-linux-gnu/libc.so.6",
                "7f20-7f30 r-xp 00010000 08:01 34 /root/.djl.ai/pytorch/2.5.1-cpu/libc10.so",
                "7f40-7f50 rw-p 00000000 00:00 0 ",
                "7f60-7f70 r-xp 00000000 08:01 56 /opt/libc10.so.bak");
        assertThat(TorchLogLevel.loadedLibrary(maps, "libc10.so"))
                .hasValue(Path.of("/root/.djl.ai/pytorch/2.5.1-cpu/libc10.so"));
        assertThat(TorchLogLevel.loadedLibrary(maps, "libtorch.so")).isEmpty();
    }

    @Test
    void theTestRunsLevelReachesTheLoadedLibtorch() {
        // pom.xml sets TORCH_CPP_LOG_LEVEL=ERROR for the test runs, as the launcher and the image do
        assertThat(TorchLogLevel.requested(System.getenv())).hasValue(2);
        InferenceDevice.resolve("cpu");

        assertThat(TorchLogLevel.current()).hasValue(2);
    }
}
