package dev.tickcast.cli.evaluate;

import dev.tickcast.model.data.TickRejection;
import dev.tickcast.model.file.Model;
import dev.tickcast.model.forecast.ForecastSettings;
import dev.tickcast.model.forecast.ForecastState;
import dev.tickcast.model.forecast.SymbolForecaster;
import dev.tickcast.model.forecast.TickOrder;
import dev.tickcast.model.forecast.TickOutcome;
import dev.tickcast.schema.Evaluation;
import dev.tickcast.schema.HorizonEvaluation;
import dev.tickcast.schema.Tick;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Runs a model over ticks with the job's per-tick code ({@link TickOrder}, then {@link SymbolForecaster}) and scores
 * every horizon's evaluations that are realised in each symbol's held-out part, per symbol and pooled. Also keeps
 * each symbol's one-tick log returns, for the volatility baselines.
 */
public final class ForecastEvaluation {

    /** Scores per horizon (in the model's order), pooled and per symbol, and each symbol's returns. */
    public record Result(
            int[] horizons,
            HorizonScore[] overall,
            Map<String, HorizonScore[]> perSymbol,
            Map<String, double[]> returns,
            Map<String, Integer> heldOutFrom,
            long refused) {}

    private ForecastEvaluation() {}

    /**
     * @param heldOutFromMs per symbol, the event time from which evaluations count (earlier ticks only step the state)
     */
    public static Result run(
            Model model, List<Tick> ticks, ForecastSettings settings, Map<String, Long> heldOutFromMs) {
        SymbolForecaster forecaster = new SymbolForecaster(settings);
        List<Double> levels = settings.intervals().levels();
        int[] horizons = model == null ? new int[] {1} : model.horizons();
        HorizonScore[] overall = scores(horizons, levels);
        Map<String, HorizonScore[]> perSymbol = new TreeMap<>();
        Map<String, ForecastState> states = new HashMap<>();
        Map<String, List<Double>> returns = new HashMap<>();
        Map<String, Integer> heldOutFrom = new HashMap<>();
        long refused = 0;
        for (Tick tick : ticks) {
            String symbol = tick.getSymbol();
            long ms = tick.getEventTime().toEpochMilli();
            ForecastState state = states.computeIfAbsent(symbol, s -> forecaster.newState());
            TickRejection rejection = TickOrder.check(state, ms, tick.getPrice(), tick.getVolume());
            if (rejection != null) {
                refused++;
                continue;
            }
            double last = state.lastPrice();
            boolean first = state.ticks() == 0;
            TickOutcome outcome = forecaster.onTick(state, model, symbol, ms, tick.getPrice(), tick.getVolume());
            boolean heldOut = ms >= heldOutFromMs.getOrDefault(symbol, Long.MIN_VALUE);
            if (!first) {
                List<Double> r = returns.computeIfAbsent(symbol, s -> new ArrayList<>());
                if (heldOut) {
                    heldOutFrom.putIfAbsent(symbol, r.size());
                }
                r.add(Math.log(tick.getPrice() / last));
            }
            Evaluation e = outcome.evaluation();
            if (e == null || !heldOut) {
                continue;
            }
            HorizonScore[] mine = perSymbol.computeIfAbsent(symbol, s -> scores(horizons, levels));
            for (HorizonEvaluation he : e.getHorizons()) {
                int k = indexOf(horizons, he.getHorizon());
                if (k >= 0) {
                    overall[k].add(he, tick.getPrice());
                    mine[k].add(he, tick.getPrice());
                }
            }
        }
        Map<String, double[]> returnArrays = new TreeMap<>();
        returns.forEach((s, r) ->
                returnArrays.put(s, r.stream().mapToDouble(Double::doubleValue).toArray()));
        return new Result(horizons, overall, perSymbol, returnArrays, heldOutFrom, refused);
    }

    private static HorizonScore[] scores(int[] horizons, List<Double> levels) {
        HorizonScore[] s = new HorizonScore[horizons.length];
        for (int k = 0; k < horizons.length; k++) {
            s[k] = new HorizonScore(horizons[k], levels);
        }
        return s;
    }

    private static int indexOf(int[] horizons, int h) {
        for (int k = 0; k < horizons.length; k++) {
            if (horizons[k] == h) {
                return k;
            }
        }
        return -1;
    }
}
