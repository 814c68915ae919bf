package dev.tickcast.cli;

import dev.tickcast.model.data.TickCsv;
import dev.tickcast.model.feature.Feature;
import dev.tickcast.model.file.ModelFile;
import dev.tickcast.schema.CellType;
import dev.tickcast.schema.ValidationMetrics;
import dev.tickcast.trainer.TrainingResult;
import dev.tickcast.trainer.TrainingSettings;
import dev.tickcast.trainer.Trainer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;

@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = "Shows the model end to end on the bundled real prices: trains a small recurrent network with DL4J on"
                + " the earlier part of every symbol, then runs it over the later part through the job's own per-tick code"
                + " path and prints, per symbol, how it did against the naive last-price forecast.")
final class DemoCommand implements Callable<Integer> {

    @Option(names = "--data", description = "Tick CSV. Default: ${DEFAULT-VALUE}.", defaultValue = "data/ticks.csv")
    Path data;

    @Option(names = "--cell", description = "Cell type: ${COMPLETION-CANDIDATES}. Default: ${DEFAULT-VALUE}.", defaultValue = "lstm")
    TrainCommand.Cell cell;

    @Option(names = "--epochs", description = "Training epochs. Default: ${DEFAULT-VALUE}.", defaultValue = "3")
    int epochs;

    @Option(names = "--out", description = "Where to write the demo's model file. Default: ${DEFAULT-VALUE}.", defaultValue = "models/demo.avro")
    Path out;

    @Spec
    CommandSpec spec;

    private PrintWriter out() {
        return spec.commandLine().getOut();
    }

    private PrintWriter err() {
        return spec.commandLine().getErr();
    }

    @Override
    public Integer call() throws Exception {
        TickCsv.Result csv = TickFiles.read(data, err());
        TrainingSettings settings = new TrainingSettings(cell.type, new int[] {16}, List.of(Feature.values()), epochs, 42L, 100, 50, 32,
                5e-3, 0.3, 8.0);
        out().printf("tickcast demo: %,d real ticks of %d symbols from %s%n", csv.ticks().size(),
                csv.ticks().stream().map(t -> t.getSymbol()).distinct().count(), data);
        out().printf("1. Training a %s with 16 hidden units on the earlier 70%% of each symbol (DL4J, %d epochs)%n", cell.type,
                epochs);
        TrainingResult result;
        try (ConsoleProgress progress = new ConsoleProgress()) {
            result = Trainer.train(csv.ticks(), settings, "demo", 1, data.toString(), progress);
        }
        ModelFile.write(result.update(), out);
        out().printf("%n2. Forecasting every tick of the later 30%% with the pure-Java %s cells (the job's code path)%n", cell.type);
        ErrorTable.print(out(), result.validation().perSymbol(), result.validation().overall());
        ValidationMetrics v = result.update().getValidation();
        out().printf("%nOverall: the model's MAE is %.4g against the naive forecast's %.4g (skill %+.4f).%n", v.getMae(),
                v.getNaiveMae(), v.getSkill());
        out().printf("Model written to %s. Next: './tickcast backtest --model %s' writes every forecast to a CSV.%n", out, out);
        return 0;
    }
}
