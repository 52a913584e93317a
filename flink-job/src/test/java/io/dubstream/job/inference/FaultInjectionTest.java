package io.dubstream.job.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import ai.djl.engine.EngineException;

class FaultInjectionTest {

    @Test
    void namedChunksFailTheirFirstAttemptsOnly() {
        FaultInjection faults = FaultInjection.of(0, " clipA:2, clip.b-1:0 ,", 2, false);

        assertThat(faults.isOn()).isTrue();
        assertThat(faults.fails("clipA", 2, 1)).isTrue();
        assertThat(faults.fails("clipA", 2, 2)).isTrue();
        assertThat(faults.fails("clipA", 2, 3)).isFalse();
        assertThat(faults.fails("clip.b-1", 0, 1)).isTrue();
        assertThat(faults.fails("clipA", 1, 1)).isFalse();
        assertThat(faults.fails("clipA", 20, 1)).isFalse();
        assertThat(faults.fails("clipAA", 2, 1)).isFalse();
    }

    @Test
    void aFractionOfAttemptsFailsTheSameWayInEveryRun() {
        FaultInjection faults = FaultInjection.of(0.3, "", 1, false);
        FaultInjection again = FaultInjection.of(0.3, "", 1, false);
        int failed = 0;
        int total = 0;
        for (String clip : new String[] {"a", "b", "clip-42", "x.y"}) {
            for (int chunk = 0; chunk < 500; chunk++) {
                for (int attempt = 1; attempt <= 5; attempt++) {
                    boolean fails = faults.fails(clip, chunk, attempt);
                    assertThat(again.fails(clip, chunk, attempt)).isEqualTo(fails);
                    failed += fails ? 1 : 0;
                    total++;
                }
            }
        }
        assertThat((double) failed / total).isBetween(0.28, 0.32);
    }

    @Test
    void theDrawDependsOnClipChunkAndAttempt() {
        double draw = FaultInjection.draw("clip", 3, 1);

        assertThat(draw).isBetween(0.0, 1.0).isEqualTo(FaultInjection.draw("clip", 3, 1));
        assertThat(FaultInjection.draw("clip", 3, 2)).isNotEqualTo(draw);
        assertThat(FaultInjection.draw("clip", 4, 1)).isNotEqualTo(draw);
        assertThat(FaultInjection.draw("clip2", 3, 1)).isNotEqualTo(draw);
    }

    @Test
    void allOrNothing() {
        assertThat(FaultInjection.NONE.isOn()).isFalse();
        assertThat(FaultInjection.NONE.fails("a", 0, 1)).isFalse();
        FaultInjection all = FaultInjection.of(1.0, "", 1, false);
        assertThat(all.fails("a", 0, 1)).isTrue();
        assertThat(all.fails("b", 7, 9)).isTrue();
    }

    @Test
    void aFailingAttemptThrowsAnExceptionOrAGpuOutOfMemory() {
        assertThatThrownBy(() -> FaultInjection.of(0, "c:1", 1, false).beforeAttempt("c", 1, 1))
                .isInstanceOf(FaultInjection.InjectedFault.class)
                .hasMessage("injected fault: attempt 1 of chunk 1 of clip c");
        // what DJL's PyTorch engine throws when CUDA runs out of memory: an exception, not an Error
        assertThatThrownBy(() -> FaultInjection.of(0, "c:1", 1, true).beforeAttempt("c", 1, 1))
                .isExactlyInstanceOf(EngineException.class)
                .hasMessage("injected fault: CUDA out of memory on attempt 1 of chunk 1 of clip c");
        assertThatCode(() -> FaultInjection.of(0, "c:1", 1, true).beforeAttempt("c", 1, 2)).doesNotThrowAnyException();
    }

    @Test
    void badSettingsAreRefusedWithTheReason() {
        assertThatThrownBy(() -> FaultInjection.of(0, "clipA", 1, false))
                .hasMessage("fault injection: cannot read 'clipA' in 'clipA': expected clipId:chunkIndex (e.g. clipA:2,clipB:0)");
        assertThatThrownBy(() -> FaultInjection.of(0, "a:1,b:x", 1, false))
                .hasMessageContaining("cannot read 'b:x'").hasMessageContaining("not a number");
        assertThatThrownBy(() -> FaultInjection.of(0, "a:-1", 1, false)).hasMessageContaining("negative");
        assertThatThrownBy(() -> FaultInjection.of(1.5, "", 1, false)).hasMessageContaining("between 0 and 1");
        assertThatThrownBy(() -> FaultInjection.of(Double.NaN, "", 1, false)).hasMessageContaining("between 0 and 1");
        assertThatThrownBy(() -> FaultInjection.of(0, "a:1", 0, false)).hasMessageContaining("at least 1");
    }
}
