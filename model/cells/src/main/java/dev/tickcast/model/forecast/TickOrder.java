package dev.tickcast.model.forecast;

import dev.tickcast.model.data.TickRejection;
import dev.tickcast.schema.DeadLetterReason;
import java.time.Instant;
import java.util.Objects;

/** The checks of a tick against its symbol's last one, for the job, the backtest and the trainer alike. */
public final class TickOrder {

    private TickOrder() {}

    /**
     * A tick older than the last accepted one is out of order; one equal to it in time, price and volume is a
     * duplicate. Several different ticks in the same millisecond are real (several trades) and pass.
     *
     * @return why the tick is refused, or null
     */
    public static TickRejection check(ForecastState state, long timeMs, double price, Double volume) {
        if (state.ticks() == 0) {
            return null;
        }
        if (timeMs < state.lastTimeMs()) {
            return new TickRejection(
                    DeadLetterReason.OUT_OF_ORDER,
                    "event time " + Instant.ofEpochMilli(timeMs) + " is before the symbol's last tick at "
                            + Instant.ofEpochMilli(state.lastTimeMs()));
        }
        if (timeMs == state.lastTimeMs() && price == state.lastPrice() && Objects.equals(volume, state.lastVolume())) {
            return new TickRejection(
                    DeadLetterReason.DUPLICATE, "same time, price and volume as the symbol's last tick");
        }
        return null;
    }
}
