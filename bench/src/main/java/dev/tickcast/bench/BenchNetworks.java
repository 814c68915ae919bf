package dev.tickcast.bench;

import dev.tickcast.model.cell.RecurrentNetwork;
import dev.tickcast.schema.CellType;
import java.util.Random;

/** Random networks and inputs shared by the benchmarks: same shapes as a served model (3 features in, 1 out). */
final class BenchNetworks {

    static final int INPUTS = 3;
    /** Symbols whose states the benchmarks rotate through, as a keyed operator does. */
    static final int SYMBOLS = 1024;

    private BenchNetworks() {}

    static float[] randomWeights(CellType cell, int[] hidden, long seed) {
        Random random = new Random(seed);
        float[] w = new float[RecurrentNetwork.parameterCount(cell, INPUTS, hidden, 1)];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (random.nextGaussian() * 0.2);
        }
        return w;
    }

    static float[][] randomInputs(int count, long seed) {
        Random random = new Random(seed);
        float[][] x = new float[count][INPUTS];
        for (float[] row : x) {
            for (int i = 0; i < INPUTS; i++) {
                row[i] = (float) random.nextGaussian();
            }
        }
        return x;
    }

    /**
     * Floating-point operations of one step, counting a multiply-add as 2: per layer 2·(nIn + H)·G·H
     * for the gate pre-activations, then 2·H for the output layer (activations and the element-wise
     * gate algebra are left out: they are O(H), a few percent at H ≥ 32).
     */
    static long flopsPerStep(CellType cell, int[] hidden) {
        int g = RecurrentNetwork.gates(cell);
        long flops = 0;
        int nIn = INPUTS;
        for (int h : hidden) {
            flops += 2L * (nIn + h) * g * h;
            nIn = h;
        }
        return flops + 2L * nIn;
    }

    /** Bytes of weights one step reads. */
    static long weightBytes(CellType cell, int[] hidden) {
        return 4L * RecurrentNetwork.parameterCount(cell, INPUTS, hidden, 1);
    }
}
