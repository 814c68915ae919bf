package dev.tickcast.job;

import dev.tickcast.schema.Tick;
import dev.tickcast.schema.internal.RawRecord;
import dev.tickcast.schema.internal.SourcedTick;
import dev.tickcast.schema.wire.WireCodec;
import java.nio.ByteBuffer;
import java.time.Instant;

/**
 * Test ticks with named times: {@code tick("ACME", T0).price(101.5).volume(3.0).build()}, or
 * {@code .sourced()} for the forecast operator's input and {@code .raw()} for the decoder's.
 */
public final class TickBuilder {

    /** A Friday afternoon: the named times of the tests are offsets from it. */
    public static final Instant T0 = Instant.parse("2024-03-01T14:30:00Z");

    public static final String TICKS_TOPIC = "tickcast.ticks";

    private final String symbol;
    private final Instant time;
    private double price = 100.0;
    private Double volume;
    private int partition = 3;
    private long offset = 42;

    private TickBuilder(String symbol, Instant time) {
        this.symbol = symbol;
        this.time = time;
    }

    public static TickBuilder tick(String symbol, Instant time) {
        return new TickBuilder(symbol, time);
    }

    /** T0 plus {@code seconds}. */
    public static Instant t(long seconds) {
        return T0.plusSeconds(seconds);
    }

    public TickBuilder price(double price) {
        this.price = price;
        return this;
    }

    public TickBuilder volume(Double volume) {
        this.volume = volume;
        return this;
    }

    /** Where the record sits in Kafka. */
    public TickBuilder at(int partition, long offset) {
        this.partition = partition;
        this.offset = offset;
        return this;
    }

    public Tick build() {
        return Tick.newBuilder()
                .setSymbol(symbol)
                .setEventTime(time)
                .setPrice(price)
                .setVolume(volume)
                .build();
    }

    public SourcedTick sourced() {
        return sourced(build(), partition, offset);
    }

    public static SourcedTick sourced(Tick tick, int partition, long offset) {
        return SourcedTick.newBuilder()
                .setTick(tick)
                .setTopic(TICKS_TOPIC)
                .setPartition(partition)
                .setOffset(offset)
                .setReceivedAtMicros(0L)
                .build();
    }

    /** The tick wire-encoded in a Kafka record, keyed by its symbol. */
    public RawRecord raw() {
        return raw(WireCodec.of(Tick.class).encode(build()), partition, offset);
    }

    public static RawRecord raw(byte[] value, int partition, long offset) {
        return RawRecord.newBuilder()
                .setTopic(TICKS_TOPIC)
                .setPartition(partition)
                .setOffset(offset)
                .setKey(ByteBuffer.wrap(WireCodec.key("ACME")))
                .setValue(value == null ? null : ByteBuffer.wrap(value))
                .build();
    }
}
