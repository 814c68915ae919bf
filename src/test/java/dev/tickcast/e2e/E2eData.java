package dev.tickcast.e2e;

import dev.tickcast.model.testdata.TestModels;
import dev.tickcast.schema.CellType;
import dev.tickcast.schema.Forecast;
import dev.tickcast.schema.ModelUpdate;

/** Models and forecast descriptions the end-to-end tests share. */
final class E2eData {

    private E2eData() {}

    /** A model of the given line with seeded random weights: the shared fixture of every module's tests. */
    static ModelUpdate randomModel(String name, long version, CellType cell, int[] hidden, long seed) {
        return TestModels.update(name, version, cell, hidden, seed);
    }

    /** The fields of a forecast, as text that is equal only when every value is bit-for-bit equal. */
    static String describe(Forecast f) {
        return f.getEventTime().toEpochMilli() + " " + f.getLastPrice() + " " + f.getForecastPrice() + " "
                + f.getForecastLogReturn() + " [" + f.getIntervalLow() + ", " + f.getIntervalHigh() + "] v"
                + f.getModelVersion() + " " + f.getCellType() + " " + f.getModelLogReturn() + " w" + f.getGuardWeight();
    }
}
