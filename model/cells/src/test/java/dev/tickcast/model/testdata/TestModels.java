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

    /**
     * A model that knows the structure of {@link #meanRevertingWalk}: a one-unit simple RNN whose forecast is about
     * {@code phi} times the last log return (tanh in its linear range), for returns of scale {@code sigma}. On such a
     * feed it beats the naive forecast by a skill of about phi², where a random model does not.
     */
    public static ModelUpdate meanReverting(long version, double phi, double sigma) {
        FeatureSpec spec = FeatureSpec.newBuilder(spec())
                .setMean(List.of(0.0, 0.7, 1.5))
                .setStd(List.of(sigma, 0.5, 1.2))
                .setTargetMean(0.0)
                .setTargetStd(sigma)
                .build();
        float w = 0.1f;
        // Wx [3][1] (only log_return), Wh [1][1], b [1], output W [1][1], output b [1].
        float[] weights = {w, 0, 0, 0, 0, (float) (phi / w), 0};
        return ModelFile.build(
                LINE,
                version,
                CellType.SIMPLE_RNN,
                new int[] {1},
                spec,
                weights,
                null,
                null,
                CREATED.plusSeconds(Math.min(version, 1_000_000_000L)));
    }

    /**
     * Log returns of an AR(1) process, r = phi × r' + sigma × N(0, 1), as prices from 100: mean reverting for phi < 0,
     * the structure {@link #meanReverting} models.
     */
    public static double[] meanRevertingWalk(int n, double phi, double sigma, long seed) {
        Random random = new Random(seed);
        double[] prices = new double[n];
        double price = 100;
        double r = 0;
        for (int i = 0; i < n; i++) {
            r = phi * r + sigma * random.nextGaussian();
            price *= Math.exp(r);
            prices[i] = price;
        }
        return prices;
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

    /** A model of several horizons with random weights, as {@link #update(long, CellType, int[], long)}. */
    public static ModelUpdate update(long version, CellType cellType, int[] hiddenSizes, int[] horizons, long seed) {
        FeatureSpec spec = spec();
        float[] weights = randomWeights(cellType, spec.getNames().size(), hiddenSizes, horizons.length, seed, 0.4);
        return ModelFile.build(
                LINE,
                version,
                cellType,
                hiddenSizes,
                horizons,
                spec,
                weights,
                null,
                null,
                CREATED.plusSeconds(Math.min(version, 1_000_000_000L)));
    }

    public static Model model(long version, CellType cellType, int[] hiddenSizes, int[] horizons, long seed) {
        try {
            return Model.verify(update(version, cellType, hiddenSizes, horizons, seed));
        } catch (ModelRejectedException e) {
            throw new AssertionError("test model was rejected", e);
        }
    }

    public static Model model(long version, CellType cellType, int[] hiddenSizes, long seed) {
        try {
            return Model.verify(update(version, cellType, hiddenSizes, seed));
        } catch (ModelRejectedException e) {
            throw new AssertionError("test model was rejected", e);
        }
    }
}
