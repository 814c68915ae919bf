package dev.tickcast.cli.report;

import dev.tickcast.model.forecast.ErrorStats;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Writes the accuracy report: one HTML file that needs nothing beside it (CSS inline, charts as
 * base64 PNG), and the same charts as PNG files next to it, named after it, for pasting elsewhere.
 */
public final class HtmlReport {

    /** The job's interval is ±1.645 RMS of recent log-return residuals: 90% if they were normal and stable. */
    public static final double NOMINAL_COVERAGE = 0.90;

    /** How the charts are drawn; the table always uses every outcome. */
    public record Options(int maxPoints, int window) {
        public static final Options DEFAULTS = new Options(2000, 100);
    }

    /** Errors and interval coverage of one symbol (or all). */
    public record Accuracy(ErrorStats errors, long intervals, long covered) {
        static Accuracy of(List<Outcome> outcomes) {
            ErrorStats s = new ErrorStats();
            long intervals = 0;
            long covered = 0;
            for (Outcome o : outcomes) {
                s.add(o.error(), o.naiveError());
                if (o.hasInterval()) {
                    intervals++;
                    covered += o.covered() ? 1 : 0;
                }
            }
            return new Accuracy(s, intervals, covered);
        }

        double coverage() {
            return intervals == 0 ? Double.NaN : (double) covered / intervals;
        }
    }

    /** What was written. */
    public record Written(Path html, List<Path> pngs) {}

    private HtmlReport() {}

    public static Written write(ReportData data, Path out, Options options) {
        String base = out.getFileName().toString().replaceFirst("\\.html?$", "");
        Path dir = out.toAbsolutePath().getParent();
        List<Path> pngs = new ArrayList<>();
        StringBuilder sections = new StringBuilder();
        Map<String, Accuracy> accuracy = new LinkedHashMap<>();
        List<Outcome> all = new ArrayList<>();
        try {
            Files.createDirectories(dir);
            for (Map.Entry<String, List<Outcome>> e : data.bySymbol().entrySet()) {
                String symbol = e.getKey();
                List<Outcome> outcomes = e.getValue();
                accuracy.put(symbol, Accuracy.of(outcomes));
                all.addAll(outcomes);
                sections.append("<h2 id=\"")
                        .append(fileSafe(symbol))
                        .append("\">")
                        .append(esc(symbol))
                        .append("</h2>\n");
                if (outcomes.isEmpty()) {
                    sections.append("<p>One forecast, nothing realised it yet.</p>\n");
                    continue;
                }
                int stride = ReportCharts.stride(outcomes.size(), options.maxPoints());
                sections.append("<p class=\"note\">")
                        .append(String.format(
                                "%,d forecasts from %s to %s",
                                outcomes.size(),
                                day(outcomes.get(0).actualTime()),
                                day(outcomes.get(outcomes.size() - 1).actualTime())));
                if (stride > 1) {
                    sections.append(String.format(
                            "; charts show every %,d%s forecast (%,d points), the table uses all",
                            stride, ordinalSuffix(stride), (outcomes.size() + stride - 1) / stride));
                }
                sections.append(".</p>\n");
                String stem = base + "-" + fileSafe(symbol);
                sections.append(image(
                        dir,
                        stem + "-price.png",
                        ReportCharts.price(symbol, outcomes, options.maxPoints()),
                        pngs,
                        "actual price, forecast and interval of " + symbol));
                sections.append(image(
                        dir,
                        stem + "-error.png",
                        ReportCharts.rollingError(
                                symbol, outcomes, Math.min(options.window(), outcomes.size()), options.maxPoints()),
                        pngs,
                        "rolling error of " + symbol));
            }
            Map<String, Double> coverage = new LinkedHashMap<>();
            accuracy.forEach((s, a) -> {
                if (a.intervals() > 0) {
                    coverage.put(s, a.coverage());
                }
            });
            String coverageChart = coverage.isEmpty()
                    ? "<p>No forecast in this source has an interval (the backtest CSV has none): coverage is"
                            + " not known.</p>\n"
                    : image(
                            dir,
                            base + "-coverage.png",
                            ReportCharts.coverage(coverage, NOMINAL_COVERAGE),
                            pngs,
                            "interval coverage");
            String html = page(data, table(accuracy, Accuracy.of(all)), coverageChart, sections.toString(), all);
            Files.writeString(out, html);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the report to " + out + ": " + e.getMessage(), e);
        }
        return new Written(out, pngs);
    }

    private static String page(ReportData data, String table, String coverage, String sections, List<Outcome> all) {
        TreeSet<Long> versions = new TreeSet<>();
        all.forEach(o -> versions.add(o.modelVersion()));
        return """
                <!DOCTYPE html>
                <html lang="en"><head><meta charset="utf-8"><title>tickcast accuracy report</title>
                <style>
                body{font-family:system-ui,sans-serif;max-width:1040px;margin:2em auto;color:#222;padding:0 1em}
                table{border-collapse:collapse;font-variant-numeric:tabular-nums}
                th,td{padding:4px 10px;border-bottom:1px solid #ddd;text-align:right}
                th:first-child,td:first-child{text-align:left}
                tr.all td{font-weight:bold;border-top:2px solid #999}
                img{max-width:100%;display:block;margin:0.5em 0}
                .note{color:#666;font-size:0.9em}
                </style></head><body>
                <h1>tickcast accuracy report</h1>
                """
                + "<p class=\"note\">Source: " + esc(data.source()) + ". Outcomes: " + esc(data.pairing())
                + ". Model versions: "
                + versions + " (0 = naive last price). Written " + Instant.now().truncatedTo(ChronoUnit.SECONDS)
                + ".</p>\n"
                + "<h2>Summary</h2>\n" + table
                + "<p class=\"note\">Error = actual next price − forecast; naive = the last price. Skill = 1 −"
                + " MSE/MSE<sub>naive</sub>:"
                + " above 0 beats the naive forecast. Coverage = share of realised next prices inside"
                + " [interval_low, interval_high],"
                + String.format(" nominally %.0f%%", NOMINAL_COVERAGE * 100)
                + " (±1.645 × RMS of the symbol's recent log-return residuals), over forecasts that had an"
                + " interval.</p>\n"
                + coverage + sections + "</body></html>\n";
    }

    private static String table(Map<String, Accuracy> bySymbol, Accuracy overall) {
        StringBuilder t = new StringBuilder(
                "<table>\n<tr><th>symbol</th><th>evaluated</th><th>MAE</th><th>RMSE</th><th>naive MAE</th>"
                        + "<th>naive RMSE</th><th>skill</th><th>coverage</th><th>with interval</th></tr>\n");
        bySymbol.forEach((symbol, a) ->
                t.append(row("<tr>", "<a href=\"#" + fileSafe(symbol) + "\">" + esc(symbol) + "</a>", a)));
        t.append(row("<tr class=\"all\">", "all", overall));
        return t.append("</table>\n").toString();
    }

    private static String row(String tr, String name, Accuracy a) {
        ErrorStats s = a.errors();
        return tr + "<td>" + name + "</td><td>" + String.format("%,d", s.count()) + "</td><td>" + num(s.mae())
                + "</td><td>"
                + num(s.rmse()) + "</td><td>" + num(s.naiveMae()) + "</td><td>" + num(s.naiveRmse()) + "</td><td>"
                + (s.count() == 0 ? "–" : String.format("%+.4f", s.skill())) + "</td><td>"
                + (a.intervals() == 0 ? "–" : String.format("%.1f%%", 100 * a.coverage())) + "</td><td>"
                + String.format("%,d", a.intervals()) + "</td></tr>\n";
    }

    private static String image(Path dir, String name, byte[] png, List<Path> written, String alt) throws IOException {
        Path file = dir.resolve(name);
        Files.write(file, png);
        written.add(file);
        return "<img alt=\"" + esc(alt) + "\" src=\"data:image/png;base64,"
                + Base64.getEncoder().encodeToString(png) + "\">\n";
    }

    /** Six significant digits: prices from 0.0001 to 100,000 keep their precision. */
    public static String num(double v) {
        return Double.isNaN(v) ? "–" : String.format("%.6g", v);
    }

    /** BITSTAMP:BTCUSD becomes BITSTAMP_BTCUSD: safe in file names and URL fragments. */
    public static String fileSafe(String symbol) {
        return symbol.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    private static String day(Instant t) {
        return t.toString().substring(0, 10);
    }

    private static String ordinalSuffix(int n) {
        return n % 100 >= 11 && n % 100 <= 13
                ? "th"
                : switch (n % 10) {
                    case 1 -> "st";
                    case 2 -> "nd";
                    case 3 -> "rd";
                    default -> "th";
                };
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
