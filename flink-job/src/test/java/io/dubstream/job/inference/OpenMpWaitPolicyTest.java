package io.dubstream.job.inference;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

class OpenMpWaitPolicyTest {

    @Test
    void anUnsetOrBlankPolicyIsWarnedAbout() {
        assertThat(OpenMpWaitPolicy.warning(Map.of())).hasValueSatisfying(w -> assertThat(w)
                .startsWith("OMP_WAIT_POLICY is not set").contains("set OMP_WAIT_POLICY=PASSIVE"));
        assertThat(OpenMpWaitPolicy.warning(Map.of("OMP_WAIT_POLICY", " "))).isPresent();
    }

    @Test
    void anyPolicySetIsTheOperatorsChoice() {
        assertThat(OpenMpWaitPolicy.warning(Map.of("OMP_WAIT_POLICY", "PASSIVE"))).isEmpty();
        assertThat(OpenMpWaitPolicy.warning(Map.of("OMP_WAIT_POLICY", "active"))).isEmpty();
        assertThat(OpenMpWaitPolicy.of(Map.of("OMP_WAIT_POLICY", " passive "))).hasValue("passive");
    }

    @Test
    void theTestRunsSetWhatTheLauncherAndTheImageSet() {
        // surefire's environment (pom.xml), so that the model tests' threads behave as the job's
        assertThat(OpenMpWaitPolicy.of(System.getenv())).hasValue(OpenMpWaitPolicy.RECOMMENDED);
    }
}
