package dev.tickcast.model.testdata;

import dev.tickcast.schema.Tick;
import java.time.Instant;

/** Test ticks with named times: {@code tick("ACME", T0).price(101.5).volume(3.0).build()}. */
public final class TickBuilder {

    /** A Friday afternoon: the named times of the tests are offsets from it. */
    public static final Instant T0 = Instant.parse("2024-03-01T14:30:00Z");

    private final String symbol;
    private final Instant time;
    private double price = 100.0;
    private Double volume;

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

    public Tick build() {
        return Tick.newBuilder()
                .setSymbol(symbol)
                .setEventTime(time)
                .setPrice(price)
                .setVolume(volume)
                .build();
    }
}
