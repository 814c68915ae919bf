package dev.tickcast.trainer;

import dev.tickcast.model.cell.RecurrentNetwork;
import dev.tickcast.model.feature.Feature;
import dev.tickcast.schema.CellType;
import java.util.Arrays;
import java.util.List;

/**
 * What to train and how.
 *
 * @param window steps per training sequence; each starts from a zero state, as a new symbol does in the job
 * @param tbptt truncated-BPTT segment length inside a window (LSTM/SIMPLE_RNN; GRU unrolls the whole window)
 * @param validationFraction latest fraction of each symbol's ticks held out for validation
 * @param horizons ticks ahead the model forecasts, ascending from 1 (one output each, trained directly on the
 *     cumulative log return to that tick: no rollout)
 */
public record TrainingSettings(
        CellType cellType,
        int[] hiddenSizes,
        List<Feature> features,
        int epochs,
        long seed,
        int window,
        int tbptt,
        int batchSize,
        double learningRate,
        double validationFraction,
        double clip,
        int[] horizons) {

    /** Of the one horizon 1. */
    public TrainingSettings(
            CellType cellType,
            int[] hiddenSizes,
            List<Feature> features,
            int epochs,
            long seed,
            int window,
            int tbptt,
            int batchSize,
            double learningRate,
            double validationFraction,
            double clip) {
        this(
                cellType,
                hiddenSizes,
                features,
                epochs,
                seed,
                window,
                tbptt,
                batchSize,
                learningRate,
                validationFraction,
                clip,
                new int[] {1});
    }

    public TrainingSettings {
        horizons = horizons.clone();
        for (int i = 0; i < horizons.length; i++) {
            boolean ascending = i == 0 ? horizons[0] == 1 : horizons[i] > horizons[i - 1];
            if (!ascending || horizons[i] > dev.tickcast.model.file.Model.MAX_HORIZON) {
                throw new IllegalArgumentException(
                        "--horizons must ascend from 1 to at most " + dev.tickcast.model.file.Model.MAX_HORIZON
                                + ", e.g. 1,5,20; got " + Arrays.toString(horizons));
            }
        }
        if (horizons.length < 1 || horizons.length > dev.tickcast.model.file.Model.MAX_HORIZONS) {
            throw new IllegalArgumentException(
                    "--horizons takes 1 to " + dev.tickcast.model.file.Model.MAX_HORIZONS + " horizons");
        }
        if (hiddenSizes.length < 1 || hiddenSizes.length > RecurrentNetwork.MAX_LAYERS) {
            throw new IllegalArgumentException(
                    "--layers must be 1 to " + RecurrentNetwork.MAX_LAYERS + ", got " + hiddenSizes.length);
        }
        if (Arrays.stream(hiddenSizes).anyMatch(h -> h < 1 || h > 1024)) {
            throw new IllegalArgumentException("--hidden must be 1 to 1024, got " + Arrays.toString(hiddenSizes));
        }
        if (features.isEmpty()) {
            throw new IllegalArgumentException("at least one feature is needed");
        }
        if (epochs < 1 || window < 2 || tbptt < 1 || batchSize < 1) {
            throw new IllegalArgumentException("--epochs, --batch and --tbptt must be >= 1 and --window >= 2");
        }
        if (!(learningRate > 0) || !(validationFraction > 0 && validationFraction < 1)) {
            throw new IllegalArgumentException(
                    "--learning-rate must be > 0 and --validation between 0 and 1 (exclusive)");
        }
    }

    /** The defaults the CLI shows: a small LSTM that trains on the bundled data in well under a minute. */
    public static TrainingSettings defaults(CellType cellType) {
        return new TrainingSettings(
                cellType, new int[] {16}, List.of(Feature.values()), 3, 42L, 100, 50, 32, 5e-3, 0.2, 8.0);
    }

    public TrainingSettings withEpochs(int n) {
        return new TrainingSettings(
                cellType,
                hiddenSizes,
                features,
                n,
                seed,
                window,
                tbptt,
                batchSize,
                learningRate,
                validationFraction,
                clip,
                horizons);
    }

    public TrainingSettings withHorizons(int[] h) {
        return new TrainingSettings(
                cellType,
                hiddenSizes,
                features,
                epochs,
                seed,
                window,
                tbptt,
                batchSize,
                learningRate,
                validationFraction,
                clip,
                h);
    }

    /** The longest horizon. */
    public int longestHorizon() {
        return horizons[horizons.length - 1];
    }
}
