package dev.tickcast.job;

import dev.tickcast.model.cell.RecurrentNetwork;
import dev.tickcast.model.file.Model;
import dev.tickcast.model.file.ModelFile;
import dev.tickcast.model.file.ModelRejectedException;
import dev.tickcast.schema.CellType;
import dev.tickcast.schema.FeatureSpec;
import dev.tickcast.schema.ModelUpdate;
import dev.tickcast.schema.wire.WireCodec;
import java.time.Instant;
import java.util.List;
import java.util.Random;

/** Small models with seeded random weights, assembled the way the trainer assembles them. */
final class TestModels {

    /** The model line the harness serves. */
    static final String LINE = "test";

    static final Instant CREATED = Instant.parse("2024-03-02T08:00:00Z");

    private TestModels() {}

    /** All three features, with plausible tick-data scalers. */
    static FeatureSpec spec() {
        return FeatureSpec.newBuilder()
                .setNames(List.of("log_return", "log_gap", "log_volume"))
                .setMean(List.of(0.0, 0.7, 1.5))
                .setStd(List.of(0.002, 0.5, 1.2))
                .setClip(8.0)
                .setTargetMean(0.0001)
                .setTargetStd(0.002)
                .build();
    }

    /** Uniform in [−0.4, 0.4), as many as the layout needs. */
    static float[] randomWeights(CellType cellType, int[] hiddenSizes, long seed) {
        float[] w = new float
                [RecurrentNetwork.parameterCount(cellType, spec().getNames().size(), hiddenSizes, 1)];
        Random random = new Random(seed);
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) ((random.nextDouble() * 2 - 1) * 0.4);
        }
        return w;
    }

    static ModelUpdate update(long version, CellType cellType, int[] hiddenSizes, long seed) {
        return withWeights(version, cellType, hiddenSizes, randomWeights(cellType, hiddenSizes, seed));
    }

    /** A model around the given weights, with a matching checksum. */
    static ModelUpdate withWeights(long version, CellType cellType, int[] hiddenSizes, float[] weights) {
        return ModelFile.build(LINE, version, cellType, hiddenSizes, spec(), weights, null, null, CREATED);
    }

    static Model verified(ModelUpdate update) {
        try {
            return Model.verify(update);
        } catch (ModelRejectedException e) {
            throw new AssertionError("test model was rejected", e);
        }
    }

    static byte[] wire(ModelUpdate update) {
        return WireCodec.of(ModelUpdate.class).encode(update);
    }
}
