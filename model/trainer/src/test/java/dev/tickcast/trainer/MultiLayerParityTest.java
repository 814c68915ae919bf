package dev.tickcast.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tickcast.model.cell.RecurrentNetwork;
import dev.tickcast.schema.CellType;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The pure-Java cells compute what DL4J computes: the same trained LSTM / SimpleRnn network, exported
 * to the cell format, stepped over several interleaved sequences with each sequence's state swapped
 * in and out of DL4J ({@code rnnSetPreviousState} / {@code rnnTimeStep} / {@code rnnGetPreviousState}),
 * the way the job swaps per-symbol state. This also pins the layout facts the cells rely on: LSTM gate
 * blocks [a, f, o, i], W [nIn, G·H], RW [H, G·H] (a wrong order or transposition fails by far more
 * than the tolerance).
 */
class MultiLayerParityTest {

    private static final int SEQUENCES = 4;
    private static final int STEPS_PER_SEQUENCE = 300;
    private static final double TOLERANCE = 1e-5;

    @ParameterizedTest(name = "{0} with {1} layer(s) of {2}")
    @CsvSource({"LSTM,1,16", "LSTM,2,12", "SIMPLE_RNN,1,16", "SIMPLE_RNN,2,12"})
    void cellsMatchRnnTimeStepWithSwappedState(CellType cell, int layers, int hiddenSize) {
        int[] hidden = new int[layers];
        java.util.Arrays.fill(hidden, hiddenSize);
        MultiLayerTrainer trainer =
                new MultiLayerTrainer(cell, ParityFixtures.INPUTS, hidden, ParityFixtures.settings(cell, hidden, 20));
        ParityFixtures.trainAFewSteps(trainer, 20, 5, 11L);
        MultiLayerNetwork dl4j = trainer.network();
        RecurrentNetwork cells = RecurrentNetwork.of(cell, ParityFixtures.INPUTS, hidden, 1, trainer.exportWeights());

        float[][][] seqs = ParityFixtures.sequences(SEQUENCES, STEPS_PER_SEQUENCE, 3L);
        float[][] cellStates = new float[SEQUENCES][];
        @SuppressWarnings("unchecked")
        Map<String, INDArray>[][] dl4jStates = new Map[SEQUENCES][layers];
        int[] position = new int[SEQUENCES];
        Random order = new Random(5L);
        float[] out = new float[1];
        double maxDiff = 0;
        int steps = 0;
        while (steps < SEQUENCES * STEPS_PER_SEQUENCE) {
            int s = order.nextInt(SEQUENCES);
            if (position[s] == STEPS_PER_SEQUENCE) {
                continue;
            }
            float[] x = seqs[s][position[s]++];

            dl4j.rnnClearPreviousState();
            for (int l = 0; l < layers; l++) {
                if (dl4jStates[s][l] != null) {
                    dl4j.rnnSetPreviousState(l, dl4jStates[s][l]);
                }
            }
            INDArray output =
                    dl4j.rnnTimeStep(Nd4j.create(x, new long[] {1, ParityFixtures.INPUTS, 1}, DataType.FLOAT));
            for (int l = 0; l < layers; l++) {
                dl4jStates[s][l] = copy(dl4j.rnnGetPreviousState(l));
            }

            if (cellStates[s] == null) {
                cellStates[s] = cells.newState();
            }
            cells.step(x, cellStates[s], out);
            maxDiff = Math.max(maxDiff, Math.abs(out[0] - output.getDouble(0)));
            steps++;
        }
        assertThat(steps).isGreaterThanOrEqualTo(1000);
        System.out.printf("parity %s: max abs diff %.3g over %d steps%n", cell + " x" + layers, maxDiff, steps);
        assertThat(maxDiff)
                .as("max |cells - rnnTimeStep| over %d interleaved steps", steps)
                .isLessThanOrEqualTo(TOLERANCE);
        // The test must be able to fail: the network's output is not constant.
        assertThat(outputSpread(cells, seqs[0])).isGreaterThan(1e-3);
    }

    private static Map<String, INDArray> copy(Map<String, INDArray> state) {
        Map<String, INDArray> copy = new HashMap<>();
        state.forEach((k, v) -> copy.put(k, v.dup()));
        return copy;
    }

    private static double outputSpread(RecurrentNetwork net, float[][] seq) {
        float[] state = net.newState();
        float[] out = new float[1];
        double min = Double.MAX_VALUE;
        double max = -Double.MAX_VALUE;
        for (float[] x : seq) {
            net.step(x, state, out);
            min = Math.min(min, out[0]);
            max = Math.max(max, out[0]);
        }
        return max - min;
    }
}
