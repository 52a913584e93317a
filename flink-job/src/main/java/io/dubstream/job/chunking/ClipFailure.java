package io.dubstream.job.chunking;

import io.dubstream.connectors.records.ClipRecord;

/**
 * A clip cannot be assembled: the message is the reason in its failure marker; {@code refused} the
 * record that failed it, if one did and it is not the sender's own notice (an aborted upload).
 */
final class ClipFailure extends Exception {

    private static final long serialVersionUID = 1L;

    private final transient ClipRecord refused;

    ClipFailure(String reason, ClipRecord refused) {
        super(reason, null, false, false);
        this.refused = refused;
    }

    /** The record that failed the clip, to become a dead letter with the same reason; null for none. */
    ClipRecord refused() {
        return refused;
    }
}
