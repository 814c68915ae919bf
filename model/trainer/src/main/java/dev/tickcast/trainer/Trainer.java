package dev.tickcast.trainer;

import dev.tickcast.model.file.Model;
import dev.tickcast.model.file.ModelFile;
import dev.tickcast.model.file.ModelRejectedException;
import dev.tickcast.model.forecast.Backtest;
import dev.tickcast.model.forecast.ErrorStats;
import dev.tickcast.model.forecast.ForecastSettings;
import dev.tickcast.model.forecast.GuardSettings;
import dev.tickcast.schema.CellType;
import dev.tickcast.schema.ModelUpdate;
import dev.tickcast.schema.Tick;
import dev.tickcast.schema.TrainingInfo;
import dev.tickcast.schema.ValidationMetrics;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Trains a recurrent model on ticks and validates it the way it will serve: the exported weights run
 * through the pure-Java cells and {@link Backtest} (the job's code path) over every symbol's whole
 * history, and only forecasts realised in each symbol's latest (validation) part are scored.
 */
public final class Trainer {

    private Trainer() {}

    public static TrainingResult train(
            List<Tick> ticks,
            TrainingSettings settings,
            String modelName,
            long version,
            String source,
            TrainingProgress progress) {
        return train(ticks, settings, modelName, version, source, progress, null);
    }

    /**
     * @param warmStart a model to start from (its weights and scaler) when its architecture matches the
     *     settings (cell type, hidden sizes, features); otherwise, or when null, training starts fresh
     */
    public static TrainingResult train(
            List<Tick> ticks,
            TrainingSettings settings,
            String modelName,
            long version,
            String source,
            TrainingProgress progress,
            ModelUpdate warmStart) {
        boolean warm = warmStart != null && sameArchitecture(warmStart, settings);
        TrainingData data = TrainingData.build(ticks, settings, warm ? warmStart.getFeatures() : null);
        int n = data.inputSize();
        RecurrentTrainer net = settings.cellType() == CellType.GRU
                ? new GruTrainer(n, settings.hiddenSizes(), settings)
                : new MultiLayerTrainer(settings.cellType(), n, settings.hiddenSizes(), settings);
        if (warm) {
            net.importWeights(dev.tickcast.model.file.Weights.fromBytes(warmStart.getWeights()));
        }

        Random random = new Random(settings.seed());
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < data.windowCount(); i++) {
            order.add(i);
        }
        int batches = (order.size() + settings.batchSize() - 1) / settings.batchSize();
        double epochLoss = Double.NaN;
        for (int epoch = 1; epoch <= settings.epochs(); epoch++) {
            java.util.Collections.shuffle(order, random);
            progress.epochStarted(epoch, settings.epochs(), batches);
            double sum = 0;
            for (int b = 0; b < batches; b++) {
                int from = b * settings.batchSize();
                int to = Math.min(order.size(), from + settings.batchSize());
                float[][] x = new float[to - from][];
                float[][] y = new float[to - from][];
                for (int k = from; k < to; k++) {
                    x[k - from] = data.windowInputs(order.get(k));
                    y[k - from] = data.windowTargets(order.get(k));
                }
                double loss = net.fit(x, y);
                sum += loss;
                progress.batchDone(epoch, b + 1, loss);
            }
            epochLoss = sum / batches;
            progress.epochDone(epoch, epochLoss);
        }

        TrainingInfo info = TrainingInfo.newBuilder()
                .setTrainStart(Instant.ofEpochMilli(data.trainStartMs()))
                .setTrainEnd(Instant.ofEpochMilli(data.trainEndMs()))
                .setValidationEnd(Instant.ofEpochMilli(data.validationEndMs()))
                .setSymbols(data.symbols())
                .setTrainSteps(data.trainSteps())
                .setEpochs(settings.epochs())
                .setSeed(settings.seed())
                .setSource(source)
                .build();
        ModelUpdate unvalidated = ModelFile.build(
                modelName,
                version,
                settings.cellType(),
                settings.hiddenSizes(),
                settings.horizons(),
                data.spec(),
                net.exportWeights(),
                info,
                null,
                Instant.now());
        Backtest.Summary summary = validate(unvalidated, ticks, data.validationCutoffs());
        ErrorStats overall = summary.overall();
        ValidationMetrics metrics = ValidationMetrics.newBuilder()
                .setSamples(overall.count())
                .setMae(overall.mae())
                .setRmse(overall.rmse())
                .setNaiveMae(overall.naiveMae())
                .setNaiveRmse(overall.naiveRmse())
                .setSkill(overall.skill())
                .build();
        ModelUpdate update =
                ModelUpdate.newBuilder(unvalidated).setValidation(metrics).build();
        return new TrainingResult(update, summary, epochLoss, data.validationCutoffs(), warm);
    }

    /** Whether a model has the cell type, layer sizes and features these settings would train. */
    public static boolean sameArchitecture(ModelUpdate model, TrainingSettings settings) {
        List<Integer> hidden =
                java.util.Arrays.stream(settings.hiddenSizes()).boxed().toList();
        List<String> features = settings.features().stream()
                .map(dev.tickcast.model.feature.Feature::wireName)
                .toList();
        return model.getCellType() == settings.cellType()
                && model.getHiddenSizes().equals(hidden)
                && model.getFeatures().getNames().equals(features);
    }

    /**
     * Scores a model on each symbol's validation part, through the backtest (the job's code path), as the model is:
     * without the job's per-symbol guard, so the metrics describe the model and not the guard's rescue of it.
     */
    public static Backtest.Summary validate(ModelUpdate update, List<Tick> ticks, Map<String, Long> cutoffs) {
        Model model;
        try {
            model = Model.verify(update);
        } catch (ModelRejectedException e) {
            throw new IllegalStateException(
                    "the trainer produced a model that fails its own verification: " + e.getMessage(), e);
        }
        return Backtest.run(
                model,
                ticks,
                ForecastSettings.DEFAULTS.withGuard(GuardSettings.OFF),
                s -> cutoffs.getOrDefault(s, Long.MAX_VALUE),
                (t, f) -> {});
    }
}
