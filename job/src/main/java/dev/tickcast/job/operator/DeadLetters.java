package dev.tickcast.job.operator;

import dev.tickcast.model.file.Weights;
import dev.tickcast.schema.DeadLetter;
import dev.tickcast.schema.DeadLetterReason;
import dev.tickcast.schema.internal.RawRecord;
import java.nio.ByteBuffer;
import java.time.Instant;

/**
 * Builds dead letters: the reason, the detail, and everything needed to find and replay the input.
 *
 * <p>A dead letter is bounded whatever it carries: a key or value past {@link #MAX_KEY_BYTES} / {@link
 * #MAX_VALUE_BYTES}
 * is kept as its first bytes, with its whole length and SHA-256 (to find the original at its offset), and the detail
 * is cut at {@link #MAX_DETAIL_CHARS}. Unbounded, a 600 KB key or a value near the broker's limit made a dead letter
 * over the producer's {@code max.request.size}: the send failed and the job restarted on the same record forever.
 */
public final class DeadLetters {

    static final int MAX_KEY_BYTES = 4 * 1024;
    static final int MAX_VALUE_BYTES = 64 * 1024;
    static final int MAX_DETAIL_CHARS = 4 * 1024;

    private DeadLetters() {}

    public static DeadLetter of(
            DeadLetterReason reason, String detail, RawRecord raw, String symbol, long detectedAtMs) {
        return of(
                reason,
                detail,
                raw.getTopic(),
                raw.getPartition(),
                raw.getOffset(),
                raw.getKey(),
                raw.getValue(),
                symbol,
                detectedAtMs);
    }

    public static DeadLetter of(
            DeadLetterReason reason,
            String detail,
            String topic,
            Integer partition,
            Long offset,
            byte[] key,
            byte[] value,
            String symbol,
            long detectedAtMs) {
        return of(
                reason,
                detail,
                topic,
                partition,
                offset,
                key == null ? null : ByteBuffer.wrap(key),
                value == null ? null : ByteBuffer.wrap(value),
                symbol,
                detectedAtMs);
    }

    private static DeadLetter of(
            DeadLetterReason reason,
            String detail,
            String topic,
            Integer partition,
            Long offset,
            ByteBuffer key,
            ByteBuffer value,
            String symbol,
            long detectedAtMs) {
        DeadLetter.Builder letter = DeadLetter.newBuilder()
                .setReason(reason.name())
                .setDetail(
                        detail.length() <= MAX_DETAIL_CHARS
                                ? detail
                                : detail.substring(0, MAX_DETAIL_CHARS) + "… (cut)")
                .setSourceTopic(topic)
                .setSourcePartition(partition)
                .setSourceOffset(offset)
                .setKey(head(key, MAX_KEY_BYTES))
                .setValue(head(value, MAX_VALUE_BYTES))
                .setSymbol(symbol)
                .setDetectedAt(Instant.ofEpochMilli(detectedAtMs));
        if (key != null && key.remaining() > MAX_KEY_BYTES) {
            letter.setKeyLength((long) key.remaining()).setKeySha256(sha256(key));
        }
        if (value != null && value.remaining() > MAX_VALUE_BYTES) {
            letter.setValueLength((long) value.remaining()).setValueSha256(sha256(value));
        }
        return letter.build();
    }

    /** The bytes, or their first {@code limit} bytes. */
    private static ByteBuffer head(ByteBuffer bytes, int limit) {
        if (bytes == null || bytes.remaining() <= limit) {
            return bytes;
        }
        ByteBuffer head = bytes.duplicate();
        head.limit(head.position() + limit);
        return head.slice();
    }

    private static ByteBuffer sha256(ByteBuffer bytes) {
        return ByteBuffer.wrap(Weights.sha256(bytes)); // the SHA-256 of a ByteBuffer, as model checksums use it
    }
}
