package dev.tickcast.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tickcast.model.cell.RecurrentNetwork;
import dev.tickcast.schema.CellType;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The pure-Java GRU computes what libnd4j's {@code gru} op computes. The weights come from the
 * SameDiff trainer after a few training steps; the reference is a separate graph built on the real
 * {@code sd.rnn().gru} op (not the trainer's unrolled graph), run over whole sequences — SameDiff has no
 * {@code rnnTimeStep} — and compared at every time step. Pins the [r, u, c] block order and the
 * reset-after-product candidate.
 */
class GruParityTest {

    private static final int SEQUENCES = 4;
    private static final int LENGTH = 300;
    private static final double TOLERANCE = 1e-5;

    @ParameterizedTest(name = "GRU with {0} layer(s)")
    @ValueSource(ints = {1, 2})
    void cellsMatchSameDiffGruOpOverWholeSequences(int layers) {
        int[] hidden = new int[layers];
        Arrays.fill(hidden, 12);
        GruTrainer trainer =
                new GruTrainer(ParityFixtures.INPUTS, hidden, ParityFixtures.settings(CellType.GRU, hidden, 20));
        ParityFixtures.trainAFewSteps(trainer, 20, 5, 13L);
        float[] weights = trainer.exportWeights();
        RecurrentNetwork cells = RecurrentNetwork.of(CellType.GRU, ParityFixtures.INPUTS, hidden, 1, weights);

        float[][][] seqs = ParityFixtures.sequences(SEQUENCES, LENGTH, 17L);
        INDArray reference = referenceOutputs(weights, hidden, seqs); // [LENGTH·SEQUENCES, 1], row t·SEQUENCES + s

        double maxDiff = 0;
        double min = Double.MAX_VALUE;
        double max = -Double.MAX_VALUE;
        float[] out = new float[1];
        for (int s = 0; s < SEQUENCES; s++) {
            float[] state = cells.newState();
            for (int t = 0; t < LENGTH; t++) {
                cells.step(seqs[s][t], state, out);
                maxDiff = Math.max(maxDiff, Math.abs(out[0] - reference.getDouble((long) t * SEQUENCES + s, 0)));
                min = Math.min(min, out[0]);
                max = Math.max(max, out[0]);
            }
        }
        assertThat(SEQUENCES * LENGTH).isGreaterThanOrEqualTo(1000);
        System.out.printf(
                "parity %s: max abs diff %.3g over %d steps%n", "GRU x" + layers, maxDiff, SEQUENCES * LENGTH);
        assertThat(maxDiff)
                .as("max |cells - SameDiff gru op| over %d steps", SEQUENCES * LENGTH)
                .isLessThanOrEqualTo(TOLERANCE);
        assertThat(max - min).as("output spread").isGreaterThan(1e-3);
    }

    /** The real op, time-major [T, batch, nIn], with the exported weights as constants. */
    private static INDArray referenceOutputs(float[] weights, int[] hidden, float[][][] seqs) {
        SameDiff sd = SameDiff.create();
        INDArray xs = Nd4j.create(DataType.FLOAT, LENGTH, SEQUENCES, ParityFixtures.INPUTS);
        for (int s = 0; s < SEQUENCES; s++) {
            for (int t = 0; t < LENGTH; t++) {
                for (int i = 0; i < ParityFixtures.INPUTS; i++) {
                    xs.putScalar(new long[] {t, s, i}, seqs[s][t][i]);
                }
            }
        }
        SDVariable h = sd.constant("x", xs);
        int at = 0;
        int nIn = ParityFixtures.INPUTS;
        for (int l = 0; l < hidden.length; l++) {
            int size = hidden[l];
            SDVariable wx = sd.constant("Wx" + l, matrix(weights, at, nIn, 3 * size));
            at += nIn * 3 * size;
            SDVariable wh = sd.constant("Wh" + l, matrix(weights, at, size, 3 * size));
            at += size * 3 * size;
            SDVariable b = sd.constant("b" + l, Nd4j.create(Arrays.copyOfRange(weights, at, at + 3 * size)));
            at += 3 * size;
            SDVariable h0 = sd.constant("h0_" + l, Nd4j.zeros(DataType.FLOAT, SEQUENCES, size));
            h = sd.rnn().gru("gru" + l, h, h0, wx, wh, b);
            nIn = size;
        }
        SDVariable wOut = sd.constant("Wout", matrix(weights, at, nIn, 1));
        at += nIn;
        SDVariable bOut = sd.constant("bout", Nd4j.create(new float[] {weights[at]}));
        h.reshape(-1, nIn).mmul(wOut).add("prediction", bOut);
        Map<String, INDArray> result = sd.output(Map.of(), "prediction");
        return result.get("prediction");
    }

    private static INDArray matrix(float[] flat, int offset, int rows, int cols) {
        return Nd4j.create(Arrays.copyOfRange(flat, offset, offset + rows * cols), new long[] {rows, cols}, 'c');
    }
}
