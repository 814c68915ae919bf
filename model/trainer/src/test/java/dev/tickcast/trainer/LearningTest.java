package dev.tickcast.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tickcast.model.feature.Feature;
import dev.tickcast.model.file.Model;
import dev.tickcast.model.forecast.Backtest;
import dev.tickcast.model.forecast.ForecastSettings;
import dev.tickcast.schema.CellType;
import dev.tickcast.schema.Tick;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Proof that the trainer learns: log returns follow r_t = φ·r_{t−1} + ε_t with ε ~ N(0, σ²), so the
 * best possible one-step forecast of r_t is φ·r_{t−1} and its MSE is σ² (Bayes-optimal). The naive
 * forecast (r = 0) has MSE σ²/(1−φ²). The trained model, run through the backtest (the job's path),
 * must come within 5% of the noise it actually faced on the validation window.
 */
class LearningTest {

    private static final double PHI = 0.6;
    private static final double SIGMA = 0.01;
    private static final int TICKS = 12_000;
    private static final Instant T0 = Instant.parse("2020-01-01T00:00:00Z");

    @Test
    void lstmReachesBayesOptimalErrorOnAr1Returns() {
        double[] noise = new double[TICKS];
        List<Tick> ticks = ar1Ticks(noise, 1L);
        TrainingSettings settings = new TrainingSettings(
                CellType.LSTM, new int[] {8}, List.of(Feature.LOG_RETURN), 8, 42L, 100, 50, 8, 1e-2, 0.2, 8.0);

        TrainingResult result = Trainer.train(ticks, settings, "ar1", 1, "synthetic", TrainingProgress.SILENT);

        int validationStart = (int) Math.ceil(TICKS * 0.8);
        double[] modelSq = {0};
        double[] naiveSq = {0};
        double noiseSq = 0;
        Map<Long, Integer> indexByTime = new HashMap<>();
        for (int i = 0; i < TICKS; i++) {
            indexByTime.put(ticks.get(i).getEventTime().toEpochMilli(), i);
        }
        int[] counted = {0};
        Model model = verified(result);
        // Forecast made at tick i predicts r_{i+1}; score those whose realisation is in the validation part.
        Backtest.run(model, ticks, ForecastSettings.DEFAULTS, s -> Long.MIN_VALUE, (tick, forecast) -> {
            int i = indexByTime.get(tick.getEventTime().toEpochMilli());
            if (i + 1 >= validationStart && i + 1 < TICKS) {
                double actual = Math.log(ticks.get(i + 1).getPrice() / tick.getPrice());
                double e = actual - forecast.getForecastLogReturn();
                modelSq[0] += e * e;
                naiveSq[0] += actual * actual;
                counted[0]++;
            }
        });
        for (int i = validationStart; i < TICKS; i++) {
            noiseSq += noise[i] * noise[i];
        }
        double modelMse = modelSq[0] / counted[0];
        double naiveMse = naiveSq[0] / counted[0];
        double bayesMse = noiseSq / (TICKS - validationStart);
        System.out.printf(
                "AR(1) phi=%.2f: model MSE %.4g, Bayes-optimal %.4g (ratio %.4f), naive %.4g%n",
                PHI, modelMse, bayesMse, modelMse / bayesMse, naiveMse);

        assertThat(counted[0]).isEqualTo(TICKS - validationStart);
        assertThat(modelMse / bayesMse).as("model MSE / Bayes-optimal MSE").isLessThanOrEqualTo(1.05);
        assertThat(modelMse).as("clearly better than naive").isLessThan(0.85 * naiveMse);
        assertThat(result.update().getValidation().getSkill())
                .as("validation skill in the model file")
                .isGreaterThan(0.1);
    }

    /**
     * Trained directly on the cumulative log return to each horizon, the model's h-step forecast of AR(1) returns is
     * within 5% of the Bayes-optimal one, r_t · φ(1 − φ^h)/(1 − φ), whose error is Σ_j c_(h−j) ε_(t+j) with
     * c_m = 1 + φ + … + φ^m: measured on the noise the validation window actually had.
     */
    @Test
    void lstmReachesBayesOptimalErrorAtEveryHorizonOnAr1Returns() {
        int[] horizons = {1, 5, 20};
        double[] noise = new double[TICKS];
        List<Tick> ticks = ar1Ticks(noise, 3L);
        TrainingSettings settings = new TrainingSettings(
                        CellType.LSTM, new int[] {8}, List.of(Feature.LOG_RETURN), 8, 42L, 100, 50, 8, 1e-2, 0.2, 8.0)
                .withHorizons(horizons);

        TrainingResult result = Trainer.train(ticks, settings, "ar1", 1, "synthetic", TrainingProgress.SILENT);
        Model model = verified(result);
        assertThat(model.horizons()).containsExactly(horizons);

        int validationStart = (int) Math.ceil(TICKS * 0.8);
        double[] modelSq = new double[horizons.length];
        double[] bayesSq = new double[horizons.length];
        int[] counted = new int[horizons.length];
        Map<Long, Integer> indexByTime = new HashMap<>();
        for (int i = 0; i < TICKS; i++) {
            indexByTime.put(ticks.get(i).getEventTime().toEpochMilli(), i);
        }
        Backtest.run(model, ticks, ForecastSettings.DEFAULTS, s -> Long.MIN_VALUE, (tick, forecast) -> {
            int i = indexByTime.get(tick.getEventTime().toEpochMilli());
            for (int k = 0; k < horizons.length; k++) {
                int h = horizons[k];
                if (i < validationStart || i + h >= TICKS) {
                    continue;
                }
                double actual = Math.log(ticks.get(i + h).getPrice() / tick.getPrice());
                double e = actual - forecast.getHorizons().get(k).getForecastLogReturn();
                modelSq[k] += e * e;
                double optimal = 0;
                for (int j = 1; j <= h; j++) {
                    optimal += (1 - Math.pow(PHI, h - j + 1)) / (1 - PHI) * noise[i + j];
                }
                bayesSq[k] += optimal * optimal;
                counted[k]++;
            }
        });
        for (int k = 0; k < horizons.length; k++) {
            double ratio = modelSq[k] / bayesSq[k];
            System.out.printf("AR(1) phi=%.2f horizon %d: model MSE / Bayes-optimal %.4f%n", PHI, horizons[k], ratio);
            assertThat(counted[k]).isEqualTo(TICKS - validationStart - horizons[k]);
            assertThat(ratio)
                    .as("horizon %d: model MSE / Bayes-optimal MSE", horizons[k])
                    .isLessThanOrEqualTo(1.05);
        }
    }

    @Test
    void sameSeedAndDataGiveTheSameWeights() {
        List<Tick> ticks = ar1Ticks(new double[3000], 2L);
        TrainingSettings settings = new TrainingSettings(
                CellType.LSTM, new int[] {4}, List.of(Feature.values()), 1, 9L, 100, 50, 8, 1e-2, 0.2, 8.0);
        TrainingResult a = Trainer.train(ticks, settings, "m", 1, "synthetic", TrainingProgress.SILENT);
        TrainingResult b = Trainer.train(ticks, settings, "m", 1, "synthetic", TrainingProgress.SILENT);
        assertThat(a.update().getWeightsSha256()).isEqualTo(b.update().getWeightsSha256());
        assertThat(a.update().getValidation()).isEqualTo(b.update().getValidation());
    }

    private static Model verified(TrainingResult result) {
        try {
            return Model.verify(result.update());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** One symbol, one tick a minute, log returns AR(1); fills noise with the ε drawn for each tick. */
    static List<Tick> ar1Ticks(double[] noise, long seed) {
        Random random = new Random(seed);
        List<Tick> ticks = new ArrayList<>();
        double price = 100;
        double r = 0;
        for (int i = 0; i < noise.length; i++) {
            if (i > 0) {
                noise[i] = SIGMA * random.nextGaussian();
                r = PHI * r + noise[i];
                price *= Math.exp(r);
            }
            ticks.add(Tick.newBuilder()
                    .setSymbol("AR1")
                    .setEventTime(T0.plusSeconds(60L * i))
                    .setPrice(price)
                    .setVolume(null)
                    .build());
        }
        return ticks;
    }
}
