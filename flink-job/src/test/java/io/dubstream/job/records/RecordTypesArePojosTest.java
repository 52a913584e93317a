package io.dubstream.job.records;

import static org.apache.flink.types.PojoTestUtils.assertSerializedAsPojo;
import static org.apache.flink.types.PojoTestUtils.assertSerializedAsPojoWithoutKryo;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.dubstream.connectors.records.AudioBlock;
import io.dubstream.connectors.records.ChunkStatus;
import io.dubstream.connectors.records.ClipManifest;
import io.dubstream.connectors.records.ClipStatus;
import io.dubstream.connectors.records.DeadLetter;
import io.dubstream.connectors.records.EndOfClip;
import io.dubstream.connectors.records.FramePart;
import io.dubstream.connectors.records.VideoFrame;
import io.dubstream.job.status.ChunkEntry;
import io.dubstream.job.status.ClipEntry;

/** Every type that travels between the job's operators must be a Flink POJO, never Kryo. */
class RecordTypesArePojosTest {

    @ParameterizedTest
    @ValueSource(classes = {ClipManifest.class, VideoFrame.class, FramePart.class, AudioBlock.class, EndOfClip.class,
        DeadLetter.class, ChunkStatus.class, ClipStatus.class, ClipEvent.class, Chunk.class, ChunkAttempt.class,
        ChunkEntry.class, ClipEntry.class})
    void serializedAsPojoWithoutKryo(Class<?> type) {
        assertSerializedAsPojo(type);
        assertSerializedAsPojoWithoutKryo(type);
    }
}
