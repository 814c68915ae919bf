package dev.tickcast.model.forecast;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tickcast.model.file.Model;
import dev.tickcast.model.file.ModelRejectedException;
import dev.tickcast.model.testdata.TestModels;
import dev.tickcast.schema.CellType;
import dev.tickcast.schema.Evaluation;
import dev.tickcast.schema.Forecast;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A challenger in shadow beside the champion: it forecasts as if it served, is scored against the champion on the
 * same ticks, and at a promotion takes over with a state that does not depend on the tick the promotion reached it.
 */
class ShadowForecasterTest {

    private static final double PHI = -0.5;
    private static final double SIGMA = 0.001;
    private static final long T0 = 1_700_000_000_000L;

    private final SymbolForecaster forecaster = new SymbolForecaster(ForecastSettings.DEFAULTS);
    private final ShadowForecaster shadows = new ShadowForecaster(forecaster);
    private final Model champion = model(TestModels.update(1, CellType.LSTM, new int[] {8}, 5));
    private final Model challenger = model(TestModels.meanReverting(2, PHI, SIGMA));
    private final double[] prices = TestModels.meanRevertingWalk(3000, PHI, SIGMA, 9);

    private static Model model(dev.tickcast.schema.ModelUpdate update) {
        try {
            return Model.verify(update);
        } catch (ModelRejectedException e) {
            throw new AssertionError(e);
        }
    }

    private record Run(
            List<Forecast> forecasts,
            List<Evaluation> evaluations,
            ForecastState state,
            double sumD,
            long scored,
            long joined) {}

    /**
     * The champion serves; the challenger runs from tick {@code start} until tick {@code promoteAt}, where it is
     * promoted (-1: never).
     */
    private Run run(int start, int promoteAt, int ticks) {
        ForecastState state = forecaster.newState();
        List<Forecast> forecasts = new ArrayList<>();
        List<Evaluation> evaluations = new ArrayList<>();
        double sumD = 0;
        long scored = 0;
        long joined = 0;
        for (int i = 0; i < ticks; i++) {
            boolean promoted = promoteAt >= 0 && i >= promoteAt;
            Model serving = promoted ? challenger : champion;
            Model shadow = i >= start && !promoted ? challenger : null;
            ShadowForecaster.Step step = shadows.onTick(state, serving, shadow, "ACME", T0 + i * 1000L, prices[i], 1.0);
            state = step.served();
            forecasts.add(step.outcome().forecast());
            if (step.outcome().evaluation() != null) {
                evaluations.add(step.outcome().evaluation());
            }
            if (!Double.isNaN(step.lossDifference())) {
                sumD += step.lossDifference();
                scored++;
            }
            joined += step.joined() ? 1 : 0;
        }
        return new Run(forecasts, evaluations, state, sumD, scored, joined);
    }

    @Test
    void theShadowChangesNothingThatIsServed() {
        Run alone = run(Integer.MAX_VALUE, -1, 1500);
        Run shadowed = run(200, -1, 1500);
        assertThat(shadowed.forecasts()).isEqualTo(alone.forecasts());
        assertThat(shadowed.evaluations()).isEqualTo(alone.evaluations());
        assertThat(shadowed.state().hasShadow()).isTrue();
        assertThat(shadowed.joined()).isEqualTo(1);
        assertThat(shadowed.scored())
                .as("every tick after the first two of the shadow")
                .isEqualTo(1500 - 200 - 1);
    }

    @Test
    void aBetterChallengerScoresAboveZero() {
        Run run = run(100, -1, 3000);
        double mean = run.sumD() / run.scored();
        assertThat(mean)
                .as("about the challenger's gain in skill, phi² = 0.25 once its guard trusts it")
                .isBetween(0.05, 0.3);
    }

    @Test
    void theLossDifferenceIsTheScaledDifferenceOfSquaredErrors() {
        ForecastState state = forecaster.newState();
        for (int i = 0; i < 300; i++) {
            ForecastState before = state.copy();
            ShadowForecaster.Step step =
                    shadows.onTick(state, null, challenger, "ACME", T0 + i * 1000L, prices[i], 1.0);
            if (!Double.isNaN(step.lossDifference())) {
                Evaluation served = step.outcome().evaluation();
                double scale = state.naiveMeanSquaredError();
                // Champion null: the served forecast is naive, so its error is the naive one.
                assertThat(served.getError()).isEqualTo(served.getNaiveError());
                double challengerError = served.getActualPrice() - before.shadow().pendingForecast;
                assertThat(step.lossDifference())
                        .isEqualTo((served.getError() * served.getError() - challengerError * challengerError) / scale);
            }
            state = step.served();
        }
    }

    /**
     * However late the promotion reaches a symbol, its forecasts from then on are the same bits, and so is its state but
     * for the served record (the running errors of what was actually served): both states advanced on every tick
     * either way.
     */
    @Test
    void aPromotionGivesTheSameStateWheneverItArrives() throws IOException {
        Run early = run(300, 800, 2000);
        Run late = run(300, 1400, 2000);
        ForecastState lateState = late.state().copy();
        lateState.takeServedRecord(early.state());
        lateState.book = early.state().book; // the pending forecasts and their calibration: what was served too
        assertThat(bytes(lateState)).isEqualTo(bytes(early.state()));
        assertThat(late.state().evalCount).isEqualTo(early.state().evalCount);
        assertThat(late.state().sumSqError).isNotEqualTo(early.state().sumSqError);
        // The intervals are calibrated on what was served, so they differ: the point forecasts are the same bits.
        assertThat(withoutIntervals(late.forecasts().subList(1400, 2000)))
                .isEqualTo(withoutIntervals(early.forecasts().subList(1400, 2000)));
        assertThat(late.forecasts().get(1400).getModelVersion()).isEqualTo(2);
        assertThat(late.forecasts().get(1399).getModelVersion()).isEqualTo(1);
        assertThat(late.state().hasShadow()).isFalse();
    }

    @Test
    void atThePromotionTheServedForecastIsEvaluatedAndTheServedRecordCarriesOn() {
        Run run = run(300, 800, 1000);
        Evaluation atPromotion = run.evaluations().get(799); // evaluations start at tick 1
        assertThat(atPromotion.getActualTime().toEpochMilli()).isEqualTo(T0 + 800 * 1000L);
        assertThat(atPromotion.getForecastPrice())
                .isEqualTo(run.forecasts().get(799).getForecastPrice());
        assertThat(atPromotion.getModelVersion()).isEqualTo(1);
        assertThat(run.evaluations().get(800).getModelVersion()).isEqualTo(2);
        for (int i = 0; i < run.evaluations().size(); i++) {
            assertThat(run.evaluations().get(i).getCount()).isEqualTo(i + 1);
        }
    }

    @Test
    void aShadowRoundTripsThroughTheStateFormat() throws IOException {
        Run run = run(300, -1, 600);
        byte[] written = bytes(run.state());
        ForecastState back = ForecastStateFormat.read(
                new DataInputStream(new ByteArrayInputStream(written)), ForecastSettings.DEFAULTS);
        assertThat(back.hasShadow()).isTrue();
        assertThat(bytes(back)).isEqualTo(written);
        assertThat(bytes(run.state().copy())).isEqualTo(written);
    }

    static java.util.List<Forecast> withoutIntervals(java.util.List<Forecast> forecasts) {
        return forecasts.stream()
                .map(f -> {
                    Forecast c = Forecast.newBuilder(f).build();
                    c.setHorizons(f.getHorizons().stream()
                            .map(h -> dev.tickcast.schema.HorizonForecast.newBuilder(h)
                                    .setIntervals(java.util.List.of())
                                    .build())
                            .toList());
                    return c;
                })
                .toList();
    }

    private static byte[] bytes(ForecastState state) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ForecastStateFormat.write(state, new DataOutputStream(out));
        return out.toByteArray();
    }
}
