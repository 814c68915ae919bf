package dev.tickcast.job;

import dev.tickcast.model.file.Model;
import dev.tickcast.model.file.ModelFile;
import dev.tickcast.model.file.ModelRejectedException;
import dev.tickcast.schema.CellType;
import dev.tickcast.schema.ModelUpdate;
import dev.tickcast.schema.wire.WireCodec;

/**
 * The shared test models ({@link dev.tickcast.model.testdata.TestModels}) of the line the harness serves, and the job's
 * ways to hand them over.
 */
public final class TestModels {

    /** The model line the harness serves: the shared test models' name. */
    public static final String LINE = dev.tickcast.model.testdata.TestModels.LINE;

    private TestModels() {}

    public static ModelUpdate update(long version, CellType cellType, int[] hiddenSizes, long seed) {
        return dev.tickcast.model.testdata.TestModels.update(version, cellType, hiddenSizes, seed);
    }

    /** Uniform in [−0.4, 0.4), as many as the layout needs: the shared models' weights. */
    public static float[] randomWeights(CellType cellType, int[] hiddenSizes, long seed) {
        return dev.tickcast.model.testdata.TestModels.randomWeights(
                cellType,
                dev.tickcast.model.testdata.TestModels.spec().getNames().size(),
                hiddenSizes,
                1,
                seed,
                0.4);
    }

    /** A model around the given weights, with a matching checksum. */
    public static ModelUpdate withWeights(long version, CellType cellType, int[] hiddenSizes, float[] weights) {
        return ModelFile.build(
                LINE,
                version,
                cellType,
                hiddenSizes,
                dev.tickcast.model.testdata.TestModels.spec(),
                weights,
                null,
                null,
                dev.tickcast.model.testdata.TestModels.CREATED);
    }

    public static Model verified(ModelUpdate update) {
        try {
            return Model.verify(update);
        } catch (ModelRejectedException e) {
            throw new AssertionError("test model was rejected", e);
        }
    }

    public static byte[] wire(ModelUpdate update) {
        return WireCodec.of(ModelUpdate.class).encode(update);
    }
}
