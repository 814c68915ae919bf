package dev.tickcast.model.data;

import static dev.tickcast.model.testdata.TickBuilder.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tickcast.model.forecast.ForecastSettings;
import dev.tickcast.model.forecast.ForecastState;
import dev.tickcast.model.forecast.SymbolForecaster;
import dev.tickcast.model.forecast.TickOrder;
import dev.tickcast.schema.DeadLetterReason;
import org.junit.jupiter.api.Test;

class TickRulesTest {

    private static final long NOW = T0.toEpochMilli();
    private static final long LATEST = NOW + 60_000;

    /** A symbol's state after one accepted tick at T0, price 100, volume 5. */
    private static ForecastState afterOneTick(Double volume) {
        SymbolForecaster forecaster = new SymbolForecaster(ForecastSettings.DEFAULTS);
        ForecastState state = forecaster.newState();
        forecaster.onTick(state, null, "ACME", NOW, 100.0, volume);
        return state;
    }

    @Test
    void acceptsAValidTick() {
        assertThat(TickRules.checkFields("ACME", NOW, 1e-8, null, LATEST)).isNull();
        assertThat(TickRules.checkFields("ACME", NOW, 100.0, 0.0, LATEST)).isNull();
    }

    @Test
    void refusesEachBadFieldWithItsReason() {
        assertThat(TickRules.checkFields("", NOW, 100.0, null, LATEST).reason()).isEqualTo(DeadLetterReason.BAD_SYMBOL);
        assertThat(TickRules.checkFields(null, NOW, 100.0, null, LATEST).reason())
                .isEqualTo(DeadLetterReason.BAD_SYMBOL);
        assertThat(TickRules.checkFields("X".repeat(65), NOW, 100.0, null, LATEST)
                        .reason())
                .isEqualTo(DeadLetterReason.BAD_SYMBOL);
        assertThat(TickRules.checkFields("ACME", NOW, 0.0, null, LATEST).reason())
                .isEqualTo(DeadLetterReason.BAD_PRICE);
        assertThat(TickRules.checkFields("ACME", NOW, -3.0, null, LATEST).reason())
                .isEqualTo(DeadLetterReason.BAD_PRICE);
        assertThat(TickRules.checkFields("ACME", NOW, Double.NaN, null, LATEST).reason())
                .isEqualTo(DeadLetterReason.BAD_PRICE);
        assertThat(TickRules.checkFields("ACME", NOW, Double.POSITIVE_INFINITY, null, LATEST)
                        .reason())
                .isEqualTo(DeadLetterReason.BAD_PRICE);
        assertThat(TickRules.checkFields("ACME", NOW, 100.0, -1.0, LATEST).reason())
                .isEqualTo(DeadLetterReason.BAD_VOLUME);
        assertThat(TickRules.checkFields("ACME", NOW, 100.0, Double.NaN, LATEST).reason())
                .isEqualTo(DeadLetterReason.BAD_VOLUME);
        assertThat(TickRules.checkFields("ACME", LATEST + 1, 100.0, null, LATEST)
                        .reason())
                .isEqualTo(DeadLetterReason.BAD_TIME);
        assertThat(TickRules.checkFields("ACME", TickRules.EARLIEST_TIME_MS - 1, 100.0, null, LATEST)
                        .reason())
                .isEqualTo(DeadLetterReason.BAD_TIME);
    }

    @Test
    void refusesPricesWhoseSquaredErrorsWouldOverflow() {
        assertThat(TickRules.checkFields("ACME", NOW, 1e200, null, LATEST).reason())
                .isEqualTo(DeadLetterReason.BAD_PRICE);
        assertThat(TickRules.checkFields("ACME", NOW, Double.MAX_VALUE, null, LATEST)
                        .reason())
                .isEqualTo(DeadLetterReason.BAD_PRICE);
        assertThat(TickRules.checkFields("ACME", NOW, Double.MIN_VALUE, null, LATEST)
                        .reason())
                .isEqualTo(DeadLetterReason.BAD_PRICE);
        assertThat(TickRules.checkFields("ACME", NOW, TickRules.MAX_PRICE, null, LATEST))
                .isNull();
        assertThat(TickRules.checkFields("ACME", NOW, TickRules.MIN_PRICE, null, LATEST))
                .isNull();
    }

    @Test
    void refusesSymbolsThatPrintAlikeButDiffer() {
        for (String symbol : new String[] {
            "AC\u0000ME",
            "ACME\n",
            "AC\u001bME",
            "AC\u202eEM",
            "A\u200bCME",
            "ACME ",
            " ACME",
            "ACME\u00a0",
            "AC\ud800ME",
            "AC\ue000ME",
            "AC\u2028ME"
        }) {
            assertThat(TickRules.checkFields(symbol, NOW, 100.0, null, LATEST))
                    .as("symbol %s", symbol.codePoints().boxed().toList())
                    .isNotNull()
                    .extracting(r -> r.reason())
                    .isEqualTo(DeadLetterReason.BAD_SYMBOL);
        }
        for (String symbol : new String[] {"BRK B", "BITSTAMP:BTCUSD", "日経225", "€STR", "X"}) {
            assertThat(TickRules.checkFields(symbol, NOW, 100.0, null, LATEST))
                    .as(symbol)
                    .isNull();
        }
    }

    @Test
    void firstTickOfASymbolIsNeverOutOfOrder() {
        ForecastState fresh = new SymbolForecaster(ForecastSettings.DEFAULTS).newState();

        assertThat(TickOrder.check(fresh, 0L, 100.0, null)).isNull();
    }

    @Test
    void refusesATickOlderThanTheLastAsOutOfOrder() {
        TickRejection rejection = TickOrder.check(afterOneTick(5.0), NOW - 1, 101.0, 5.0);

        assertThat(rejection.reason()).isEqualTo(DeadLetterReason.OUT_OF_ORDER);
        assertThat(rejection.detail())
                .contains("2024-03-01T14:29:59.999Z is before the symbol's last tick at 2024-03-01T14:30:00Z");
    }

    @Test
    void refusesAnExactRepeatAsDuplicate() {
        assertThat(TickOrder.check(afterOneTick(5.0), NOW, 100.0, 5.0).reason()).isEqualTo(DeadLetterReason.DUPLICATE);
        assertThat(TickOrder.check(afterOneTick(null), NOW, 100.0, null).reason())
                .isEqualTo(DeadLetterReason.DUPLICATE);
    }

    @Test
    void passesDifferentTicksInTheSameMillisecond() {
        ForecastState state = afterOneTick(5.0);

        assertThat(TickOrder.check(state, NOW, 100.5, 5.0)).as("other price").isNull();
        assertThat(TickOrder.check(state, NOW, 100.0, 6.0)).as("other volume").isNull();
        assertThat(TickOrder.check(state, NOW, 100.0, null))
                .as("volume missing")
                .isNull();
    }

    @Test
    void passesTheSamePriceLater() {
        assertThat(TickOrder.check(afterOneTick(5.0), NOW + 1, 100.0, 5.0)).isNull();
    }
}
