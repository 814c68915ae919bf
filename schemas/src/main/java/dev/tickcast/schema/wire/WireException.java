package dev.tickcast.schema.wire;

/** Bytes that are not a value of the expected type, with a reason code fit for a dead letter. */
public final class WireException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Why a value was refused; the name is the dead letter's reason code. */
    public enum Reason {
        EMPTY,
        OVERSIZED,
        NOT_AVRO,
        WRONG_SCHEMA,
        UNDECODABLE
    }

    private final Reason reason;

    public WireException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
