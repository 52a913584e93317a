package io.dubstream.job.records;

import static org.apache.flink.types.PojoTestUtils.assertSerializedAsPojo;
import static org.apache.flink.types.PojoTestUtils.assertSerializedAsPojoWithoutKryo;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.dubstream.connectors.records.AudioBlock;
import io.dubstream.connectors.records.ClipManifest;
import io.dubstream.connectors.records.DeadLetter;
import io.dubstream.connectors.records.EndOfClip;
import io.dubstream.connectors.records.VideoFrame;

/** The Kafka record types travel through the job's operators: Flink must see them as POJOs, never Kryo. */
class RecordTypesArePojosTest {

    @ParameterizedTest
    @ValueSource(classes = {ClipManifest.class, VideoFrame.class, AudioBlock.class, EndOfClip.class,
        DeadLetter.class})
    void serializedAsPojoWithoutKryo(Class<?> type) {
        assertSerializedAsPojo(type);
        assertSerializedAsPojoWithoutKryo(type);
    }
}
