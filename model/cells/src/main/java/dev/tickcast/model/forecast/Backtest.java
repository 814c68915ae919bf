package dev.tickcast.model.forecast;

import dev.tickcast.model.data.TickRejection;
import dev.tickcast.model.file.Model;
import dev.tickcast.schema.Forecast;
import dev.tickcast.schema.Tick;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.IntFunction;
import java.util.function.ToLongFunction;

/**
 * Runs a model over ticks offline, in the given order, through the same code path as the Flink job:
 * {@link TickRules} (out-of-order and duplicate ticks are refused, as the job dead-letters them), then
 * {@link SymbolForecaster} with per-symbol state. This is the reference the job's output is compared with.
 */
public final class Backtest {

    /** Errors per symbol and overall (only evaluations realised at or after the symbol's cut-off), and refusals. */
    public record Summary(
            Map<String, ErrorStats> perSymbol, ErrorStats overall, Map<String, Long> rejected, long forecasts) {}

    private Backtest() {}

    /**
     * @param model the model, or null for the naive forecast
     * @param evaluateFromMs per symbol, evaluations realised before this event time are not counted (the
     *     validation cut-off; {@code s -> Long.MIN_VALUE} counts all)
     * @param forecasts receives each tick with its forecast, in order
     */
    public static Summary run(
            Model model,
            Iterable<Tick> ticks,
            ForecastSettings settings,
            ToLongFunction<String> evaluateFromMs,
            BiConsumer<Tick, Forecast> forecasts) {
        return runWithModels(i -> model, ticks, settings, evaluateFromMs, forecasts);
    }

    /**
     * As {@link #run(Model, Iterable, ForecastSettings, ToLongFunction, BiConsumer)}, with the serving model
     * chosen per tick: {@code modelAt.apply(i)} serves the i-th tick of {@code ticks} (0-based, counting
     * refused ones). This is how a model swap plays out in the job: the next tick of each symbol under a
     * new model re-warms that symbol's state from its ring of recent inputs.
     */
    public static Summary runWithModels(
            IntFunction<Model> modelAt,
            Iterable<Tick> ticks,
            ForecastSettings settings,
            ToLongFunction<String> evaluateFromMs,
            BiConsumer<Tick, Forecast> forecasts) {
        return runWithModels(modelAt, ticks, settings, evaluateFromMs, forecasts, new HashMap<>());
    }

    /**
     * As {@link #runWithModels(IntFunction, Iterable, ForecastSettings, ToLongFunction, BiConsumer)}, continuing from
     * the given per-symbol states (and leaving them as the run ends): a run in parts, as a job that is stopped and
     * restored, possibly by another build.
     */
    public static Summary runWithModels(
            IntFunction<Model> modelAt,
            Iterable<Tick> ticks,
            ForecastSettings settings,
            ToLongFunction<String> evaluateFromMs,
            BiConsumer<Tick, Forecast> forecasts,
            Map<String, ForecastState> states) {
        SymbolForecaster forecaster = new SymbolForecaster(settings);
        Map<String, ErrorStats> perSymbol = new TreeMap<>();
        Map<String, Long> rejected = new TreeMap<>(); // by reason name, as dead letters and metrics say it
        ErrorStats overall = new ErrorStats();
        long count = 0;
        int index = -1;
        for (Tick tick : ticks) {
            index++;
            long timeMs = tick.getEventTime().toEpochMilli();
            ForecastState state = states.computeIfAbsent(tick.getSymbol(), s -> forecaster.newState());
            TickRejection rejection = TickOrder.check(state, timeMs, tick.getPrice(), tick.getVolume());
            if (rejection != null) {
                rejected.merge(rejection.reason().name(), 1L, Long::sum);
                continue;
            }
            TickOutcome outcome = forecaster.onTick(
                    state, modelAt.apply(index), tick.getSymbol(), timeMs, tick.getPrice(), tick.getVolume());
            count++;
            forecasts.accept(tick, outcome.forecast());
            if (outcome.evaluation() != null && timeMs >= evaluateFromMs.applyAsLong(tick.getSymbol())) {
                perSymbol
                        .computeIfAbsent(tick.getSymbol(), s -> new ErrorStats())
                        .add(outcome.evaluation());
                overall.add(outcome.evaluation());
            }
        }
        return new Summary(perSymbol, overall, rejected, count);
    }
}
