package dev.tickcast.job.operator;

import dev.tickcast.job.types.Streams;
import dev.tickcast.model.data.TickRejection;
import dev.tickcast.model.data.TickRules;
import dev.tickcast.schema.DeadLetterReason;
import dev.tickcast.schema.Tick;
import dev.tickcast.schema.internal.RawRecord;
import dev.tickcast.schema.internal.SourcedTick;
import dev.tickcast.schema.wire.WireCodec;
import dev.tickcast.schema.wire.WireException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Decodes and checks every tick record. A value that is not a Tick, or a tick whose fields are unusable
 * (symbol, price, volume, time), goes to the dead-letter side output with its reason; the job never
 * fails on input.
 */
public final class TickDecoder extends ProcessFunction<RawRecord, SourcedTick> {

    private static final long serialVersionUID = 1L;

    /** Reason code of a file row that is not a tick (the file source says why). */
    private final int maxRecordBytes;

    private final long futureToleranceMs;
    private transient WireCodec<Tick> codec;
    private transient Counter ticksIn;
    private transient DeadLetterCounters deadLetters;

    public TickDecoder(int maxRecordBytes, Duration futureTolerance) {
        this.maxRecordBytes = maxRecordBytes;
        this.futureToleranceMs = futureTolerance.toMillis();
    }

    @Override
    public void open(OpenContext openContext) {
        codec = WireCodec.of(Tick.class, maxRecordBytes);
        ticksIn = getRuntimeContext().getMetricGroup().counter("ticksIn");
        deadLetters = new DeadLetterCounters(getRuntimeContext().getMetricGroup());
    }

    @Override
    public void processElement(RawRecord raw, Context ctx, Collector<SourcedTick> out) {
        ticksIn.inc();
        long now = System.currentTimeMillis();
        if (raw.getError() != null) { // a file source could not read the row as a tick
            reject(ctx, DeadLetterReason.BAD_ROW, raw.getError(), raw, null, now);
            return;
        }
        long recordBytes = remaining(raw.getKey()) + remaining(raw.getValue());
        if (recordBytes
                > maxRecordBytes) { // the key counts too: it is copied into the dead letter and the state's interner
            reject(
                    ctx,
                    DeadLetterReason.OVERSIZED,
                    "key of " + remaining(raw.getKey()) + " and value of " + remaining(raw.getValue())
                            + " bytes: over the " + maxRecordBytes
                            + "-byte limit for a tick record (--max-record-bytes)",
                    raw,
                    null,
                    now);
            return;
        }
        Tick tick;
        try {
            tick = codec.decode(bytes(raw.getValue()));
        } catch (WireException e) {
            reject(ctx, e.reason(), e.getMessage(), raw, null, now);
            return;
        }
        long timeMs = tick.getEventTime().toEpochMilli();
        TickRejection rejection = TickRules.checkFields(
                tick.getSymbol(), timeMs, tick.getPrice(), tick.getVolume(), now + futureToleranceMs);
        if (rejection != null) {
            boolean timeUsable = rejection.reason() != DeadLetterReason.BAD_TIME;
            String symbol = rejection.reason() == DeadLetterReason.BAD_SYMBOL ? null : tick.getSymbol();
            reject(ctx, rejection.reason(), rejection.detail(), raw, symbol, timeUsable ? timeMs : now);
            return;
        }
        SourcedTick sourced =
                new SourcedTick(); // setters, not the builder: per tick, and the builder allocates field arrays
        sourced.setTick(tick);
        sourced.setTopic(raw.getTopic());
        sourced.setPartition(raw.getPartition());
        sourced.setOffset(raw.getOffset());
        sourced.setReceivedAtMicros(micros(Instant.now()));
        out.collect(sourced);
    }

    private void reject(
            Context ctx, DeadLetterReason reason, String detail, RawRecord raw, String symbol, long detectedAtMs) {
        deadLetters.inc(reason);
        ctx.output(Streams.DEAD_LETTER_TAG, DeadLetters.of(reason, detail, raw, symbol, detectedAtMs));
    }

    static long remaining(ByteBuffer buffer) {
        return buffer == null ? 0 : buffer.remaining();
    }

    public static byte[] bytes(ByteBuffer buffer) {
        if (buffer == null) {
            return null;
        }
        byte[] b = new byte[buffer.remaining()];
        buffer.duplicate().get(b);
        return b;
    }

    static long micros(Instant t) {
        return t.getEpochSecond() * 1_000_000L + t.getNano() / 1_000;
    }
}
