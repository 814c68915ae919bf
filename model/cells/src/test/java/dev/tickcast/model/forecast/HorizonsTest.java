package dev.tickcast.model.forecast;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tickcast.model.file.Model;
import dev.tickcast.model.testdata.TestModels;
import dev.tickcast.schema.CellType;
import dev.tickcast.schema.Evaluation;
import dev.tickcast.schema.Forecast;
import dev.tickcast.schema.HorizonEvaluation;
import dev.tickcast.schema.HorizonForecast;
import dev.tickcast.schema.IntervalOutcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Forecasts at several horizons, evaluated at their h-th next tick, with intervals calibrated online. */
class HorizonsTest {

    private static final int[] HORIZONS = {1, 5, 20};
    private static final long T0 = 1_700_000_000_000L;

    private final SymbolForecaster forecaster = new SymbolForecaster(ForecastSettings.DEFAULTS);
    private final Model model = TestModels.model(1, CellType.LSTM, new int[] {8}, HORIZONS, 11);

    /**
     * AR(1) log returns with GARCH(1,1) volatility that quadruples halfway (a regime switch): over the second half,
     * each horizon's intervals hold the price as often as their level says, within 2 points, though the scale they
     * start from (√h times the one-tick residual RMS) is wrong for h-step sums of autocorrelated returns.
     */
    @Test
    void coverageConvergesToNominalAtEveryHorizonThroughARegimeSwitch() {
        double[] prices = garchAr1(40_000, 0.3, 7);
        ForecastState state = forecaster.newState();
        int[][] hits = new int[HORIZONS.length][2];
        int[][] counts = new int[HORIZONS.length][2];
        for (int i = 0; i < prices.length; i++) {
            TickOutcome out = forecaster.onTick(state, model, "SYN", T0 + i * 1000L, prices[i], 1.0);
            if (out.evaluation() == null || i < prices.length / 2 + 2_000) {
                continue;
            }
            for (HorizonEvaluation e : out.evaluation().getHorizons()) {
                int k = indexOf(e.getHorizon());
                List<IntervalOutcome> bands = e.getIntervals();
                for (int l = 0; l < bands.size(); l++) {
                    counts[k][l]++;
                    hits[k][l] += bands.get(l).getCovered() ? 1 : 0;
                }
            }
        }
        double[] levels = {0.8, 0.95};
        for (int k = 0; k < HORIZONS.length; k++) {
            for (int l = 0; l < 2; l++) {
                assertThat(counts[k][l]).isGreaterThan(15_000);
                assertThat((double) hits[k][l] / counts[k][l])
                        .as("coverage at horizon %d, level %s", HORIZONS[k], levels[l])
                        .isBetween(levels[l] - 0.02, levels[l] + 0.02);
            }
        }
    }

    /** The evaluation of horizon h at a tick is of the forecast emitted h ticks before, as it was emitted. */
    @Test
    void eachHorizonIsEvaluatedAtItsHthNextTickAgainstWhatWasEmitted() {
        double[] prices = garchAr1(200, 0.3, 3);
        ForecastState state = forecaster.newState();
        List<Forecast> forecasts = new ArrayList<>();
        int evaluated = 0;
        for (int i = 0; i < prices.length; i++) {
            TickOutcome out = forecaster.onTick(state, model, "SYN", T0 + i * 1000L, prices[i], 1.0);
            forecasts.add(out.forecast());
            assertThat(out.forecast().getHorizons())
                    .extracting(HorizonForecast::getHorizon)
                    .containsExactly(1, 5, 20);
            assertThat(out.forecast().getHorizons().get(0).getForecastPrice())
                    .isEqualTo(out.forecast().getForecastPrice());
            Evaluation e = out.evaluation();
            if (e == null) {
                continue;
            }
            for (HorizonEvaluation he : e.getHorizons()) {
                int k = indexOf(he.getHorizon());
                Forecast made = forecasts.get(i - he.getHorizon());
                HorizonForecast hf = made.getHorizons().get(k);
                assertThat(he.getForecastTime()).isEqualTo(made.getEventTime());
                assertThat(he.getNaivePrice()).isEqualTo(made.getLastPrice());
                assertThat(he.getForecastPrice()).isEqualTo(hf.getForecastPrice());
                assertThat(he.getError()).isEqualTo(prices[i] - hf.getForecastPrice());
                assertThat(he.getIntervals()).hasSameSizeAs(hf.getIntervals());
                for (int l = 0; l < he.getIntervals().size(); l++) {
                    assertThat(he.getIntervals().get(l).getLow())
                            .isEqualTo(hf.getIntervals().get(l).getLow());
                    assertThat(he.getIntervals().get(l).getHigh())
                            .isEqualTo(hf.getIntervals().get(l).getHigh());
                }
                evaluated++;
            }
            assertThat(e.getHorizons()).hasSize(i >= 20 ? 3 : i >= 5 ? 2 : 1);
        }
        assertThat(evaluated).isEqualTo(199 + 195 + 180);
    }

    /** A model of other horizons starts the book afresh; the one-step forecast carries on unchanged. */
    @Test
    void aModelOfOtherHorizonsStartsTheBookAfresh() {
        double[] prices = garchAr1(100, 0.3, 5);
        Model one = TestModels.model(1, CellType.LSTM, new int[] {8}, 11);
        ForecastState state = forecaster.newState();
        for (int i = 0; i < 60; i++) {
            forecaster.onTick(state, one, "SYN", T0 + i * 1000L, prices[i], 1.0);
        }
        assertThat(state.book.horizons).containsExactly(1);
        TickOutcome out = forecaster.onTick(state, model, "SYN", T0 + 60_000L, prices[60], 1.0);
        assertThat(out.evaluation().getHorizons())
                .extracting(HorizonEvaluation::getHorizon)
                .containsExactly(1);
        assertThat(state.book.horizons).containsExactly(HORIZONS);
        assertThat(out.forecast().getHorizons()).hasSize(3);
    }

    private static int indexOf(int horizon) {
        for (int k = 0; k < HORIZONS.length; k++) {
            if (HORIZONS[k] == horizon) {
                return k;
            }
        }
        throw new AssertionError("horizon " + horizon);
    }

    /** Prices of r = phi r' + sigma ε, sigma² GARCH(1,1) (0.1, 0.85), its long-run level 4× higher from halfway. */
    static double[] garchAr1(int n, double phi, long seed) {
        Random random = new Random(seed);
        double[] prices = new double[n];
        double price = 100;
        double r = 0;
        double shock = 0;
        double longRun = 1e-6;
        double variance = longRun;
        for (int i = 0; i < n; i++) {
            if (i == n / 2) {
                longRun *= 16;
            }
            variance = longRun * 0.05 + 0.1 * shock * shock + 0.85 * variance;
            shock = Math.sqrt(variance) * random.nextGaussian();
            r = phi * r + shock;
            price *= Math.exp(r);
            prices[i] = price;
        }
        return prices;
    }
}
