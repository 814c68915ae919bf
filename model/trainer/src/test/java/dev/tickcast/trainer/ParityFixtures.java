package dev.tickcast.trainer;

import dev.tickcast.model.feature.Feature;
import dev.tickcast.schema.CellType;
import java.util.List;
import java.util.Random;

/** Small random training data so parity tests compare trained, not freshly initialised, networks. */
final class ParityFixtures {

    static final int INPUTS = 3;

    private ParityFixtures() {}

    static TrainingSettings settings(CellType cell, int[] hidden, int window) {
        return new TrainingSettings(cell, hidden, List.of(Feature.values()), 1, 7L, window, window, 8, 1e-2, 0.2, 8.0);
    }

    /** Fits a few minibatches of a noisy AR target so that the weights move away from their initial values. */
    static void trainAFewSteps(RecurrentTrainer net, int window, int steps, long seed) {
        Random random = new Random(seed);
        for (int s = 0; s < steps; s++) {
            float[][] x = new float[8][window * INPUTS];
            float[][] y = new float[8][window];
            for (int b = 0; b < 8; b++) {
                for (int t = 0; t < window; t++) {
                    for (int i = 0; i < INPUTS; i++) {
                        x[b][t * INPUTS + i] = (float) random.nextGaussian();
                    }
                    y[b][t] = 0.5f * x[b][t * INPUTS] + 0.1f * (float) random.nextGaussian();
                }
            }
            net.fit(x, y);
        }
    }

    /** Interleaved input sequences: sequences[s][t][i]. */
    static float[][][] sequences(int count, int length, long seed) {
        Random random = new Random(seed);
        float[][][] seqs = new float[count][length][INPUTS];
        for (int s = 0; s < count; s++) {
            for (int t = 0; t < length; t++) {
                for (int i = 0; i < INPUTS; i++) {
                    seqs[s][t][i] = (float) (random.nextGaussian() * (1 + s));
                }
            }
        }
        return seqs;
    }
}
