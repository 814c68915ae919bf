package dev.tickcast.schema.wire;

import dev.tickcast.schema.DeadLetterReason;

/** Bytes that are not a value of the expected type, with a reason code fit for a dead letter. */
public final class WireException extends Exception {

    private static final long serialVersionUID = 1L;

    private final DeadLetterReason reason;

    /** @param reason one of the wire reasons ({@link DeadLetterReason#isWire()}) */
    public WireException(DeadLetterReason reason, String message) {
        super(message);
        if (!reason.isWire()) {
            throw new IllegalArgumentException(reason + " is not a wire reason");
        }
        this.reason = reason;
    }

    public DeadLetterReason reason() {
        return reason;
    }
}
