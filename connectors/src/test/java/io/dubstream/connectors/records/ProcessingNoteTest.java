package io.dubstream.connectors.records;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ProcessingNoteTest {

    @Test
    void textRoundTrips() {
        assertThat(new ProcessingNote(ClipMode.WHOLE, 1).text()).isEqualTo("mode=whole chunks=1");
        assertThat(new ProcessingNote(ClipMode.CHUNKED, 5).text()).isEqualTo("mode=chunked chunks=5");
        assertThat(ProcessingNote.parse("mode=chunked chunks=5")).contains(new ProcessingNote(ClipMode.CHUNKED, 5));
        assertThat(ProcessingNote.parse("mode=whole chunks=1")).contains(new ProcessingNote(ClipMode.WHOLE, 1));
    }

    @Test
    void otherReasonsAreNoNote() {
        assertThat(ProcessingNote.parse("")).isEmpty();
        assertThat(ProcessingNote.parse(null)).isEmpty();
        assertThat(ProcessingNote.parse("upload aborted: disk full")).isEmpty();
        assertThat(ProcessingNote.parse("mode=sliced chunks=2")).isEmpty();
        assertThat(ProcessingNote.parse("mode=whole chunks=2")).isEmpty();
        assertThat(ProcessingNote.parse("mode=chunked chunks=0")).isEmpty();
        assertThat(ProcessingNote.parse("mode=chunked chunks=5 and more")).isEmpty();
    }

    @Test
    void aWholeClipHasOneChunk() {
        assertThatThrownBy(() -> new ProcessingNote(ClipMode.WHOLE, 2))
                .hasMessage("a clip processed whole cannot have 2 chunks");
        assertThatThrownBy(() -> new ProcessingNote(ClipMode.CHUNKED, 0))
                .hasMessage("a clip processed chunked cannot have 0 chunks");
    }
}
