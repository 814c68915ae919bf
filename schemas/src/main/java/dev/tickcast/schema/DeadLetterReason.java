package dev.tickcast.schema;

/**
 * Every reason a record becomes a {@link DeadLetter}: the value of its {@code reason} field, the {@code reason} label
 * of
 * the {@code deadLetters} metric, and the codes the dead-letter table of docs/job.md and the schema's doc list.
 */
public enum DeadLetterReason {
    /** A Kafka record without a value. */
    EMPTY,
    /** Key and value together over {@code --max-record-bytes}, refused before decoding. */
    OVERSIZED,
    /** Not single-object Avro (no {@code C3 01} header). */
    NOT_AVRO,
    /** Single-object Avro of another schema. */
    WRONG_SCHEMA,
    /** Truncated or corrupt, including any length, count or index that does not fit in the bytes left. */
    UNDECODABLE,
    /** A line of a tick file (backfill) that is not a tick row. */
    BAD_ROW,
    /** Empty, too long, or not printable text. */
    BAD_SYMBOL,
    /** Not a finite price in the accepted range. */
    BAD_PRICE,
    /** Negative or not finite. */
    BAD_VOLUME,
    /** Before 1900, or too far ahead of the wall clock. */
    BAD_TIME,
    /** Older than the symbol's last tick. */
    OUT_OF_ORDER,
    /** The same time, price and volume as the symbol's last tick. */
    DUPLICATE,
    /** A models-topic record that is not a usable, newer model or an applicable control. */
    MODEL_REJECTED;

    /** Whether the reason is one of the wire decoder's (a {@code WireException}'s). */
    public boolean isWire() {
        return ordinal() <= UNDECODABLE.ordinal();
    }
}
