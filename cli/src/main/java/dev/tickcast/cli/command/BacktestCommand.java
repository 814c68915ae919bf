package dev.tickcast.cli.command;

import dev.tickcast.cli.common.TickFiles;
import dev.tickcast.cli.common.UserException;
import dev.tickcast.model.data.TickCsv;
import dev.tickcast.model.file.Model;
import dev.tickcast.model.file.ModelFile;
import dev.tickcast.model.file.ModelRejectedException;
import dev.tickcast.model.forecast.Backtest;
import dev.tickcast.model.forecast.ForecastSettings;
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
        TickCsv.Result csv = TickFiles.read(data, err());
        Backtest.Summary summary;
        try (BufferedWriter w = Files.newBufferedWriter(out)) {
            w.write("symbol,timestamp,price,forecast,model_version\n");
            summary = Backtest.run(model, csv.ticks(), ForecastSettings.DEFAULTS, s -> Long.MIN_VALUE, (tick, f) -> {
                try {
                    // Double.toString round-trips exactly, so the file can be compared bit for bit.
                    w.write(f.getSymbol() + "," + f.getEventTime() + "," + f.getLastPrice() + "," + f.getForecastPrice()
                            + "," + f.getModelVersion() + "\n");
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
