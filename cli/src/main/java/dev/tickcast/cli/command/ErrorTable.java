package dev.tickcast.cli.command;

import dev.tickcast.model.forecast.ErrorStats;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Prints per-symbol and overall forecast errors next to the naive forecast's. */
public final class ErrorTable {

    private ErrorTable() {}

    public static void print(PrintWriter out, Map<String, ErrorStats> perSymbol, ErrorStats overall) {
        String row = "%-20s %9s %12s %12s %12s %12s %8s %11s%n";
        out.printf(row, "symbol", "forecasts", "MAE", "naive MAE", "RMSE", "naive RMSE", "skill", "model skill");
        perSymbol.forEach((symbol, s) -> line(out, row, symbol, s));
        line(out, row, "ALL", overall);
        out.println("skill = 1 - MSE/MSE_naive: above 0 beats the naive last-price forecast. model skill: the model's"
                + " own forecasts, before each symbol's guard weighed them.");
    }

    /**
     * Per source (the symbol up to its first ':', e.g. BITSTAMP of BITSTAMP:BTCUSD): the mean of its symbols' skills,
     * served and the model's own, and how many symbols are below naive. A mean of per-symbol skills, not a pooled
     * MSE: symbols of a source trade at very different price levels.
     */
    public static void printBySource(PrintWriter out, Map<String, ErrorStats> perSymbol) {
        Map<String, List<ErrorStats>> bySource = new TreeMap<>();
        perSymbol.forEach((symbol, s) -> {
            if (s.count() > 0) {
                int colon = symbol.indexOf(':');
                bySource.computeIfAbsent(colon > 0 ? symbol.substring(0, colon) : symbol, k -> new ArrayList<>())
                        .add(s);
            }
        });
        if (bySource.size() < 2) {
            return;
        }
        String row = "%-20s %8s %11s %11s %12s %14s%n";
        out.println();
        out.printf(row, "source", "symbols", "mean skill", "model skill", "below naive", "below -0.01");
        int symbols = 0;
        int below = 0;
        int farBelow = 0;
        for (Map.Entry<String, List<ErrorStats>> e : bySource.entrySet()) {
            List<ErrorStats> list = e.getValue();
            long under = list.stream().filter(s -> s.skill() < 0).count();
            long farUnder = list.stream().filter(s -> s.skill() < -0.01).count();
            out.printf(
                    row,
                    e.getKey(),
                    list.size(),
                    String.format(
                            "%+.5f",
                            list.stream()
                                    .mapToDouble(ErrorStats::skill)
                                    .average()
                                    .orElse(0)),
                    String.format(
                            "%+.5f",
                            list.stream()
                                    .mapToDouble(ErrorStats::modelSkill)
                                    .average()
                                    .orElse(0)),
                    under,
                    farUnder);
            symbols += list.size();
            below += (int) under;
            farBelow += (int) farUnder;
        }
        out.printf(row, "ALL", symbols, "", "", below, farBelow);
    }

    private static void line(PrintWriter out, String row, String name, ErrorStats s) {
        out.printf(
                row,
                name,
                s.count(),
                num(s.mae()),
                num(s.naiveMae()),
                num(s.rmse()),
                num(s.naiveRmse()),
                String.format("%+.4f", s.skill()),
                String.format("%+.4f", s.modelSkill()));
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "-" : String.format(Math.abs(v) >= 1 ? "%.4f" : "%.6g", v);
    }
}
