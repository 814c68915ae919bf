package dev.tickcast.model.forecast;

import static dev.tickcast.model.testdata.TickBuilder.t;
import static dev.tickcast.model.testdata.TickBuilder.tick;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static org.assertj.core.api.Assertions.within;

import dev.tickcast.model.file.Model;
import dev.tickcast.model.testdata.TestModels;
import dev.tickcast.schema.CellType;
import dev.tickcast.schema.DeadLetterReason;
import dev.tickcast.schema.Forecast;
import dev.tickcast.schema.Tick;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BacktestTest {

    /** The model's own forecasts (the guard is ModelGuardTest's). */
    private static final ForecastSettings SETTINGS = new ForecastSettings(16, 8, 2, 1.645).withGuard(GuardSettings.OFF);

    // A: accepted 100 (t0), 101 (t1), 103 (t3), 100 (t5), 104 (t5, another trade in the same second)
    // B: accepted 50 (t0), 51 (t2), 53 (t4)
    private static final List<Tick> TICKS = List.of(
            tick("A", t(0)).price(100).build(),
            tick("A", t(1)).price(101).volume(2.0).build(),
            tick("B", t(0)).price(50).build(),
            tick("A", t(1)).price(101).volume(2.0).build(), // duplicate
            tick("A", t(0).plusMillis(500)).price(99).build(), // out of order
            tick("B", t(2)).price(51).build(),
            tick("A", t(3)).price(103).build(),
            tick("B", t(2)).price(51).build(), // duplicate
            tick("B", t(4)).price(53).build(),
            tick("A", t(5)).price(100).build(),
            tick("A", t(5)).price(104).build(),
            tick("B", t(1)).price(49).build()); // out of order

    @Test
    void countsRefusedTicksByReasonAndForecastsTheRestInOrder() {
        List<Tick> forecastTicks = new ArrayList<>();
        List<Forecast> forecasts = new ArrayList<>();

        Backtest.Summary summary = Backtest.run(null, TICKS, SETTINGS, s -> Long.MIN_VALUE, (tick, forecast) -> {
            forecastTicks.add(tick);
            forecasts.add(forecast);
        });

        assertThat(summary.rejected())
                .containsOnly(
                        entry(DeadLetterReason.DUPLICATE.name(), 2L), entry(DeadLetterReason.OUT_OF_ORDER.name(), 2L));
        assertThat(summary.forecasts()).isEqualTo(8);
        assertThat(forecastTicks)
                .containsExactly(
                        TICKS.get(0),
                        TICKS.get(1),
                        TICKS.get(2),
                        TICKS.get(5),
                        TICKS.get(6),
                        TICKS.get(8),
                        TICKS.get(9),
                        TICKS.get(10));
        assertThat(forecasts).extracting(Forecast::getSymbol).containsExactly("A", "A", "B", "B", "A", "B", "A", "A");
    }

    @Test
    void countsOnlyEvaluationsRealisedAtOrAfterEachSymbolsCutoff() {
        long cutoffA = t(3).toEpochMilli();

        Backtest.Summary summary = Backtest.run(
                null, TICKS, SETTINGS, s -> s.equals("A") ? cutoffA : Long.MIN_VALUE, (tick, forecast) -> {});

        // A's naive errors 1 (t1), 2 (t3), −3 (t5), 4 (t5): the first is before the cut-off
        ErrorStats a = summary.perSymbol().get("A");
        assertThat(a.count()).isEqualTo(3);
        assertThat(a.mae()).isCloseTo(3.0, within(1e-12));
        assertThat(a.rmse()).isCloseTo(Math.sqrt(29.0 / 3), within(1e-12));
        // B's naive errors 1, 2, all counted
        ErrorStats b = summary.perSymbol().get("B");
        assertThat(b.count()).isEqualTo(2);
        assertThat(b.mae()).isCloseTo(1.5, within(1e-12));
        ErrorStats overall = summary.overall();
        assertThat(overall.count()).isEqualTo(5);
        assertThat(overall.mae()).isCloseTo(12.0 / 5, within(1e-12));
        assertThat(overall.naiveMae()).isCloseTo(12.0 / 5, within(1e-12));
    }

    @Test
    void symbolWithNoEvaluationAfterItsCutoffHasNoStats() {
        Backtest.Summary summary = Backtest.run(
                null,
                TICKS,
                SETTINGS,
                s -> s.equals("B") ? t(100).toEpochMilli() : Long.MIN_VALUE,
                (tick, forecast) -> {});

        assertThat(summary.perSymbol()).containsOnlyKeys("A");
        assertThat(summary.overall().count()).isEqualTo(4);
    }

    @Test
    void eachSymbolIsForecastAsIfItWereAlone() {
        Model model = TestModels.model(1, CellType.LSTM, new int[] {4}, 9);
        List<Forecast> interleaved = new ArrayList<>();
        List<Forecast> aloneA = new ArrayList<>();

        Backtest.run(model, TICKS, SETTINGS, s -> Long.MIN_VALUE, (tick, f) -> {
            if (tick.getSymbol().equals("A")) {
                interleaved.add(f);
            }
        });
        Backtest.Summary alone = Backtest.run(
                model,
                TICKS.stream().filter(tk -> tk.getSymbol().equals("A")).toList(),
                SETTINGS,
                s -> Long.MIN_VALUE,
                (tick, f) -> aloneA.add(f));

        assertThat(interleaved).hasSize(5).isEqualTo(aloneA);
        assertThat(interleaved).extracting(Forecast::getModelVersion).containsExactly(0L, 1L, 1L, 1L, 1L);
        assertThat(alone.overall().skill()).isNotZero();
    }
}
