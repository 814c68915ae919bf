package dev.tickcast.cli.command;

import dev.tickcast.cli.common.TickFiles;
import dev.tickcast.cli.common.UserException;
import dev.tickcast.model.data.TickCsv;
import dev.tickcast.model.file.Model;
import dev.tickcast.model.file.ModelFile;
import dev.tickcast.model.file.ModelRejectedException;
import dev.tickcast.model.forecast.Backtest;
import dev.tickcast.model.forecast.ForecastSettings;
import dev.tickcast.model.forecast.GuardSettings;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "backtest",
        mixinStandardHelpOptions = true,
        description = "Runs a model over a tick CSV, per symbol in file order, through the same code path as the Flink"
                + " job (out-of-order and duplicate ticks are refused as the job refuses them), writes one forecast row"
                + " per accepted tick and prints MAE / RMSE / skill against the naive last-price forecast.")
public final class BacktestCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, description = "Model file written by 'tickcast train'.")
    public Path modelFile;

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
        Model model;
        try {
            model = ModelFile.load(modelFile);
        } catch (ModelRejectedException e) {
            throw new UserException("model refused: " + e.getMessage());
        }
        GuardSettings guardSettings;
        try {
            guardSettings = new GuardSettings(guard, guardMemory, guardPrior, guardEvidence);
        } catch (IllegalArgumentException e) {
            throw new UserException("--guard-memory must be >= 2, --guard-prior and --guard-evidence finite numbers"
                    + " >= 0, got " + guardMemory + ", " + guardPrior + " and " + guardEvidence);
        }
        TickCsv.Result csv = TickFiles.read(data, err());
        Backtest.Summary summary;
        try (BufferedWriter w = Files.newBufferedWriter(out)) {
            w.write("symbol,timestamp,price,forecast,model_version\n");
            summary = Backtest.run(
                    model,
                    csv.ticks(),
                    ForecastSettings.DEFAULTS.withGuard(guardSettings),
                    s -> Long.MIN_VALUE,
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
        out().printf(
                        "Model %s over %,d ticks of %s: %,d forecasts written to %s%n",
                        model.describe(), csv.ticks().size(), data, summary.forecasts(), out);
        if (!summary.rejected().isEmpty()) {
            out().println("Refused as the job would dead-letter them: " + summary.rejected());
        }
        ErrorTable.print(out(), summary.perSymbol(), summary.overall());
        return 0;
    }
}
