package dev.tickcast.model.testdata;

import dev.tickcast.model.cell.RecurrentNetwork;
import dev.tickcast.model.file.Model;
import dev.tickcast.model.file.ModelFile;
import dev.tickcast.model.file.ModelRejectedException;
import dev.tickcast.schema.CellType;
import dev.tickcast.schema.FeatureSpec;
import dev.tickcast.schema.ModelUpdate;
import dev.tickcast.schema.TrainingInfo;
import dev.tickcast.schema.ValidationMetrics;
import java.time.Instant;
import java.util.List;
import java.util.Random;

/** Small models with random weights from a fixed seed, built the way the trainer builds them. */
public final class TestModels {

    /** The model line (model_name) of every test model. */
    public static final String LINE = "test";

    public static final Instant CREATED = Instant.parse("2024-03-02T08:00:00Z");

    private TestModels() {}

    /** All three features, with plausible tick-data scalers. */
    public static FeatureSpec spec() {
        return FeatureSpec.newBuilder()
                .setNames(List.of("log_return", "log_gap", "log_volume"))
                .setMean(List.of(0.0, 0.7, 1.5))
                .setStd(List.of(0.002, 0.5, 1.2))
                .setClip(8.0)
                .setTargetMean(0.0001)
                .setTargetStd(0.002)
                .build();
    }

    /** Uniform in [−scale, scale), as many as the layout needs. */
    public static float[] randomWeights(
            CellType cellType, int inputSize, int[] hiddenSizes, int outputSize, long seed, double scale) {
        float[] w = new float[RecurrentNetwork.parameterCount(cellType, inputSize, hiddenSizes, outputSize)];
        Random random = new Random(seed);
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) ((random.nextDouble() * 2 - 1) * scale);
        }
        return w;
    }

    public static ModelUpdate update(long version, CellType cellType, int[] hiddenSizes, long seed) {
        return update(LINE, version, cellType, hiddenSizes, seed);
    }

    /**
     * A model of the given line, created a second after the one before it ({@link #CREATED} plus its version, capped so
     * that the huge versions of the version-step tests stay a valid time).
     */
    public static ModelUpdate update(String line, long version, CellType cellType, int[] hiddenSizes, long seed) {
        FeatureSpec spec = spec();
        float[] weights = randomWeights(cellType, spec.getNames().size(), hiddenSizes, 1, seed, 0.4);
        return ModelFile.build(
                line,
                version,
                cellType,
                hiddenSizes,
                spec,
                weights,
                null,
                null,
                CREATED.plusSeconds(Math.min(version, 1_000_000_000L)));
    }

    /** A model with every optional field filled, to show none is lost on the way to a file and back. */
    public static ModelUpdate fullUpdate(long version, CellType cellType, int[] hiddenSizes, long seed) {
        FeatureSpec spec = spec();
        float[] weights = randomWeights(cellType, spec.getNames().size(), hiddenSizes, 1, seed, 0.4);
        TrainingInfo training = TrainingInfo.newBuilder()
                .setTrainStart(Instant.parse("2023-01-02T00:00:00Z"))
                .setTrainEnd(Instant.parse("2023-12-01T00:00:00Z"))
                .setValidationEnd(Instant.parse("2024-01-01T00:00:00Z"))
                .setSymbols(3)
                .setTrainSteps(123_456L)
                .setEpochs(7)
                .setSeed(seed)
                .setSource("ticks.csv")
                .build();
        ValidationMetrics validation = ValidationMetrics.newBuilder()
                .setSamples(999L)
                .setMae(0.12)
                .setRmse(0.2)
                .setNaiveMae(0.13)
                .setNaiveRmse(0.21)
                .setSkill(0.05)
                .build();
        return ModelFile.build(LINE, version, cellType, hiddenSizes, spec, weights, training, validation, CREATED);
    }

    public static Model model(long version, CellType cellType, int[] hiddenSizes, long seed) {
        try {
            return Model.verify(update(version, cellType, hiddenSizes, seed));
        } catch (ModelRejectedException e) {
            throw new AssertionError("test model was rejected", e);
        }
    }
}
