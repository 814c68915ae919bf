package dev.tickcast.bench.job;

import dev.tickcast.schema.Tick;
import dev.tickcast.schema.internal.RawRecord;
import dev.tickcast.schema.wire.WireCodec;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.concurrent.locks.LockSupport;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.connector.datagen.source.GeneratorFunction;

/**
 * Tick n of the feed, as the ticks topic would carry it (a Tick in wire encoding): symbol {@code S<n mod N>},
 * event time {@code base + n / N} ms (so every symbol's ticks are in order and never duplicates), a price
 * near 100 and a volume. With a rate, tick n is held back until its scheduled time
 * {@code base + n / rate}: the sink measures latency from that schedule, so a source that falls behind
 * counts as latency (no coordinated omission).
 */
final class TickGenerator implements GeneratorFunction<Long, RawRecord> {

    private static final long serialVersionUID = 1L;

    private final int symbols;
    private final double ratePerSecond;
    private transient String[] names;
    private transient WireCodec<Tick> codec;
    private transient long baseMs;

    /** @param ratePerSecond offered ticks/s, or 0 for as fast as possible */
    TickGenerator(int symbols, double ratePerSecond) {
        this.symbols = symbols;
        this.ratePerSecond = ratePerSecond;
    }

    @Override
    public void open(SourceReaderContext readerContext) {
        names = new String[symbols];
        for (int i = 0; i < symbols; i++) {
            names[i] = "S" + i;
        }
        codec = WireCodec.of(Tick.class);
        baseMs = System.currentTimeMillis();
    }

    @Override
    public RawRecord map(Long boxed) {
        long n = boxed;
        if (ratePerSecond > 0) {
            long dueMicros = baseMs * 1000 + (long) (n * 1e6 / ratePerSecond);
            // Sleep until the tick is due, never spin: at half the peak a tick is due every few microseconds, and
            // spinning for them kept the source thread at 100% of a core, a core the forecast task, GC and
            // checkpoints then lacked on a 2-core machine (a Kafka source blocks in poll instead). The wake-up comes
            // tens of microseconds late and the ticks due by then go out together; that lateness counts in the
            // latency, which the sink measures from the schedule.
            long waitMicros;
            while ((waitMicros = dueMicros - nowMicros()) > 0) {
                LockSupport.parkNanos(waitMicros * 1000);
            }
        }
        int symbol = (int) (n % symbols);
        long round = n / symbols;
        long mix = (n * 0x9E3779B97F4A7C15L) >>> 40; // 24 pseudo-random bits
        Tick tick = Tick.newBuilder()
                .setSymbol(names[symbol])
                .setEventTime(Instant.ofEpochMilli(baseMs + round))
                .setPrice(100.0 + (mix & 0xFFF) / 1000.0)
                .setVolume((double) (1 + (mix >>> 12 & 0xFF)))
                .build();
        RawRecord raw = new RawRecord(); // as RawRecordDeserializer builds it from a Kafka record
        raw.setTopic("bench");
        raw.setPartition(0);
        raw.setOffset(n);
        raw.setValue(ByteBuffer.wrap(codec.encode(tick)));
        return raw;
    }

    static long nowMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }
}
