package dev.tickcast.model.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tickcast.model.file.ModelRejectedException.Check;
import dev.tickcast.model.testdata.TestModels;
import dev.tickcast.schema.CellType;
import dev.tickcast.schema.FeatureSpec;
import dev.tickcast.schema.ModelUpdate;
import java.nio.ByteBuffer;
import java.util.List;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

class ModelVerifyTest {

    private static final int[] HIDDEN = {4};

    private static ModelUpdate valid() {
        return TestModels.update(2, CellType.LSTM, HIDDEN, 21);
    }

    private static float[] validWeights() {
        return TestModels.randomWeights(CellType.LSTM, 3, HIDDEN, 1, 21, 0.4);
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> assertRejected(ModelUpdate update, Check check) {
        return assertThatThrownBy(() -> Model.verify(update))
                .isInstanceOfSatisfying(
                        ModelRejectedException.class, e -> assertThat(e.check()).isEqualTo(check))
                .hasMessageStartingWith(check + ": ");
    }

    @Test
    void acceptsAValidModel() throws ModelRejectedException {
        Model model = Model.verify(valid());

        assertThat(model.version()).isEqualTo(2);
        assertThat(model.cellType()).isEqualTo(CellType.LSTM);
        assertThat(model.network().stateSize()).isEqualTo(8);
        assertThat(model.scaler().inputSize()).isEqualTo(3);
        assertThat(model.describe()).isEqualTo("v2 LSTM 3→[4]→1");
    }

    @Test
    void refusesWeightsOfTheWrongLengthAsShape() {
        ModelUpdate update = valid();
        ByteBuffer weights = update.getWeights();
        int bytes = weights.remaining();
        ByteBuffer shorter = ByteBuffer.allocate(bytes - Float.BYTES)
                .put(weights.duplicate().limit(bytes - Float.BYTES))
                .flip();
        update.setWeights(shorter);

        assertRejected(update, Check.SHAPE)
                .hasMessageContaining("weights are " + (bytes - 4) + " bytes")
                .hasMessageContaining("needs " + bytes);
    }

    @Test
    void refusesInputSizeThatDisagreesWithTheFeaturesAsShape() {
        ModelUpdate update = valid();
        update.setInputSize(4);

        assertRejected(update, Check.SHAPE).hasMessageContaining("input_size 4 but the feature spec names 3 features");
    }

    @Test
    void refusesFourLayersAsShape() {
        ModelUpdate update = valid();
        update.setHiddenSizes(List.of(4, 4, 4, 4));

        assertRejected(update, Check.SHAPE).hasMessageContaining("4 layers");
    }

    @Test
    void refusesAnAlteredWeightByteAsChecksum() {
        ModelUpdate update = valid();
        byte[] bytes = new byte[update.getWeights().remaining()];
        update.getWeights().duplicate().get(bytes);
        bytes[17] ^= 0x01; // one bit of one weight
        update.setWeights(ByteBuffer.wrap(bytes));

        assertRejected(update, Check.CHECKSUM)
                .hasMessageContaining("SHA-256 of the weights does not match weights_sha256");
    }

    @Test
    void refusesANaNWeightEvenWithAMatchingChecksumAsNotFinite() {
        float[] weights = validWeights();
        weights[9] = Float.NaN;
        ModelUpdate update = ModelFile.build(
                "test",
                2,
                CellType.LSTM,
                HIDDEN,
                TestModels.spec(),
                weights,
                null,
                null,
                TestModels.CREATED); // checksum computed over the NaN

        assertRejected(update, Check.NOT_FINITE).hasMessageContaining("weight 9 of " + weights.length + " is NaN");
    }

    @Test
    void refusesAnInfiniteWeightAsNotFinite() {
        float[] weights = validWeights();
        weights[weights.length - 1] = Float.NEGATIVE_INFINITY;
        ModelUpdate update = ModelFile.build(
                "test", 2, CellType.LSTM, HIDDEN, TestModels.spec(), weights, null, null, TestModels.CREATED);

        assertRejected(update, Check.NOT_FINITE)
                .hasMessageContaining("weight " + (weights.length - 1) + " of " + weights.length + " is -Infinity");
    }

    @Test
    void refusesAnUnknownFeatureNameAsFeatures() {
        ModelUpdate update = valid();
        FeatureSpec spec = FeatureSpec.newBuilder(update.getFeatures())
                .setNames(List.of("log_return", "log_spread", "log_volume"))
                .build();
        update.setFeatures(spec);

        assertRejected(update, Check.FEATURES).hasMessageContaining("unknown feature 'log_spread'");
    }

    @Test
    void refusesAZeroFeatureStdAsFeatures() {
        ModelUpdate update = valid();
        update.setFeatures(FeatureSpec.newBuilder(update.getFeatures())
                .setStd(List.of(0.002, 0.0, 1.2))
                .build());

        assertRejected(update, Check.FEATURES).hasMessageContaining("feature 'log_gap' has mean 0.7 and std 0.0");
    }

    @Test
    void refusesVersionZeroAsVersion() {
        ModelUpdate update = TestModels.update(0, CellType.GRU, HIDDEN, 3);

        assertRejected(update, Check.VERSION).hasMessageContaining("version 0 is not >= 1");
    }

    @Test
    void checksVersionBeforeAnythingElse() {
        ModelUpdate update = valid();
        update.setVersion(-1L);
        update.setWeights(ByteBuffer.allocate(3));

        assertRejected(update, Check.VERSION).hasMessageContaining("version -1");
    }

    // ---- hostile shapes and values: refused before any allocation, and nothing that could overflow a cell ----

    @Test
    void refusesAHiddenSizeWhoseParameterCountOverflowsIntAsShape() {
        // SIMPLE_RNN 3→65536: 65536² overflows int; unchecked, the size check passed and 16 GiB were allocated.
        ModelUpdate update = TestModels.update(2, CellType.SIMPLE_RNN, new int[] {4}, 1);
        update.setHiddenSizes(List.of(65_536));

        assertRejected(update, Check.SHAPE).hasMessageContaining("[65536] are not all in [1, 4096]");
    }

    @Test
    void refusesMoreParametersThanTheBoundAsShapeWhateverTheWeightsLength() {
        ModelUpdate update = valid();
        update.setHiddenSizes(List.of(4096, 4096, 4096)); // ~400M parameters, within int
        assertRejected(update, Check.SHAPE)
                .hasMessageContaining("more than the " + Model.MAX_PARAMETERS + " parameters");
    }

    @Test
    void parameterCountIsOverflowChecked() {
        assertThatThrownBy(() -> dev.tickcast.model.cell.RecurrentNetwork.parameterCount(
                        CellType.LSTM, 3, new int[] {65_536, 65_536}, 1))
                .isInstanceOf(ArithmeticException.class);
    }

    @Test
    void refusesAFiniteButHugeWeightAsNotFinite() {
        float[] weights = validWeights();
        weights[5] = 3e38f;
        ModelUpdate update = ModelFile.build(
                "test", 2, CellType.LSTM, HIDDEN, TestModels.spec(), weights, null, null, TestModels.CREATED);

        assertRejected(update, Check.NOT_FINITE)
                .hasMessageContaining("weight 5 of " + weights.length + " is 3.0E38, beyond ±10000.0");
    }

    @Test
    void refusesAnInfiniteOrHugeClipAndAbsurdScalersAsFeatures() {
        FeatureSpec spec = valid().getFeatures();
        assertRejected(
                        withSpec(FeatureSpec.newBuilder(spec)
                                .setClip(Double.POSITIVE_INFINITY)
                                .build()),
                        Check.FEATURES)
                .hasMessageContaining("feature clip must be > 0 and <= 64.0, got Infinity");
        assertRejected(withSpec(FeatureSpec.newBuilder(spec).setTargetStd(3e38).build()), Check.FEATURES)
                .hasMessageContaining("target scaler has mean 1.0E-4 and std 3.0E38");
        assertRejected(
                        withSpec(FeatureSpec.newBuilder(spec)
                                .setTargetMean(Double.NaN)
                                .build()),
                        Check.FEATURES)
                .hasMessageContaining("target scaler has mean NaN");
        assertRejected(
                        withSpec(FeatureSpec.newBuilder(spec)
                                .setStd(List.of(1e-300, 0.5, 1.2))
                                .build()),
                        Check.FEATURES)
                .hasMessageContaining("feature 'log_return' has mean 0.0 and std 1.0E-300");
        assertRejected(
                        withSpec(FeatureSpec.newBuilder(spec)
                                .setMean(List.of(0.0, 3e38, 1.5))
                                .build()),
                        Check.FEATURES)
                .hasMessageContaining("feature 'log_gap' has mean 3.0E38");
    }

    private static ModelUpdate withSpec(FeatureSpec spec) {
        ModelUpdate update = valid();
        update.setFeatures(spec);
        return update;
    }

    @Test
    void horizonsMustAscendFromOneWithinBoundsAndMatchTheOutputs() {
        ModelUpdate three =
                dev.tickcast.model.testdata.TestModels.update(1, CellType.LSTM, new int[] {4}, new int[] {1, 5, 20}, 3);
        assertThatCode(() -> Model.verify(three)).doesNotThrowAnyException();
        for (java.util.List<Integer> bad : java.util.List.of(
                java.util.List.of(2, 5, 20),
                java.util.List.of(1, 20, 5),
                java.util.List.of(1, 5, 65),
                java.util.List.of(1, 5))) {
            ModelUpdate m = ModelUpdate.newBuilder(three).setHorizons(bad).build();
            assertThatThrownBy(() -> Model.verify(m))
                    .as("horizons %s", bad)
                    .isInstanceOf(ModelRejectedException.class)
                    .satisfies(e ->
                            assertThat(((ModelRejectedException) e).check()).isEqualTo(Check.SHAPE));
        }
    }
}
