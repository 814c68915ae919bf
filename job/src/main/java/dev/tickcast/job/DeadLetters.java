package dev.tickcast.job;

import dev.tickcast.schema.DeadLetter;
import dev.tickcast.schema.internal.RawRecord;
import java.nio.ByteBuffer;
import java.time.Instant;

/** Builds dead letters: the reason, the detail, and everything needed to find and replay the input. */
public final class DeadLetters {

    /** Reason codes beyond the wire and tick-rule ones. */
    public static final String MODEL_REJECTED = "MODEL_REJECTED";

    private DeadLetters() {}

    public static DeadLetter of(String reason, String detail, RawRecord raw, String symbol, long detectedAtMs) {
        return DeadLetter.newBuilder()
                .setReason(reason)
                .setDetail(detail)
                .setSourceTopic(raw.getTopic())
                .setSourcePartition(raw.getPartition())
                .setSourceOffset(raw.getOffset())
                .setKey(raw.getKey())
                .setValue(raw.getValue())
                .setSymbol(symbol)
                .setDetectedAt(Instant.ofEpochMilli(detectedAtMs))
                .build();
    }

    public static DeadLetter of(String reason, String detail, String topic, Integer partition, Long offset, byte[] key, byte[] value,
            String symbol, long detectedAtMs) {
        return DeadLetter.newBuilder()
                .setReason(reason)
                .setDetail(detail)
                .setSourceTopic(topic)
                .setSourcePartition(partition)
                .setSourceOffset(offset)
                .setKey(key == null ? null : ByteBuffer.wrap(key))
                .setValue(value == null ? null : ByteBuffer.wrap(value))
                .setSymbol(symbol)
                .setDetectedAt(Instant.ofEpochMilli(detectedAtMs))
                .build();
    }
}
