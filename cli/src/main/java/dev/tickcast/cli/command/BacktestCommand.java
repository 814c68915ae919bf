package dev.tickcast.cli.command;

import dev.tickcast.cli.common.TickFiles;
import dev.tickcast.cli.common.UserException;
import dev.tickcast.model.data.SymbolRoutes;
import dev.tickcast.model.data.TickCsv;
import dev.tickcast.model.file.Model;
import dev.tickcast.model.file.ModelFile;
import dev.tickcast.model.file.ModelRejectedException;
import dev.tickcast.model.forecast.Backtest;
import dev.tickcast.model.forecast.ForecastSettings;
import dev.tickcast.model.forecast.GuardSettings;
import dev.tickcast.schema.Tick;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "backtest",
        mixinStandardHelpOptions = true,
        description =
                "Runs a model (or several model lines, routed by symbol) over a tick CSV, per symbol in file order, through the same code path as the Flink"
                        + " job (out-of-order and duplicate ticks are refused as the job refuses them), writes one forecast row"
                        + " per accepted tick and prints MAE / RMSE / skill against the naive last-price forecast.")
public final class BacktestCommand implements Callable<Integer> {

    @Option(
            names = "--model",
            required = true,
            paramLabel = "FILE",
            description = "Model file written by 'tickcast train'. Repeat it for several model lines (with"
                    + " --model-routes); of one line, the highest version serves.")
    public List<Path> modelFiles;

    @Option(
            names = "--model-routes",
            paramLabel = "PATTERN=LINE,...",
            description = "Which model line serves which symbols, as the job's --model-routes (first match wins; a"
                    + " symbol no route matches gets the naive forecast). Default: every symbol to the line of the"
                    + " first --model.")
    public String routes;

    @Option(
            names = "--holdout",
            paramLabel = "FRACTION",
            description = "Count only the evaluations in each symbol's latest FRACTION of ticks (the earlier ones"
                    + " still step the model, as in a job that has run on them): with a model trained on the"
                    + " earlier part, an out-of-sample score. 0 counts all. Default: ${DEFAULT-VALUE}.",
            defaultValue = "0")
    public double holdout;

    @Option(names = "--data", description = "Tick CSV. Default: ${DEFAULT-VALUE}.", defaultValue = "data/ticks.csv")
    public Path data;

    @Option(
            names = "--out",
            description =
                    "Forecast CSV to write (symbol,timestamp,price,forecast,model_version). Default: ${DEFAULT-VALUE}.",
            defaultValue = "forecasts.csv")
    public Path out;

    @Option(
            names = "--guard",
            arity = "1",
            description = "Whether each symbol's forecast takes only the share of the model's predicted move its own"
                    + " evaluations support, as the job does (its --guard). Default: ${DEFAULT-VALUE}.",
            defaultValue = "" + GuardSettings.DEFAULT_ON)
    public boolean guard;

    @Option(
            names = "--guard-memory",
            description = "Evaluations the guard's evidence mostly rests on, as the job's --guard-memory."
                    + " Default: ${DEFAULT-VALUE}.",
            defaultValue = "" + GuardSettings.DEFAULT_MEMORY)
    public int guardMemory;

    @Option(
            names = "--guard-prior",
            description = "Evaluations of evidence the guard needs to trust a model halfway, as the job's"
                    + " --guard-prior. Default: ${DEFAULT-VALUE}.",
            defaultValue = "" + GuardSettings.DEFAULT_PRIOR)
    public double guardPrior;

    @Option(
            names = "--guard-evidence",
            description = "Standard errors above 0 the fitted weight must be before the model serves a symbol at all,"
                    + " as the job's --guard-evidence. Default: ${DEFAULT-VALUE}.",
            defaultValue = "" + GuardSettings.DEFAULT_EVIDENCE)
    public double guardEvidence;

    @Spec
    public CommandSpec spec;

    private PrintWriter out() {
        return spec.commandLine().getOut();
    }

    private PrintWriter err() {
        return spec.commandLine().getErr();
    }

    @Override
    public Integer call() throws IOException {
        Map<String, Model> byLine = new LinkedHashMap<>();
        for (Path file : modelFiles) {
            Model m;
            try {
                m = ModelFile.load(file);
            } catch (ModelRejectedException e) {
                throw new UserException("model refused: " + e.getMessage() + " (" + file + ")");
            }
            byLine.merge(m.line(), m, (a, b) -> a.version() >= b.version() ? a : b);
        }
        SymbolRoutes symbolRoutes;
        try {
            symbolRoutes = routes == null
                    ? SymbolRoutes.single(byLine.keySet().iterator().next())
                    : SymbolRoutes.parse(routes);
        } catch (IllegalArgumentException e) {
            throw new UserException("--model-routes: " + e.getMessage());
        }
        for (String line : symbolRoutes.lines()) {
            if (!byLine.containsKey(line)) {
                err().printf("no --model of line '%s': its symbols get the naive forecast%n", line);
            }
        }
        if (!(holdout >= 0 && holdout < 1)) {
            throw new UserException("--holdout must be in [0, 1), got " + holdout);
        }
        GuardSettings guardSettings;
        try {
            guardSettings = new GuardSettings(guard, guardMemory, guardPrior, guardEvidence);
        } catch (IllegalArgumentException e) {
            throw new UserException("--guard-memory must be >= 2, --guard-prior and --guard-evidence finite numbers"
                    + " >= 0, got " + guardMemory + ", " + guardPrior + " and " + guardEvidence);
        }
        TickCsv.Result csv = TickFiles.read(data, err());
        List<Tick> ticks = csv.ticks();
        Map<String, Long> evaluateFrom = holdoutStarts(ticks, holdout);
        Backtest.Summary summary;
        try (BufferedWriter w = Files.newBufferedWriter(out)) {
            w.write("symbol,timestamp,price,forecast,model_version\n");
            summary = Backtest.runWithModels(
                    i -> {
                        String line = symbolRoutes.lineOf(ticks.get(i).getSymbol());
                        return line == null ? null : byLine.get(line);
                    },
                    ticks,
                    ForecastSettings.DEFAULTS.withGuard(guardSettings),
                    s -> evaluateFrom.getOrDefault(s, Long.MIN_VALUE),
                    (tick, f) -> {
                        try {
                            // Double.toString round-trips exactly, so the file can be compared bit for bit.
                            w.write(f.getSymbol() + "," + f.getEventTime() + "," + f.getLastPrice() + ","
                                    + f.getForecastPrice() + "," + f.getModelVersion() + "\n");
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    });
        }
        String models = byLine.values().stream()
                .map(m -> m.line() + " " + m.describe())
                .collect(java.util.stream.Collectors.joining(", "));
        out().printf(
                        "Model%s %s over %,d ticks of %s%s: %,d forecasts written to %s%n",
                        byLine.size() > 1 ? "s" : "",
                        byLine.size() > 1
                                ? models + " (routes " + symbolRoutes + ")"
                                : byLine.values().iterator().next().describe(),
                        ticks.size(),
                        data,
                        holdout > 0 ? String.format(" (scored on each symbol's latest %.0f%%)", 100 * holdout) : "",
                        summary.forecasts(),
                        out);
        if (!summary.rejected().isEmpty()) {
            out().println("Refused as the job would dead-letter them: " + summary.rejected());
        }
        ErrorTable.print(out(), summary.perSymbol(), summary.overall());
        ErrorTable.printBySource(out(), summary.perSymbol());
        return 0;
    }

    /** Per symbol, the event time of the first tick in its latest {@code fraction} of ticks (none for 0). */
    static Map<String, Long> holdoutStarts(List<Tick> ticks, double fraction) {
        Map<String, Long> starts = new HashMap<>();
        if (fraction <= 0) {
            return starts;
        }
        Map<String, List<Long>> times = new HashMap<>();
        for (Tick t : ticks) {
            times.computeIfAbsent(t.getSymbol(), s -> new ArrayList<>())
                    .add(t.getEventTime().toEpochMilli());
        }
        times.forEach((symbol, list) -> {
            int first = (int) Math.floor(list.size() * (1 - fraction));
            starts.put(symbol, list.get(Math.min(first, list.size() - 1)));
        });
        return starts;
    }
}
