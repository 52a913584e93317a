package io.dubstream.connectors.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The bound on a whole frame is a bound of its own, never below what one record holds. */
class RecordLimitsTest {

    @Test
    void aWholeFrameMayBeLargerThanARecordButNeverSmaller() {
        assertThat(RecordLimits.DEFAULTS.maxFrameBytes()).isEqualTo(1_000_000);
        assertThat(RecordLimits.DEFAULTS.maxWholeFrameBytes()).isEqualTo(16 * 1024 * 1024);

        assertThatThrownBy(() -> RecordLimits.DEFAULTS.withMaxWholeFrameBytes(999_999))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxWholeFrameBytes 999999 is below maxFrameBytes 1000000: a whole frame must be allowed"
                        + " what one record may hold");
        // a record bound above the whole-frame bound raises it: a frame that fits a record is whole
        assertThat(RecordLimits.DEFAULTS.withMaxFrameBytes(20_000_000).maxWholeFrameBytes()).isEqualTo(20_000_000);
        assertThat(RecordLimits.DEFAULTS.withMaxFrameBytes(2_000).maxWholeFrameBytes())
                .isEqualTo(RecordLimits.DEFAULT_MAX_WHOLE_FRAME_BYTES);
    }
}
