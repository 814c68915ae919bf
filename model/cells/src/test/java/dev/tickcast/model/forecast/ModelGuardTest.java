package dev.tickcast.model.forecast;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tickcast.model.file.Model;
import dev.tickcast.model.testdata.TestModels;
import dev.tickcast.schema.CellType;
import dev.tickcast.schema.Forecast;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The guard on feeds whose next move is, by construction, what the model predicts, its opposite, or unrelated to it:
 * each tick's price is made from the model's prediction at the tick before, plus noise.
 */
class ModelGuardTest {

    private static final ForecastSettings SETTINGS = ForecastSettings.DEFAULTS;
    private final Model model = TestModels.model(1, CellType.LSTM, new int[] {8}, 3);

    private record Run(List<Forecast> forecasts, ErrorStats errors, double weight) {}

    /** {@code move} maps the model's last predicted log return to the next tick's (noise added here). */
    private Run run(GuardSettings guard, DoubleUnaryOperator move, int ticks) {
        SymbolForecaster forecaster = new SymbolForecaster(SETTINGS.withGuard(guard));
        ForecastState state = forecaster.newState();
        Random random = new Random(11);
        List<Forecast> forecasts = new ArrayList<>();
        ErrorStats errors = new ErrorStats();
        double price = 100;
        double predicted = 0;
        double scale = 1e-4; // running mean |prediction|, so the noise keeps the predictions' size
        for (int i = 0; i < ticks; i++) {
            if (i > 0) {
                price *= Math.exp(move.applyAsDouble(predicted) + 0.5 * scale * random.nextGaussian());
            }
            TickOutcome outcome = forecaster.onTick(state, model, "ACME", 1_700_000_000_000L + i * 1000L, price, 1.0);
            predicted = outcome.forecast().getModelLogReturn();
            scale = 0.99 * scale + 0.01 * Math.abs(predicted);
            forecasts.add(outcome.forecast());
            if (outcome.evaluation() != null && i > ticks / 2) {
                errors.add(outcome.evaluation());
            }
        }
        return new Run(forecasts, errors, state.guardWeight(SETTINGS.guard()));
    }

    @Test
    void aSymbolTheModelHelpsKeepsItsWeight() {
        Run run = run(GuardSettings.DEFAULTS, x -> x, 4000);
        assertThat(run.weight()).isGreaterThan(0.8);
        assertThat(run.errors().modelSkill()).isGreaterThan(0.5);
        assertThat(run.errors().skill())
                .isGreaterThan(0.5)
                .isGreaterThan(run.errors().modelSkill() - 0.05);
    }

    @Test
    void aSymbolTheModelHarmsConvergesToTheNaiveForecast() {
        Run run = run(GuardSettings.DEFAULTS, x -> -x, 4000);
        assertThat(run.errors().modelSkill()).isLessThan(-1);
        assertThat(run.weight()).isZero();
        Forecast last = run.forecasts().get(run.forecasts().size() - 1);
        assertThat(last.getForecastPrice()).isEqualTo(last.getLastPrice());
        assertThat(last.getGuardWeight()).isZero();
        assertThat(last.getModelLogReturn()).isNotZero();
        assertThat(run.errors().skill()).isGreaterThanOrEqualTo(-1e-3);
    }

    @Test
    void aModelUnrelatedToTheMovesIsWeighedDownBelowTheModelAlone() {
        Run run = run(GuardSettings.DEFAULTS, x -> 0, 4000);
        assertThat(run.weight()).isLessThan(0.2);
        assertThat(run.errors().skill()).isGreaterThan(run.errors().modelSkill());
        assertThat(run.errors().skill()).isGreaterThan(-0.02);
    }

    @Test
    void offServesTheModelAsItIs() {
        Run run = run(GuardSettings.OFF, x -> -x, 200);
        Forecast last = run.forecasts().get(run.forecasts().size() - 1);
        assertThat(last.getGuardWeight()).isEqualTo(1.0);
        assertThat(last.getForecastLogReturn()).isEqualTo(last.getModelLogReturn());
    }

    @Test
    void aNewSymbolStartsNaiveAndTheSameFeedGivesTheSameBits() {
        Run first = run(GuardSettings.DEFAULTS, x -> x, 300);
        Run again = run(GuardSettings.DEFAULTS, x -> x, 300);
        assertThat(first.forecasts().get(1).getGuardWeight()).isZero();
        assertThat(first.forecasts().get(1).getForecastPrice())
                .isEqualTo(first.forecasts().get(1).getLastPrice());
        assertThat(again.forecasts()).isEqualTo(first.forecasts());
    }

    @Test
    void aNewModelStartsFromTheEvidenceOfItsRewarmOverTheRing() {
        SymbolForecaster forecaster = new SymbolForecaster(SETTINGS);
        ForecastState state = forecaster.newState();
        for (int i = 0; i < 100; i++) {
            forecaster.onTick(state, model, "ACME", 1_700_000_000_000L + i * 1000L, 100 + Math.sin(i), null);
        }
        Model next = TestModels.model(2, CellType.GRU, new int[] {4}, 9);
        forecaster.rewarm(state, next);
        // The ring holds 24 steps: 23 pairs of a prediction and the next step's move.
        assertThat(state.guardCount).isBetween(22.0, 23.0);
        ForecastState fresh = forecaster.newState();
        assertThat(fresh.guardCount).isZero();
    }
}
