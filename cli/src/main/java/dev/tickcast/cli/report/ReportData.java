package dev.tickcast.cli.report;

import dev.tickcast.cli.common.UserException;
import dev.tickcast.schema.Evaluation;
import dev.tickcast.schema.Forecast;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a report is drawn from: per symbol, each forecast next to the price that realised it, in
 * event order.
 *
 * <p>With evaluations, the outcomes are the job's own evaluations, each joined to the forecast it
 * evaluates (same symbol, forecast time and forecast price) for its interval. Without them, a
 * forecast is realised by the next forecast of the same symbol, whose last price is the next tick's
 * price: the same pairing the job's evaluations make.
 */
public record ReportData(String source, Map<String, List<Outcome>> bySymbol, String pairing) {

    private record ForecastKey(String symbol, long timeMs, double forecastPrice) {}

    public static ReportData of(String source, List<Forecast> forecasts, List<Evaluation> evaluations) {
        if (forecasts.isEmpty() && evaluations.isEmpty()) {
            throw new UserException("no forecasts and no evaluations in " + source
                    + "; run the job (or 'tickcast backtest') first, or point the report at the right topics or files");
        }
        return evaluations.isEmpty()
                ? new ReportData(
                        source, fromForecasts(forecasts), "each forecast against the symbol's next forecasted tick")
                : new ReportData(
                        source,
                        fromEvaluations(forecasts, evaluations),
                        "the job's evaluations"
                                + (forecasts.isEmpty()
                                        ? " (no forecasts given: no intervals)"
                                        : ", intervals from the matching forecasts"));
    }

    private static Map<String, List<Outcome>> fromEvaluations(List<Forecast> forecasts, List<Evaluation> evaluations) {
        // A queue per key: two ticks of a symbol may share a time and a forecast.
        Map<ForecastKey, Deque<Forecast>> byKey = new HashMap<>();
        for (Forecast f : forecasts) {
            byKey.computeIfAbsent(
                            key(f.getSymbol(), f.getEventTime().toEpochMilli(), f.getForecastPrice()),
                            k -> new ArrayDeque<>())
                    .add(f);
        }
        Map<String, List<Outcome>> out = new TreeMap<>();
        for (Evaluation e : evaluations) {
            Deque<Forecast> matches =
                    byKey.get(key(e.getSymbol(), e.getForecastTime().toEpochMilli(), e.getForecastPrice()));
            Forecast f = matches == null ? null : matches.poll();
            out.computeIfAbsent(e.getSymbol().toString(), s -> new ArrayList<>())
                    .add(new Outcome(
                            e.getActualTime(),
                            e.getActualPrice(),
                            e.getForecastPrice(),
                            e.getNaivePrice(),
                            f == null ? Double.NaN : f.getIntervalLow(),
                            f == null ? Double.NaN : f.getIntervalHigh(),
                            e.getModelVersion()));
        }
        return out;
    }

    private static Map<String, List<Outcome>> fromForecasts(List<Forecast> forecasts) {
        Map<String, Forecast> previous = new HashMap<>();
        Map<String, List<Outcome>> out = new TreeMap<>();
        for (Forecast f : forecasts) {
            String symbol = f.getSymbol().toString();
            Forecast p = previous.put(symbol, f);
            List<Outcome> list = out.computeIfAbsent(symbol, s -> new ArrayList<>());
            if (p != null) {
                list.add(new Outcome(
                        f.getEventTime(),
                        f.getLastPrice(),
                        p.getForecastPrice(),
                        p.getLastPrice(),
                        p.getIntervalLow(),
                        p.getIntervalHigh(),
                        p.getModelVersion()));
            }
        }
        return out;
    }

    private static ForecastKey key(CharSequence symbol, long timeMs, double forecastPrice) {
        return new ForecastKey(symbol.toString(), timeMs, forecastPrice);
    }
}
