package io.dubstream.connectors.format;

import java.util.Objects;

import io.dubstream.connectors.records.ClipRecord;

/**
 * What reading one Kafka record value gave: a valid record, or the reason it was rejected together
 * with its original bytes, so that the caller can send it to the dead-letter topic instead of
 * dropping it.
 */
public sealed interface DecodeResult {

    /** A record that passed every check. */
    record Valid(ClipRecord record) implements DecodeResult {
        public Valid {
            Objects.requireNonNull(record);
        }
    }

    /** A record that did not; {@code reason} is one line saying what is wrong. */
    record Rejected(String reason, byte[] originalBytes) implements DecodeResult {
        public Rejected {
            Objects.requireNonNull(reason);
        }
    }

    default boolean isValid() {
        return this instanceof Valid;
    }

    /** The record, or an {@link IllegalStateException} with the rejection reason. */
    default ClipRecord recordOrThrow() {
        if (this instanceof Valid v) {
            return v.record();
        }
        throw new IllegalStateException("record was rejected: " + ((Rejected) this).reason());
    }
}
