package dev.tickcast.job.operator;

import static dev.tickcast.job.TickBuilder.t;
import static dev.tickcast.job.TickBuilder.tick;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tickcast.job.TestModels;
import dev.tickcast.model.forecast.ErrorStats;
import dev.tickcast.schema.CellType;
import dev.tickcast.schema.Evaluation;
import dev.tickcast.schema.Forecast;
import dev.tickcast.schema.ModelUpdate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The guard in the job's operator, two symbols at once: HELPED moves as the model predicts, HARMED the opposite way
 * (each tick's price made from the model's prediction at the tick before, plus noise). The harmed symbol is served the
 * naive forecast, the helped one the model's, and a savepoint in the middle changes nothing.
 */
class GuardThroughTheOperatorTest {

    private static final ModelUpdate MODEL = TestModels.update(1, CellType.LSTM, new int[] {8}, 3);
    private final List<ForecastHarness> opened = new ArrayList<>();

    @AfterEach
    void close() {
        opened.forEach(ForecastHarness::close);
    }

    /** Feeds ticks [from, to) of both symbols; {@code last} holds each symbol's price and latest model prediction. */
    private static void feed(ForecastHarness h, Map<String, double[]> last, int from, int to) throws Exception {
        Random random = new Random(from);
        for (int i = from; i < to; i++) {
            for (Map.Entry<String, double[]> e : last.entrySet()) {
                double[] s = e.getValue(); // price, prediction, running |prediction|
                double sign = e.getKey().equals("HELPED") ? 1 : -1;
                s[0] *= Math.exp(sign * s[1] + 0.5 * s[2] * random.nextGaussian());
                h.tick(tick(e.getKey(), t(i)).price(s[0]).volume(1.0));
                s[1] = h.lastForecast().getModelLogReturn();
                s[2] = 0.99 * s[2] + 0.01 * Math.abs(s[1]);
            }
        }
    }

    private static Map<String, double[]> start() {
        Map<String, double[]> last = new java.util.TreeMap<>();
        last.put("HELPED", new double[] {100, 0, 1e-4});
        last.put("HARMED", new double[] {50, 0, 1e-4});
        return last;
    }

    @Test
    void theHarmedSymbolGetsTheNaiveForecastAndTheHelpedOneTheModels() throws Exception {
        ForecastHarness h = ForecastHarness.open();
        opened.add(h);
        h.model(MODEL);
        feed(h, start(), 0, 3000);

        Map<String, Forecast> lastBySymbol =
                h.forecasts().stream().collect(Collectors.toMap(Forecast::getSymbol, f -> f, (a, b) -> b));
        assertThat(lastBySymbol.get("HARMED").getGuardWeight()).isZero();
        assertThat(lastBySymbol.get("HARMED").getForecastPrice())
                .isEqualTo(lastBySymbol.get("HARMED").getLastPrice());
        assertThat(lastBySymbol.get("HELPED").getGuardWeight()).isGreaterThan(0.7);

        Map<String, ErrorStats> late = new java.util.TreeMap<>();
        List<Evaluation> evaluations = h.evaluations();
        for (Evaluation e : evaluations.subList(evaluations.size() / 2, evaluations.size())) {
            late.computeIfAbsent(e.getSymbol(), s -> new ErrorStats()).add(e);
        }
        assertThat(late.get("HARMED").modelSkill()).isLessThan(-1);
        assertThat(late.get("HARMED").skill()).isGreaterThanOrEqualTo(-1e-3);
        assertThat(late.get("HELPED").skill()).isGreaterThan(0.3);
    }

    @Test
    void theGuardsEvidenceSurvivesASavepoint() throws Exception {
        ForecastHarness uninterrupted = ForecastHarness.open();
        opened.add(uninterrupted);
        uninterrupted.model(MODEL);
        Map<String, double[]> a = start();
        feed(uninterrupted, a, 0, 600);
        OperatorSubtaskState snapshot = uninterrupted.snapshot(1L);
        Map<String, double[]> b = new java.util.TreeMap<>();
        a.forEach((k, v) -> b.put(k, v.clone()));
        uninterrupted.clearOutputs();
        feed(uninterrupted, a, 600, 700);

        ForecastHarness restored = ForecastHarness.restore(snapshot, null);
        opened.add(restored);
        feed(restored, b, 600, 700);

        assertThat(restored.forecasts()).isNotEmpty().isEqualTo(uninterrupted.forecasts());
        assertThat(restored.forecasts().stream().anyMatch(f -> f.getGuardWeight() > 0))
                .as("the guard weighs in by then, so its state mattered")
                .isTrue();
    }
}
