package dev.tickcast.job.operator;

import static dev.tickcast.job.TickBuilder.t;
import static dev.tickcast.job.TickBuilder.tick;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tickcast.job.TestModels;
import dev.tickcast.model.file.Model;
import dev.tickcast.model.forecast.Backtest;
import dev.tickcast.schema.CellType;
import dev.tickcast.schema.DeadLetterReason;
import dev.tickcast.schema.Forecast;
import dev.tickcast.schema.ModelAction;
import dev.tickcast.schema.ModelControl;
import dev.tickcast.schema.ModelUpdate;
import dev.tickcast.schema.Tick;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Live model swaps in the forecast operator: a new model, a pin back to an earlier one (rollback), an
 * unpin, a change of architecture. Each symbol's next tick under a different model re-warms its state
 * from its ring of recent inputs; the forecasts must equal the backtest that swaps models at the same
 * ticks, bit for bit.
 */
class ModelSwapTest {

    private static final ModelUpdate V1 = TestModels.update(1, CellType.LSTM, new int[] {8}, 21);
    private static final ModelUpdate V2 = TestModels.update(2, CellType.LSTM, new int[] {8}, 22);
    /** A different architecture: the state is rebuilt at the new shape. */
    private static final ModelUpdate V3_GRU = TestModels.update(3, CellType.GRU, new int[] {6, 4}, 23);

    private final List<ForecastHarness> opened = new ArrayList<>();

    @AfterEach
    void closeHarnesses() {
        opened.forEach(ForecastHarness::close);
    }

    private ForecastHarness open() throws Exception {
        ForecastHarness h = ForecastHarness.open();
        opened.add(h);
        return h;
    }

    /** Controls are applied only if issued after the last one: each made here is a second later than the one before. */
    private Instant issuedAt = Instant.parse("2026-01-01T00:00:00Z");

    private ModelControl pin(long version) {
        issuedAt = issuedAt.plusSeconds(1);
        return ModelControl.newBuilder()
                .setModelName(TestModels.LINE)
                .setAction(ModelAction.PIN)
                .setVersion(version)
                .setIssuedAt(issuedAt)
                .build();
    }

    private ModelControl unpin() {
        issuedAt = issuedAt.plusSeconds(1);
        return ModelControl.newBuilder()
                .setModelName(TestModels.LINE)
                .setAction(ModelAction.UNPIN)
                .setIssuedAt(issuedAt)
                .build();
    }

    /** Two interleaved random walks, 40 ticks each. */
    private static List<Tick> walk() {
        Random random = new Random(4);
        List<Tick> ticks = new ArrayList<>();
        double a = 100;
        double b = 20;
        for (int i = 0; i < 40; i++) {
            a *= Math.exp(0.002 * random.nextGaussian());
            b *= Math.exp(0.004 * random.nextGaussian());
            ticks.add(tick("AAA", t(2 * i)).price(a).volume(1.0 + i).build());
            ticks.add(tick("BBB", t(2 * i + 1)).price(b).build());
        }
        return ticks;
    }

    private static Model verified(ModelUpdate u) {
        try {
            return Model.verify(u);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void newModelThenRollbackThenUnpinEachForecastEqualsTheBacktestSwappingAtTheSameTicks() throws Exception {
        List<Tick> ticks = walk();
        // Swap points by tick index: v1 from 0, v2 from 20, pin v1 from 40, unpin (v2) from 60, v3 (GRU) from 70.
        ForecastHarness h = open();
        h.model(V1);
        for (int i = 0; i < ticks.size(); i++) {
            if (i == 20) {
                h.model(V2);
            } else if (i == 40) {
                h.control(pin(1));
            } else if (i == 60) {
                h.control(unpin());
            } else if (i == 70) {
                h.model(V3_GRU);
            }
            h.tick(ticks.get(i));
        }
        Model v1 = verified(V1);
        Model v2 = verified(V2);
        Model v3 = verified(V3_GRU);
        List<Forecast> expected = new ArrayList<>();
        Backtest.runWithModels(
                i -> i < 20 ? v1 : i < 40 ? v2 : i < 60 ? v1 : i < 70 ? v2 : v3,
                ticks,
                ForecastHarness.SETTINGS,
                s -> Long.MIN_VALUE,
                (t, f) -> expected.add(f));

        assertThat(h.forecasts()).isEqualTo(expected);
        assertThat(h.deadLetters()).isEmpty();
        List<Long> versions =
                h.forecasts().stream().map(Forecast::getModelVersion).toList();
        // Each symbol's first tick is naive (version 0); afterwards every forecast carries the version that made it.
        assertThat(versions.subList(2, 20)).containsOnly(1L);
        assertThat(versions.subList(20, 40)).containsOnly(2L);
        assertThat(versions.subList(40, 60)).containsOnly(1L);
        assertThat(versions.subList(60, 70)).containsOnly(2L);
        assertThat(versions.subList(70, 80)).containsOnly(3L);
        assertThat(h.forecasts().get(79).getCellType()).isEqualTo(CellType.GRU);
        assertThat(h.state("AAA").getHidden()).hasSize(6 + 4); // rebuilt at the GRU's shape
    }

    @Test
    void newerModelWhilePinnedIsAcceptedButThePinKeepsServing() throws Exception {
        ForecastHarness h = open();
        h.model(V1).model(V2).control(pin(1));
        h.tick(tick("AAA", t(0)).price(100)).tick(tick("AAA", t(1)).price(101));
        h.model(V3_GRU).tick(tick("AAA", t(2)).price(102));

        assertThat(h.lastForecast().getModelVersion()).isEqualTo(1L);
        assertThat(h.deadLetters()).isEmpty();
        h.control(unpin()).tick(tick("AAA", t(3)).price(103));
        assertThat(h.lastForecast().getModelVersion()).isEqualTo(3L);
    }

    @Test
    void pinOfAVersionTheJobDoesNotHoldIsRefusedAndServingContinues() throws Exception {
        ForecastHarness h = open();
        h.model(V2).tick(tick("AAA", t(0)).price(100));
        h.control(pin(7)).tick(tick("AAA", t(1)).price(101));

        assertThat(h.deadLetters()).singleElement().satisfies(dl -> {
            assertThat(dl.getReason()).isEqualTo(DeadLetterReason.MODEL_REJECTED.name());
            assertThat(dl.getDetail())
                    .startsWith("PIN: version 7 is not held by the job (it holds [2])")
                    .contains("serving model of line test (version 2) keeps serving");
        });
        assertThat(h.lastForecast().getModelVersion()).isEqualTo(2L);
    }

    @Test
    void pinAndHistorySurviveSnapshotAndRestoreWithoutTheModelsTopic() throws Exception {
        ForecastHarness h = open();
        h.model(V1)
                .model(V2)
                .control(pin(1))
                .tick(tick("AAA", t(0)).price(100))
                .tick(tick("AAA", t(1)).price(101));
        OperatorSubtaskState snapshot = h.snapshot(3L);

        ForecastHarness restored = ForecastHarness.restore(snapshot, null);
        opened.add(restored);
        restored.tick(tick("AAA", t(2)).price(102));
        assertThat(restored.lastForecast().getModelVersion()).isEqualTo(1L);
        restored.control(unpin()).tick(tick("AAA", t(3)).price(103));
        assertThat(restored.lastForecast().getModelVersion()).isEqualTo(2L); // v2 came back from the restored history
    }

    @Test
    void historyKeepsTheNewestModelsAndAPinnedOldOne() throws Exception {
        ForecastHarness h = open();
        h.model(V1).control(pin(1));
        for (int v = 2; v <= 12; v++) {
            h.model(TestModels.update(v, CellType.SIMPLE_RNN, new int[] {3}, 100 + v));
        }
        h.control(unpin()).control(pin(1));
        assertThat(h.deadLetters()).isEmpty();
        h.control(pin(3)); // fell out of the history of 8
        assertThat(h.deadLetters())
                .singleElement()
                .satisfies(dl -> assertThat(dl.getDetail()).startsWith("PIN: version 3 is not held"));
        h.tick(tick("AAA", t(0)).price(1)).tick(tick("AAA", t(1)).price(2));
        assertThat(h.lastForecast().getModelVersion()).isEqualTo(1L);
    }

    @Test
    void modelWithAnEffectiveTimeServesOnlyTicksFromThatTimeWhereverItArrives() throws Exception {
        List<Tick> ticks = walk();
        Instant effective = ticks.get(41).getEventTime(); // from the 42nd tick on
        ModelUpdate v2Later =
                ModelUpdate.newBuilder(V2).setEffectiveTime(effective).build();
        ForecastHarness h = open();
        h.model(V1).model(v2Later); // both published ahead of the data
        ticks.forEach(t -> {
            try {
                h.tick(t);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        Model v1 = verified(V1);
        Model v2 = verified(v2Later);
        List<Forecast> expected = new ArrayList<>();
        Backtest.runWithModels(
                i -> i < 41 ? v1 : v2, ticks, ForecastHarness.SETTINGS, s -> Long.MIN_VALUE, (t, f) -> expected.add(f));

        assertThat(h.forecasts()).isEqualTo(expected);
        assertThat(h.forecasts().subList(2, 41))
                .extracting(Forecast::getModelVersion)
                .containsOnly(1L);
        assertThat(h.forecasts().subList(41, 80))
                .extracting(Forecast::getModelVersion)
                .containsOnly(2L);
    }
}
