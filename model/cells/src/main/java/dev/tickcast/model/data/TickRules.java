package dev.tickcast.model.data;

import dev.tickcast.model.forecast.ForecastState;
import java.time.Instant;
import java.util.Objects;

/**
 * What makes a tick usable, decided in one place for the CSV reader, the backtest and the Flink job.
 * Each rule returns a {@link TickRejection} with its reason code, or null when the tick passes.
 */
public final class TickRules {

    public static final String BAD_SYMBOL = "BAD_SYMBOL";
    public static final String BAD_PRICE = "BAD_PRICE";
    public static final String BAD_VOLUME = "BAD_VOLUME";
    public static final String BAD_TIME = "BAD_TIME";
    public static final String OUT_OF_ORDER = "OUT_OF_ORDER";
    public static final String DUPLICATE = "DUPLICATE";

    public static final int MAX_SYMBOL_LENGTH = 64;
    /** Earliest accepted event time: price history before 1900 is not a tick feed. */
    public static final long EARLIEST_TIME_MS = Instant.parse("1900-01-01T00:00:00Z").toEpochMilli();

    private TickRules() {}

    /**
     * Field checks.
     *
     * @param latestTimeMs latest accepted event time (the job passes now + its tolerance)
     */
    public static TickRejection checkFields(String symbol, long timeMs, double price, Double volume, long latestTimeMs) {
        if (symbol == null || symbol.isBlank()) {
            return new TickRejection(BAD_SYMBOL, "symbol is empty");
        }
        if (symbol.length() > MAX_SYMBOL_LENGTH) {
            return new TickRejection(BAD_SYMBOL, "symbol is " + symbol.length() + " characters, over the limit of " + MAX_SYMBOL_LENGTH);
        }
        if (!Double.isFinite(price) || price <= 0) {
            return new TickRejection(BAD_PRICE, "price " + price + " is not a finite number > 0");
        }
        if (volume != null && (!Double.isFinite(volume) || volume < 0)) {
            return new TickRejection(BAD_VOLUME, "volume " + volume + " is not a finite number >= 0");
        }
        if (timeMs < EARLIEST_TIME_MS || timeMs > latestTimeMs) {
            return new TickRejection(BAD_TIME, "event time " + timeMs + " ms is outside [" + Instant.ofEpochMilli(EARLIEST_TIME_MS)
                    + ", " + Instant.ofEpochMilli(latestTimeMs) + "]");
        }
        return null;
    }

    /**
     * Order checks against the symbol's state: a tick older than the last accepted one is out of order;
     * one equal to it in time, price and volume is a duplicate. Several different ticks in the same
     * millisecond are real (several trades) and pass.
     */
    public static TickRejection checkOrder(ForecastState state, long timeMs, double price, Double volume) {
        if (state.ticks() == 0) {
            return null;
        }
        if (timeMs < state.lastTimeMs()) {
            return new TickRejection(OUT_OF_ORDER, "event time " + Instant.ofEpochMilli(timeMs) + " is before the symbol's last tick at "
                    + Instant.ofEpochMilli(state.lastTimeMs()));
        }
        if (timeMs == state.lastTimeMs() && price == state.lastPrice() && Objects.equals(volume, state.lastVolume())) {
            return new TickRejection(DUPLICATE, "same time, price and volume as the symbol's last tick");
        }
        return null;
    }
}
