package io.dubstream.connectors.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.dubstream.connectors.records.ChunkStatus;
import io.dubstream.connectors.records.ClipRecord;

class StatusRecordsJsonTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void aClipsRecordsRoundTripThroughASummary() throws IOException {
        List<ClipRecord> records = ReportFixtures.completedWithRetry("a-chunked");
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("clipId", "a-chunked");
        summary.put("status", "COMPLETE");
        summary.put("statusRecords", StatusRecordsJson.toJson(records));
        Path file = dir.resolve("a.json");
        JSON.writeValue(file.toFile(), summary);

        DemoSummary read = DemoSummary.read(file);

        assertThat(read.statusRecords()).containsExactlyElementsOf(records);
        ClipReport report = ClipReport.of(List.of(), List.of(read));
        assertThat(report.rows().get(0).timeline().chunks()).hasSize(2);
        assertThat(report.rows().get(0).retries()).isEqualTo(1);
    }

    @Test
    void aFailedClipsReasonAndErrorsRoundTrip() throws IOException {
        List<ClipRecord> records = ReportFixtures.failed("b", "out of memory: \"<b>\"");

        List<ClipRecord> back = StatusRecordsJson.fromJson("b",
                JSON.readTree(JSON.writeValueAsString(StatusRecordsJson.toJson(records))));

        assertThat(back).containsExactlyElementsOf(records);
    }

    @Test
    void theModelAndVoiceOfAChunksAttemptRoundTrip() throws IOException {
        List<ClipRecord> records = List.of(
                ChunkStatus.of("c", 0, ChunkStatus.State.RUNNING, 1, 5).withModel("identity", ""),
                ChunkStatus.of("c", 1, ChunkStatus.State.DONE, 1, 9).withModel("colour-gain", "voice-identity"));

        List<ClipRecord> back = StatusRecordsJson.fromJson("c",
                JSON.readTree(JSON.writeValueAsString(StatusRecordsJson.toJson(records))));

        assertThat(back).containsExactlyElementsOf(records);
    }

    @Test
    void anObjectThatIsNoStatusRecordIsRefused() {
        assertThatThrownBy(() -> StatusRecordsJson.fromJson("c", JSON.readTree("[{\"chunk\":0}]")))
                .isInstanceOf(IOException.class)
                .hasMessage("a status record of clip c with neither state nor outcome: {\"chunk\":0}");
        assertThatThrownBy(() -> StatusRecordsJson.fromJson("c", JSON.readTree("[{\"state\":\"NAPPING\",\"chunk\":0,"
                + "\"atMillis\":1}]")))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("a status record of clip c that is not one: ");
    }
}
