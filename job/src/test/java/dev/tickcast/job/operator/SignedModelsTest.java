package dev.tickcast.job.operator;

import static dev.tickcast.job.TickBuilder.t;
import static dev.tickcast.job.TickBuilder.tick;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tickcast.job.TestModels;
import dev.tickcast.model.file.ModelSigning;
import dev.tickcast.schema.CellType;
import dev.tickcast.schema.DeadLetter;
import dev.tickcast.schema.DeadLetterReason;
import dev.tickcast.schema.ModelUpdate;
import java.security.KeyPair;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** With trusted keys configured, only models signed by one of them serve; the rest are dead letters. */
class SignedModelsTest {

    private static final KeyPair OLD_KEY = ModelSigning.generate();
    private static final KeyPair NEW_KEY = ModelSigning.generate();
    private static final KeyPair STRANGER = ModelSigning.generate();

    private ForecastHarness h;

    @AfterEach
    void close() {
        if (h != null) {
            h.close();
        }
    }

    private static ModelUpdate signed(long version, KeyPair key) {
        return ModelSigning.sign(
                TestModels.update(version, CellType.LSTM, new int[] {4}, version), key.getPrivate(), key.getPublic());
    }

    @Test
    void modelsSignedByAnyTrustedKeyServeSoKeysCanRotate() throws Exception {
        h = ForecastHarness.openTrusting(
                List.of(OLD_KEY.getPublic().getEncoded(), NEW_KEY.getPublic().getEncoded()));
        h.model(signed(1, OLD_KEY))
                .tick(tick("A", t(0)).price(10))
                .tick(tick("A", t(1)).price(11));
        assertThat(h.lastForecast().getModelVersion()).isEqualTo(1L);
        h.model(signed(2, NEW_KEY)).tick(tick("A", t(2)).price(12));
        assertThat(h.lastForecast().getModelVersion()).isEqualTo(2L);
        assertThat(h.deadLetters()).isEmpty();
    }

    @Test
    void unsignedMisSignedAndStrangersModelsAreRefusedAndTheServingOneContinues() throws Exception {
        h = ForecastHarness.openTrusting(List.of(OLD_KEY.getPublic().getEncoded()));
        h.model(signed(1, OLD_KEY)).tick(tick("A", t(0)).price(10));
        ModelUpdate altered =
                ModelUpdate.newBuilder(signed(3, OLD_KEY)).setVersion(4).build();
        h.model(TestModels.update(2, CellType.LSTM, new int[] {4}, 2)) // unsigned
                .model(altered) // changed after signing
                .model(signed(5, STRANGER)); // signed by a key the job does not trust
        h.tick(tick("A", t(1)).price(11));

        assertThat(h.lastForecast().getModelVersion()).isEqualTo(1L);
        assertThat(h.deadLetters())
                .extracting(DeadLetter::getReason)
                .containsOnly(DeadLetterReason.MODEL_REJECTED.name())
                .hasSize(3);
        assertThat(h.deadLetters())
                .extracting(DeadLetter::getDetail)
                .satisfiesExactly(
                        d -> assertThat(d).startsWith("SIGNATURE: model v2 is not signed"),
                        d -> assertThat(d).startsWith("SIGNATURE: the signature of model v4 does not verify"),
                        d -> assertThat(d)
                                .startsWith("SIGNATURE: model v5 is signed by key "
                                        + ModelSigning.keyId(STRANGER.getPublic())));
        assertThat(h.deadLetters())
                .allSatisfy(d ->
                        assertThat(d.getDetail()).contains("serving model of line test (version 1) keeps serving"));
    }

    @Test
    void withoutTrustedKeysSignaturesAreNotRequired() throws Exception {
        h = ForecastHarness.openTrusting(List.of());
        h.model(TestModels.update(1, CellType.LSTM, new int[] {4}, 1))
                .tick(tick("A", t(0)).price(10))
                .tick(tick("A", t(1)).price(11));
        assertThat(h.lastForecast().getModelVersion()).isEqualTo(1L);
    }
}
