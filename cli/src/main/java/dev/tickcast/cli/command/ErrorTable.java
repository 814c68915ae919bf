package dev.tickcast.cli.command;

import dev.tickcast.model.forecast.ErrorStats;
import java.io.PrintWriter;
import java.util.Map;

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
