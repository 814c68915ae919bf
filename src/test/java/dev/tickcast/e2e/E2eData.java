package dev.tickcast.e2e;

import dev.tickcast.model.cell.RecurrentNetwork;
import dev.tickcast.model.file.ModelFile;
import dev.tickcast.schema.CellType;
import dev.tickcast.schema.FeatureSpec;
import dev.tickcast.schema.Forecast;
import dev.tickcast.schema.ModelUpdate;
import java.time.Instant;
import java.util.List;
import java.util.Random;

/** Models and forecast descriptions the end-to-end tests share. */
final class E2eData {

    private E2eData() {}

    /** A model with seeded random weights and a scaler of the right magnitudes for the bundled data. */
    static ModelUpdate randomModel(String name, long version, CellType cell, int[] hidden, long seed) {
        Random random = new Random(seed);
        float[] weights = new float[RecurrentNetwork.parameterCount(cell, 3, hidden, 1)];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = (float) (random.nextGaussian() * 0.3);
        }
        FeatureSpec spec = FeatureSpec.newBuilder()
                .setNames(List.of("log_return", "log_gap", "log_volume"))
                .setMean(List.of(0.0, 2.0, 0.5))
                .setStd(List.of(0.002, 2.0, 1.0))
                .setClip(8.0)
                .setTargetMean(0.0)
                .setTargetStd(0.002)
                .build();
        return ModelFile.build(
                name,
                version,
                cell,
                hidden,
                spec,
                weights,
                null,
                null,
                Instant.parse("2026-01-01T00:00:00Z").plusSeconds(version));
    }

    /** The fields of a forecast, as text that is equal only when every value is bit-for-bit equal. */
    static String describe(Forecast f) {
        return f.getEventTime().toEpochMilli() + " " + f.getLastPrice() + " " + f.getForecastPrice() + " "
                + f.getForecastLogReturn() + " [" + f.getIntervalLow() + ", " + f.getIntervalHigh() + "] v"
                + f.getModelVersion() + " " + f.getCellType() + " " + f.getModelLogReturn() + " w" + f.getGuardWeight();
    }
}
