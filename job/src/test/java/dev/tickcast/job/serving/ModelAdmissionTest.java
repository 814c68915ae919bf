package dev.tickcast.job.serving;

import static dev.tickcast.job.TickBuilder.t;
import static dev.tickcast.job.TickBuilder.tick;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tickcast.job.TestModels;
import dev.tickcast.job.operator.ForecastHarness;
import dev.tickcast.model.file.ModelSigning;
import dev.tickcast.schema.CellType;
import dev.tickcast.schema.DeadLetter;
import dev.tickcast.schema.ModelAction;
import dev.tickcast.schema.ModelControl;
import dev.tickcast.schema.ModelUpdate;
import java.security.KeyPair;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What may change the serving model: only models and controls of the served line, versions that leave room for
 * the next ones, and, with trusted keys, signed controls that are not replays. Each refusal is a dead letter and
 * the serving model keeps serving.
 */
class ModelAdmissionTest {

    private static final KeyPair KEY = ModelSigning.generate();
    private static final Instant T0 = Instant.parse("2026-12-06T08:00:00Z");

    private ForecastHarness h;

    @AfterEach
    void close() {
        if (h != null) {
            h.close();
        }
    }

    private static ModelUpdate model(String line, long version) {
        return ModelUpdate.newBuilder(TestModels.update(version, CellType.LSTM, new int[] {4}, version))
                .setModelName(line)
                .build();
    }

    private static ModelControl control(String line, ModelAction action, long version, Instant issuedAt) {
        return ModelControl.newBuilder()
                .setModelName(line)
                .setAction(action)
                .setVersion(version)
                .setIssuedAt(issuedAt)
                .build();
    }

    private static ModelControl signed(ModelControl control) {
        return ModelSigning.sign(control, KEY.getPrivate(), KEY.getPublic());
    }

    private static ModelUpdate signed(ModelUpdate model) {
        return ModelSigning.sign(model, KEY.getPrivate(), KEY.getPublic());
    }

    private long servingVersion() throws Exception {
        h.tick(tick("PROBE", t(h.forecasts().size() + 1))
                .price(10 + h.forecasts().size()));
        return h.lastForecast().getModelVersion();
    }

    private List<String> refusals() {
        return h.deadLetters().stream().map(DeadLetter::getDetail).toList();
    }

    @Test
    void anotherModelLineCannotTakeOverTheServedOne() throws Exception {
        h = ForecastHarness.open(ModelAdmission.unsigned(TestModels.LINE));
        h.model(model(TestModels.LINE, 1)).tick(tick("PROBE", t(0)).price(10));
        h.model(model("canary", 100)).control(control("canary", ModelAction.PIN, 100, T0));

        assertThat(servingVersion()).isEqualTo(1);
        assertThat(refusals())
                .satisfiesExactly(
                        d -> assertThat(d)
                                .startsWith(
                                        "LINE: model of model line 'canary', which this job routes no symbols to (it serves [test]"),
                        d -> assertThat(d)
                                .startsWith(
                                        "LINE: control of model line 'canary', which this job routes no symbols to"));
    }

    @Test
    void aVersionThatLeavesNoRoomForLaterModelsIsRefused() throws Exception {
        h = ForecastHarness.open(new ModelAdmission(TestModels.LINE, List.of(), 1000));
        h.model(model(TestModels.LINE, 5)).tick(tick("PROBE", t(0)).price(10));
        h.model(model(TestModels.LINE, Long.MAX_VALUE)).model(model(TestModels.LINE, 1006));

        assertThat(servingVersion()).isEqualTo(5);
        h.model(model(TestModels.LINE, 1005)); // exactly the step: accepted, and later models still can follow
        assertThat(servingVersion()).isEqualTo(1005);
        assertThat(refusals())
                .hasSize(2)
                .allSatisfy(d -> assertThat(d).startsWith("VERSION: version ").contains("--max-version-step"));
    }

    @Test
    void theFirstModelMayHaveAnyVersionBelow2pow53() throws Exception {
        // A job started without state reads the compacted topic, where a long-lived line's model is far past the step.
        h = ForecastHarness.open(ModelAdmission.unsigned(TestModels.LINE));
        h.model(model(TestModels.LINE, 1L << 53)).tick(tick("PROBE", t(0)).price(10));
        assertThat(servingVersion()).isEqualTo(1L << 53);

        h.close();
        h = ForecastHarness.open(ModelAdmission.unsigned(TestModels.LINE));
        h.model(model(TestModels.LINE, (1L << 53) + 1)).tick(tick("PROBE", t(0)).price(10));
        assertThat(servingVersion()).isZero();
        assertThat(refusals()).singleElement().asString().contains("past 2^53");
    }

    @Test
    void withTrustedKeysControlsMustBeSignedAndCannotBeReplayed() throws Exception {
        h = ForecastHarness.openTrusting(List.of(KEY.getPublic().getEncoded()));
        h.model(signed(model(TestModels.LINE, 1)))
                .model(signed(model(TestModels.LINE, 2)))
                .tick(tick("PROBE", t(0)).price(10));

        ModelControl pinV1 = signed(control(TestModels.LINE, ModelAction.PIN, 1, T0));
        h.control(control(TestModels.LINE, ModelAction.PIN, 1, T0)); // unsigned: refused
        assertThat(servingVersion()).isEqualTo(2);
        h.control(pinV1); // the operator's rollback
        assertThat(servingVersion()).isEqualTo(1);
        h.control(signed(control(TestModels.LINE, ModelAction.UNPIN, 0, T0.plusSeconds(60))));
        assertThat(servingVersion()).isEqualTo(2);
        h.control(pinV1); // the same signed rollback, sent again by someone else
        assertThat(servingVersion()).isEqualTo(2);

        assertThat(refusals())
                .satisfiesExactly(
                        d -> assertThat(d).startsWith("SIGNATURE: PIN control is not signed"),
                        d -> assertThat(d)
                                .startsWith("REPLAY: PIN issued at 2026-12-06T08:00:00Z is not after the last"
                                        + " control applied"));
    }

    @Test
    void aSignedModelSentAgainWithAnotherEffectiveTimeChangesNothing() throws Exception {
        h = ForecastHarness.openTrusting(List.of(KEY.getPublic().getEncoded()));
        ModelUpdate v1 = signed(model(TestModels.LINE, 1));
        ModelUpdate v2 = signed(model(TestModels.LINE, 2));
        h.model(v1).model(v2).tick(tick("PROBE", t(0)).price(10));
        // The signature leaves the effective time out: a copy re-timed into the future still verifies, and is ignored.
        h.model(ModelUpdate.newBuilder(v2)
                .setEffectiveTime(Instant.parse("2100-01-01T00:00:00Z"))
                .build());
        h.model(ModelUpdate.newBuilder(v1).setEffectiveTime(null).build()); // an old signed model: refused as not newer

        assertThat(servingVersion()).isEqualTo(2);
        assertThat(refusals())
                .singleElement()
                .asString()
                .startsWith("VERSION: version 1 is not newer than the newest accepted version 2");
    }

    @Test
    void aModelWhoseShapeOverflowsIsRefusedWithoutAllocating() throws Exception {
        h = ForecastHarness.open(ModelAdmission.unsigned(TestModels.LINE));
        h.model(model(TestModels.LINE, 1)).tick(tick("PROBE", t(0)).price(10));
        ModelUpdate huge = model(TestModels.LINE, 2);
        huge.setCellType(CellType.SIMPLE_RNN);
        huge.setHiddenSizes(List.of(65_536));
        h.model(huge);

        assertThat(servingVersion()).isEqualTo(1);
        assertThat(refusals())
                .singleElement()
                .asString()
                .startsWith("SHAPE: hidden sizes [65536] are not all in [1, 4096]");
    }
}
