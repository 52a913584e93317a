package io.dubstream.connectors.records;

/**
 * One record of a clip on Kafka. Every record is keyed by its clip id, so all of a clip's records of
 * one topic sit in one partition, in the order they were sent.
 */
public interface ClipRecord {

    /** The clip this record belongs to; also the Kafka record key. */
    String getClipId();

    /** The kind of record, as written in the binary header. */
    RecordType recordType();
}
