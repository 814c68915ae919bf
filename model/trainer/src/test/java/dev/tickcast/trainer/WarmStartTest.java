package dev.tickcast.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tickcast.model.feature.Feature;
import dev.tickcast.schema.CellType;
import dev.tickcast.schema.Tick;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Warm start: weights go into DL4J exactly as they came out, and training continues from them. */
class WarmStartTest {

    @ParameterizedTest(name = "{0} x{1}")
    @CsvSource({"LSTM,1", "SIMPLE_RNN,2", "GRU,2"})
    void importedWeightsExportUnchanged(CellType cell, int layers) {
        int[] hidden = new int[layers];
        java.util.Arrays.fill(hidden, 5);
        TrainingSettings settings = ParityFixtures.settings(cell, hidden, 10);
        RecurrentTrainer source = cell == CellType.GRU
                ? new GruTrainer(3, hidden, settings)
                : new MultiLayerTrainer(cell, 3, hidden, settings);
        ParityFixtures.trainAFewSteps(source, 10, 3, 1L);
        float[] trained = source.exportWeights();

        TrainingSettings otherSeed =
                new TrainingSettings(cell, hidden, List.of(Feature.values()), 1, 99L, 10, 10, 8, 1e-2, 0.2, 8.0);
        RecurrentTrainer fresh = cell == CellType.GRU
                ? new GruTrainer(3, hidden, otherSeed)
                : new MultiLayerTrainer(cell, 3, hidden, otherSeed);
        assertThat(fresh.exportWeights()).isNotEqualTo(trained);
        fresh.importWeights(trained);
        assertThat(fresh.exportWeights()).isEqualTo(trained);
    }

    @org.junit.jupiter.api.Test
    void trainerWarmStartsOnlyWhenTheArchitectureMatchesAndKeepsTheScaler() {
        List<Tick> ticks = LearningTest.ar1Ticks(new double[3000], 5L);
        TrainingSettings lstm4 = new TrainingSettings(
                CellType.LSTM, new int[] {4}, List.of(Feature.values()), 1, 1L, 100, 50, 8, 1e-2, 0.2, 8.0);
        TrainingResult first = Trainer.train(ticks, lstm4, "m", 1, "synthetic", TrainingProgress.SILENT);
        assertThat(first.warmStarted()).isFalse();

        List<Tick> more = LearningTest.ar1Ticks(new double[3000], 6L);
        TrainingResult second =
                Trainer.train(more, lstm4, "m", 2, "synthetic", TrainingProgress.SILENT, first.update());
        assertThat(second.warmStarted()).isTrue();
        assertThat(second.update().getFeatures()).isEqualTo(first.update().getFeatures());

        TrainingSettings lstm5 = new TrainingSettings(
                CellType.LSTM, new int[] {5}, List.of(Feature.values()), 1, 1L, 100, 50, 8, 1e-2, 0.2, 8.0);
        TrainingResult other = Trainer.train(more, lstm5, "m", 2, "synthetic", TrainingProgress.SILENT, first.update());
        assertThat(other.warmStarted()).isFalse();
        assertThat(other.update().getFeatures()).isNotEqualTo(first.update().getFeatures());
    }
}
