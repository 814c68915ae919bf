package dev.tickcast.cli;

import dev.tickcast.model.data.TickCsv;
import dev.tickcast.model.feature.Feature;
import dev.tickcast.model.file.ModelFile;
import dev.tickcast.schema.CellType;
import dev.tickcast.schema.ValidationMetrics;
import dev.tickcast.trainer.TrainingResult;
import dev.tickcast.trainer.TrainingSettings;
import dev.tickcast.trainer.Trainer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;

@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        description = "Trains a recurrent model on a tick CSV with Deeplearning4j, validates it on the latest part of each"
                + " symbol's data against the naive last-price forecast, and writes the model file (an Avro container"
                + " file of one ModelUpdate).")
final class TrainCommand implements Callable<Integer> {

    /** How users name cells on the command line. */
    enum Cell {
        lstm(CellType.LSTM), gru(CellType.GRU), rnn(CellType.SIMPLE_RNN);

        final CellType type;

        Cell(CellType type) {
            this.type = type;
        }
    }

    @Option(names = "--data", description = "Tick CSV (symbol,timestamp,price,volume). Default: ${DEFAULT-VALUE}.", defaultValue = "data/ticks.csv")
    Path data;

    @Option(names = "--cell", description = "Cell type: ${COMPLETION-CANDIDATES}. Default: ${DEFAULT-VALUE}.", defaultValue = "lstm")
    Cell cell;

    @Option(names = "--layers", description = "Stacked recurrent layers, 1-3. Default: ${DEFAULT-VALUE}.", defaultValue = "1")
    int layers;

    @Option(names = "--hidden", description = "Hidden size of each layer. Default: ${DEFAULT-VALUE}.", defaultValue = "16")
    int hidden;

    @Option(names = "--epochs", description = "Passes over the training windows. Default: ${DEFAULT-VALUE}.", defaultValue = "3")
    int epochs;

    @Option(names = "--seed", description = "Random seed; the same seed and data give the same model. Default: ${DEFAULT-VALUE}.", defaultValue = "42")
    long seed;

    @Option(names = "--out", description = "Model file to write. Default: ${DEFAULT-VALUE}.", defaultValue = "models/model.avro")
    Path out;

    @Option(names = "--window", description = "Steps per training sequence (each starts from a zero state). Default: ${DEFAULT-VALUE}.", defaultValue = "100")
    int window;

    @Option(names = "--tbptt", description = "Truncated-BPTT length within a window (LSTM, RNN). Default: ${DEFAULT-VALUE}.", defaultValue = "50")
    int tbptt;

    @Option(names = "--batch", description = "Windows per minibatch. Default: ${DEFAULT-VALUE}.", defaultValue = "32")
    int batch;

    @Option(names = "--learning-rate", description = "Adam learning rate. Default: ${DEFAULT-VALUE}.", defaultValue = "0.005")
    double learningRate;

    @Option(names = "--validation", description = "Latest fraction of each symbol's ticks held out for validation. Default: ${DEFAULT-VALUE}.", defaultValue = "0.2")
    double validation;

    @Option(names = "--features", split = ",", description = "Model inputs, from log_return, log_gap, log_volume. Default: all three.")
    List<String> features = List.of("log_return", "log_gap", "log_volume");

    @Option(names = "--model-version", description = "Model version to stamp (>= 1). Default: ${DEFAULT-VALUE}.", defaultValue = "1")
    long version;

    @Option(names = "--name", description = "Model name (the models topic key). Default: ${DEFAULT-VALUE}.", defaultValue = "default")
    String name;

    @Spec
    CommandSpec spec;

    private PrintWriter out() {
        return spec.commandLine().getOut();
    }

    private PrintWriter err() {
        return spec.commandLine().getErr();
    }

    @Override
    public Integer call() throws IOException {
        if (version < 1) {
            throw new UserException("--model-version must be >= 1 (0 is the naive forecast)");
        }
        List<Feature> chosen;
        try {
            chosen = features.stream().map(String::trim).map(Feature::fromWireName).toList();
        } catch (IllegalArgumentException e) {
            throw new UserException("--features: " + e.getMessage());
        }
        int[] hiddenSizes = new int[layers];
        Arrays.fill(hiddenSizes, hidden);
        TrainingSettings settings;
        try {
            settings = new TrainingSettings(cell.type, hiddenSizes, chosen, epochs, seed, window, tbptt, batch, learningRate,
                    validation, 8.0);
        } catch (IllegalArgumentException e) {
            throw new UserException(e.getMessage());
        }
        TickCsv.Result csv = TickFiles.read(data, err());
        out().printf("Training %s %s on %,d ticks from %s (seed %d)%n", cell.type, Arrays.toString(hiddenSizes),
                csv.ticks().size(), data, seed);

        TrainingResult result;
        try (ConsoleProgress progress = new ConsoleProgress()) {
            result = Trainer.train(csv.ticks(), settings, name, version, data.toString(), progress);
        } catch (IllegalArgumentException e) {
            throw new UserException(e.getMessage());
        }
        ModelFile.write(result.update(), out);

        out().println();
        out().println("Validation (latest " + Math.round(validation * 100) + "% of each symbol), next-price forecasts:");
        ErrorTable.print(out(), result.validation().perSymbol(), result.validation().overall());
        ValidationMetrics v = result.update().getValidation();
        out().printf("%nModel v%d %s written to %s: validation MAE %.6g vs naive %.6g, RMSE %.6g vs naive %.6g, skill %+.4f%n",
                version, cell.type, out, v.getMae(), v.getNaiveMae(), v.getRmse(), v.getNaiveRmse(), v.getSkill());
        return 0;
    }
}
