package dev.tickcast.model.file;

import static org.assertj.core.api.Assertions.assertThat;
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
                .isInstanceOfSatisfying(ModelRejectedException.class, e -> assertThat(e.check()).isEqualTo(check))
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
        ByteBuffer shorter = ByteBuffer.allocate(bytes - Float.BYTES).put(weights.duplicate().limit(bytes - Float.BYTES)).flip();
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

        assertRejected(update, Check.SHAPE).hasMessageContaining("hidden sizes [4, 4, 4, 4]");
    }

    @Test
    void refusesAnAlteredWeightByteAsChecksum() {
        ModelUpdate update = valid();
        byte[] bytes = new byte[update.getWeights().remaining()];
        update.getWeights().duplicate().get(bytes);
        bytes[17] ^= 0x01; // one bit of one weight
        update.setWeights(ByteBuffer.wrap(bytes));

        assertRejected(update, Check.CHECKSUM).hasMessageContaining("SHA-256 of the weights does not match weights_sha256");
    }

    @Test
    void refusesANaNWeightEvenWithAMatchingChecksumAsNotFinite() {
        float[] weights = validWeights();
        weights[9] = Float.NaN;
        ModelUpdate update = ModelFile.build("test", 2, CellType.LSTM, HIDDEN, TestModels.spec(), weights, null, null,
                TestModels.CREATED); // checksum computed over the NaN

        assertRejected(update, Check.NOT_FINITE).hasMessageContaining("weight 9 of " + weights.length + " is NaN");
    }

    @Test
    void refusesAnInfiniteWeightAsNotFinite() {
        float[] weights = validWeights();
        weights[weights.length - 1] = Float.NEGATIVE_INFINITY;
        ModelUpdate update = ModelFile.build("test", 2, CellType.LSTM, HIDDEN, TestModels.spec(), weights, null, null,
                TestModels.CREATED);

        assertRejected(update, Check.NOT_FINITE)
                .hasMessageContaining("weight " + (weights.length - 1) + " of " + weights.length + " is -Infinity");
    }

    @Test
    void refusesAnUnknownFeatureNameAsFeatures() {
        ModelUpdate update = valid();
        FeatureSpec spec = FeatureSpec.newBuilder(update.getFeatures())
                .setNames(List.of("log_return", "log_spread", "log_volume")).build();
        update.setFeatures(spec);

        assertRejected(update, Check.FEATURES).hasMessageContaining("unknown feature 'log_spread'");
    }

    @Test
    void refusesAZeroFeatureStdAsFeatures() {
        ModelUpdate update = valid();
        update.setFeatures(FeatureSpec.newBuilder(update.getFeatures()).setStd(List.of(0.002, 0.0, 1.2)).build());

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
}
