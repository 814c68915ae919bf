package dev.tickcast.model.forecast;

import static dev.tickcast.model.testdata.TickBuilder.T0;
import static dev.tickcast.model.testdata.TickBuilder.t;
import static dev.tickcast.model.testdata.TickBuilder.tick;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.tickcast.model.file.Model;
import dev.tickcast.model.testdata.TestModels;
import dev.tickcast.schema.CellType;
import dev.tickcast.schema.Evaluation;
import dev.tickcast.schema.Forecast;
import dev.tickcast.schema.Tick;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SymbolForecasterTest {

    /** The model's own forecasts (the guard is ModelGuardTest's). */
    private static final ForecastSettings SETTINGS =
            new ForecastSettings(64, 16, 3, 1.645).withGuard(GuardSettings.OFF);

    private static TickOutcome on(SymbolForecaster forecaster, ForecastState state, Model model, Tick tick) {
        return forecaster.onTick(
                state, model, tick.getSymbol(), tick.getEventTime().toEpochMilli(), tick.getPrice(), tick.getVolume());
    }

    /** A random walk of {@code n} ACME ticks, 1–10 s apart, some without volume. */
    private static List<Tick> walk(int n, long seed) {
        Random random = new Random(seed);
        List<Tick> ticks = new ArrayList<>();
        double price = 100;
        Instant time = T0;
        for (int i = 0; i < n; i++) {
            ticks.add(tick("ACME", time)
                    .price(price)
                    .volume(i % 4 == 3 ? null : (double) random.nextInt(500))
                    .build());
            price *= Math.exp(random.nextGaussian() * 0.003);
            time = time.plusMillis(1_000 + random.nextInt(9_000));
        }
        return ticks;
    }

    @Test
    void firstTickGivesTheNaiveForecastVersionZeroAndNoEvaluationEvenWithAModel() {
        SymbolForecaster forecaster = new SymbolForecaster(SETTINGS);
        Model model = TestModels.model(4, CellType.LSTM, new int[] {3}, 1);

        TickOutcome outcome = on(
                forecaster,
                forecaster.newState(),
                model,
                tick("ACME", T0).price(101.5).volume(3.0).build());

        Forecast f = outcome.forecast();
        assertThat(outcome.evaluation()).isNull();
        assertThat(f.getSymbol()).isEqualTo("ACME");
        assertThat(f.getEventTime()).isEqualTo(T0);
        assertThat(f.getLastPrice()).isEqualTo(101.5);
        assertThat(f.getForecastPrice()).isEqualTo(101.5);
        assertThat(f.getForecastLogReturn()).isZero();
        assertThat(f.getIntervalLow()).isEqualTo(101.5);
        assertThat(f.getIntervalHigh()).isEqualTo(101.5);
        assertThat(f.getModelVersion()).isZero();
        assertThat(f.getCellType()).isNull();
    }

    @Test
    void withoutAModelEveryForecastIsTheLastPriceWithVersionZero() {
        SymbolForecaster forecaster = new SymbolForecaster(SETTINGS);
        ForecastState state = forecaster.newState();

        for (Tick tick : walk(12, 5)) {
            Forecast f = on(forecaster, state, null, tick).forecast();
            assertThat(f.getForecastPrice()).isEqualTo(tick.getPrice());
            assertThat(f.getForecastLogReturn()).isZero();
            assertThat(f.getModelVersion()).isZero();
            assertThat(f.getCellType()).isNull();
        }
        assertThat(state.ticks()).isEqualTo(12);
        assertThat(state.hidden()).isEmpty();
    }

    @Test
    void withAModelTheSecondTickOnGetsTheModelsForecast() {
        SymbolForecaster forecaster = new SymbolForecaster(SETTINGS.withGuard(GuardSettings.OFF));
        ForecastState state = forecaster.newState();
        Model model = TestModels.model(4, CellType.GRU, new int[] {3}, 1);
        on(forecaster, state, model, tick("ACME", t(0)).price(100).build());

        Forecast f = on(
                        forecaster,
                        state,
                        model,
                        tick("ACME", t(1)).price(101).volume(5.0).build())
                .forecast();

        assertThat(f.getModelVersion()).isEqualTo(4);
        assertThat(f.getCellType()).isEqualTo(CellType.GRU);
        assertThat(f.getForecastLogReturn()).isNotZero();
        assertThat(f.getForecastPrice()).isCloseTo(101 * Math.exp(f.getForecastLogReturn()), within(1e-12));
        assertThat(state.modelVersion()).isEqualTo(4);
        assertThat(state.hidden()).hasSize(3);
    }

    @Test
    void evaluatesEachNaiveForecastWhenTheNextTickArrives() {
        SymbolForecaster forecaster = new SymbolForecaster(SETTINGS);
        ForecastState state = forecaster.newState();
        on(forecaster, state, null, tick("ACME", t(0)).price(100).build());

        Evaluation e1 = on(
                        forecaster, state, null, tick("ACME", t(1)).price(101).build())
                .evaluation();
        Evaluation e2 = on(forecaster, state, null, tick("ACME", t(3)).price(99).build())
                .evaluation();
        Evaluation e3 = on(
                        forecaster, state, null, tick("ACME", t(4)).price(102).build())
                .evaluation();

        assertThat(e1.getSymbol()).isEqualTo("ACME");
        assertThat(e1.getForecastTime()).isEqualTo(t(0));
        assertThat(e1.getActualTime()).isEqualTo(t(1));
        assertThat(e1.getActualPrice()).isEqualTo(101.0);
        assertThat(e1.getForecastPrice()).isEqualTo(100.0);
        assertThat(e1.getNaivePrice()).isEqualTo(100.0);
        assertThat(e1.getModelVersion()).isZero();
        assertThat(e1.getError()).isEqualTo(1.0);
        assertThat(e1.getCount()).isEqualTo(1);
        assertThat(e1.getMae()).isEqualTo(1.0);
        assertThat(e1.getRmse()).isEqualTo(1.0);

        assertThat(e2.getForecastTime()).isEqualTo(t(1));
        assertThat(e2.getError()).isEqualTo(-2.0);
        assertThat(e2.getNaiveError()).isEqualTo(-2.0);
        assertThat(e2.getMae()).isEqualTo(1.5);
        assertThat(e2.getRmse()).isCloseTo(Math.sqrt(5.0 / 2), within(1e-12));

        // errors 1, −2, 3
        assertThat(e3.getCount()).isEqualTo(3);
        assertThat(e3.getError()).isEqualTo(3.0);
        assertThat(e3.getMae()).isCloseTo(2.0, within(1e-12));
        assertThat(e3.getRmse()).isCloseTo(Math.sqrt(14.0 / 3), within(1e-12));
        assertThat(e3.getNaiveMae()).isCloseTo(2.0, within(1e-12));
        assertThat(e3.getNaiveRmse()).isCloseTo(Math.sqrt(14.0 / 3), within(1e-12));
        assertThat(e3.getSkill())
                .as("the naive forecast has no skill over itself")
                .isZero();
    }

    @Test
    void evaluatesModelForecastsAgainstTheNaiveOnesWithRunningStatistics() {
        SymbolForecaster forecaster = new SymbolForecaster(SETTINGS);
        ForecastState state = forecaster.newState();
        Model model = TestModels.model(2, CellType.LSTM, new int[] {4}, 8);
        Forecast previous = null;
        double sumAbs = 0, sumSq = 0, naiveSumAbs = 0, naiveSumSq = 0;
        int n = 0;

        for (Tick tick : walk(15, 9)) {
            TickOutcome outcome = on(forecaster, state, model, tick);
            if (previous == null) {
                assertThat(outcome.evaluation()).isNull();
            } else {
                Evaluation e = outcome.evaluation();
                double error = tick.getPrice() - previous.getForecastPrice();
                double naive = tick.getPrice() - previous.getLastPrice();
                n++;
                sumAbs += Math.abs(error);
                sumSq += error * error;
                naiveSumAbs += Math.abs(naive);
                naiveSumSq += naive * naive;
                assertThat(e.getModelVersion()).isEqualTo(previous.getModelVersion());
                assertThat(e.getForecastPrice()).isEqualTo(previous.getForecastPrice());
                assertThat(e.getError()).isCloseTo(error, within(1e-12));
                assertThat(e.getNaiveError()).isCloseTo(naive, within(1e-12));
                assertThat(e.getCount()).isEqualTo(n);
                assertThat(e.getMae()).isCloseTo(sumAbs / n, within(1e-12));
                assertThat(e.getRmse()).isCloseTo(Math.sqrt(sumSq / n), within(1e-12));
                assertThat(e.getNaiveMae()).isCloseTo(naiveSumAbs / n, within(1e-12));
                assertThat(e.getNaiveRmse()).isCloseTo(Math.sqrt(naiveSumSq / n), within(1e-12));
                assertThat(e.getSkill()).isCloseTo(1 - sumSq / naiveSumSq, within(1e-12));
            }
            previous = outcome.forecast();
        }
        assertThat(1 - sumSq / naiveSumSq)
                .as("the model's forecasts differ from the naive ones")
                .isNotCloseTo(0, within(1e-6));
    }

    @Test
    void intervalIsAPointUntilMinResidualsThenWidensAroundTheForecast() {
        ForecastSettings settings = new ForecastSettings(64, 16, 3, 2.0);
        SymbolForecaster forecaster = new SymbolForecaster(settings);
        ForecastState state = forecaster.newState();
        Model model = TestModels.model(1, CellType.SIMPLE_RNN, new int[] {4}, 2);
        List<Tick> ticks = walk(10, 3);

        for (int i = 0; i < ticks.size(); i++) {
            Forecast f = on(forecaster, state, model, ticks.get(i)).forecast();
            if (i < 3) { // tick i has i residuals
                assertThat(f.getIntervalLow()).as("tick %d", i).isEqualTo(f.getForecastPrice());
                assertThat(f.getIntervalHigh()).as("tick %d", i).isEqualTo(f.getForecastPrice());
            } else {
                assertThat(f.getIntervalLow()).as("tick %d", i).isLessThan(f.getForecastPrice());
                assertThat(f.getIntervalHigh()).as("tick %d", i).isGreaterThan(f.getForecastPrice());
            }
        }
    }

    @Test
    void intervalHalfWidthIsZTimesTheRmsOfTheLatestResidualWindow() {
        ForecastSettings settings = new ForecastSettings(64, 3, 2, 1.5);
        SymbolForecaster forecaster = new SymbolForecaster(settings);
        ForecastState state = forecaster.newState();
        double[] prices = {100, 110, 100.5, 100.2, 100.9, 100.4};
        Forecast f = null;
        for (int i = 0; i < prices.length; i++) {
            f = on(forecaster, state, null, tick("ACME", t(i)).price(prices[i]).build())
                    .forecast();
        }

        // naive forecasts: the residuals are the log returns; the window of 3 has dropped the 10% jump
        double sumSq = 0;
        for (int i = 3; i < prices.length; i++) {
            float r = (float) Math.log(prices[i] / prices[i - 1]);
            sumSq += (double) r * r;
        }
        double halfWidth = 1.5 * Math.sqrt(sumSq / 3);
        assertThat(f.getIntervalLow()).isCloseTo(100.4 * Math.exp(-halfWidth), within(1e-9));
        assertThat(f.getIntervalHigh()).isCloseTo(100.4 * Math.exp(halfWidth), within(1e-9));
    }

    @ParameterizedTest
    @EnumSource(CellType.class)
    void newModelVersionRewarmsFromTheRingAsIfItHadServedFromTheStart(CellType cellType) {
        List<Tick> ticks = walk(30, 17);
        Model v1 = TestModels.model(1, CellType.SIMPLE_RNN, new int[] {3}, 101);
        Model v2 = TestModels.model(2, cellType, new int[] {5, 3}, 202);
        SymbolForecaster forecaster = new SymbolForecaster(SETTINGS); // ring of 64 holds all 30 ticks
        ForecastState fromStart = forecaster.newState();
        ForecastState switched = forecaster.newState();
        SymbolForecaster shortMemory =
                new SymbolForecaster(new ForecastSettings(4, 16, 3, 1.645).withGuard(GuardSettings.OFF));
        ForecastState forgetful = shortMemory.newState();

        for (int i = 0; i < ticks.size(); i++) {
            Tick tick = ticks.get(i);
            Model served = i < 15 ? v1 : v2;
            Forecast expected = on(forecaster, fromStart, v2, tick).forecast();
            Forecast actual = on(forecaster, switched, served, tick).forecast();
            Forecast withoutHistory = on(shortMemory, forgetful, served, tick).forecast();
            if (i >= 15) {
                assertThat(actual.getModelVersion()).isEqualTo(2);
                assertThat(actual.getForecastLogReturn()).as("tick %d", i).isEqualTo(expected.getForecastLogReturn());
                assertThat(actual.getForecastPrice()).as("tick %d", i).isEqualTo(expected.getForecastPrice());
                assertThat(switched.hidden()).as("tick %d", i).containsExactly(fromStart.hidden());
            }
            if (i == 15) {
                // history matters, so the equality above is not a coincidence
                assertThat(withoutHistory.getForecastLogReturn()).isNotEqualTo(expected.getForecastLogReturn());
            }
        }
    }

    @Test
    void rewarmReplaysAllButTheNewestStoredStep() {
        SymbolForecaster forecaster = new SymbolForecaster(SETTINGS);
        ForecastState state = forecaster.newState();
        for (Tick tick : walk(6, 4)) {
            on(forecaster, state, null, tick);
        }
        Model model = TestModels.model(3, CellType.GRU, new int[] {4}, 5);

        forecaster.rewarm(state, model);

        // 5 stored steps: replay the 4 oldest by hand
        assertThat(state.ringCount()).isEqualTo(5);
        float[] hidden = model.network().newState();
        float[] x = new float[3];
        float[] out = new float[1];
        for (int k = 0; k < 4; k++) {
            model.scaler().scale(state.ring, state.ringOffset(k), x);
            model.network().step(x, hidden, out);
        }
        assertThat(state.hidden()).containsExactly(hidden);
        assertThat(state.modelVersion()).isEqualTo(3);
    }

    /**
     * Each evaluation says whether the interval its forecast was published with held the price, and the
     * running share: checked against the published forecasts themselves, not against the code's arithmetic.
     */
    @Test
    void evaluationsReportWhetherThePublishedIntervalHeldThePrice() {
        SymbolForecaster forecaster = new SymbolForecaster(SETTINGS);
        Model model = TestModels.model(4, CellType.GRU, new int[] {5}, 3);
        ForecastState state = forecaster.newState();
        List<Tick> ticks = walk(400, 17);
        Forecast previous = null;
        long withInterval = 0;
        long held = 0;
        for (Tick tick : ticks) {
            TickOutcome outcome = on(forecaster, state, model, tick);
            Evaluation e = outcome.evaluation();
            if (previous != null) {
                boolean published = previous.getIntervalLow() < previous.getIntervalHigh();
                if (published) {
                    boolean inside = tick.getPrice() >= previous.getIntervalLow()
                            && tick.getPrice() <= previous.getIntervalHigh();
                    withInterval++;
                    held += inside ? 1 : 0;
                    assertThat(e.getCovered())
                            .as("tick %s", tick.getEventTime())
                            .isEqualTo(inside);
                    assertThat(e.getIntervalCoverage()).isEqualTo((double) held / withInterval);
                } else {
                    assertThat(e.getCovered()).isNull();
                    assertThat(e.getIntervalCoverage()).isNull();
                }
            }
            previous = outcome.forecast();
        }
        // SETTINGS asks for 3 residuals: forecasts 0-2 (with 0, 1, 2 residuals) have no interval; the last is never
        // evaluated.
        assertThat(withInterval).isEqualTo(ticks.size() - 4);
        assertThat(held)
                .isBetween(withInterval / 2, withInterval); // a real interval, neither empty nor everything missed
        assertThat(state.intervalCount()).isEqualTo(withInterval);
        assertThat(state.intervalHits()).isEqualTo(held);
    }

    @ParameterizedTest
    @EnumSource(CellType.class)
    void theMostExtremeAcceptedModelAndTicksKeepStateAndSumsFinite(CellType cellType) throws Exception {
        // Every bound at its edge: weights ±MAX_ABS_WEIGHT, clip 64, target std and mean 1, prices jumping between
        // MIN_PRICE and MAX_PRICE, the largest finite volume, gaps of a century.
        int[] hidden = {16, 16};
        float[] weights = new float[dev.tickcast.model.cell.RecurrentNetwork.parameterCount(cellType, 3, hidden, 1)];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = (i % 3 == 0 ? -1 : 1) * Model.MAX_ABS_WEIGHT;
        }
        dev.tickcast.schema.FeatureSpec spec = dev.tickcast.schema.FeatureSpec.newBuilder(TestModels.spec())
                .setClip(64.0)
                .setTargetStd(1.0)
                .setTargetMean(1.0)
                .setStd(List.of(1e-12, 1e-12, 1e-12))
                .build();
        Model model = Model.verify(dev.tickcast.model.file.ModelFile.build(
                "edge", 1, cellType, hidden, spec, weights, null, null, TestModels.CREATED));
        SymbolForecaster forecaster = new SymbolForecaster(SETTINGS);
        ForecastState state = forecaster.newState();
        Instant time = T0;
        for (int i = 0; i < 200; i++) {
            double price = i % 2 == 0
                    ? dev.tickcast.model.data.TickRules.MAX_PRICE
                    : dev.tickcast.model.data.TickRules.MIN_PRICE;
            time = time.plusSeconds(i % 5 == 0 ? 3_000_000_000L : 1);
            TickOutcome outcome = on(
                    forecaster,
                    state,
                    model,
                    tick("EDGE", time).price(price).volume(Double.MAX_VALUE).build());
            Forecast f = outcome.forecast();
            assertThat(List.of(f.getForecastPrice(), f.getIntervalLow(), f.getIntervalHigh(), f.getForecastLogReturn()))
                    .as("tick %d", i)
                    .allMatch(Double::isFinite);
            if (outcome.evaluation() != null) {
                Evaluation e = outcome.evaluation();
                assertThat(List.of(e.getError(), e.getMae(), e.getRmse(), e.getNaiveRmse(), e.getSkill()))
                        .as("tick %d", i)
                        .allMatch(Double::isFinite);
            }
            for (float h : state.hidden()) {
                assertThat(Float.isFinite(h)).as("hidden state at tick %d", i).isTrue();
            }
        }
    }
}
