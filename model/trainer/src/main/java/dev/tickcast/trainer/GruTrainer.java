package dev.tickcast.trainer;

import dev.tickcast.model.cell.RecurrentNetwork;
import dev.tickcast.schema.CellType;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.weightinit.impl.XavierInitScheme;
import org.nd4j.weightinit.impl.ZeroInitScheme;

/**
 * GRU on SameDiff (DL4J M2.1 has no GRU layer). The graph computes exactly what libnd4j's {@code gru}
 * op computes — blocks [r, u, c], c = tanh(zx_c + r⊙zh_c), h = u⊙h′ + (1−u)⊙c — but from basic ops,
 * unrolled over the window: in M2.1 the op's own backward pass disagrees with finite differences (its
 * gradient was derived for the other reset placement), so training through it follows wrong
 * gradients. The parity test runs the trained weights through the real {@code gru} op.
 */
final class GruTrainer implements RecurrentTrainer {

    private final SameDiff sd;
    private final int inputSize;
    private final int[] hidden;
    private final int window;
    private final int outputs;

    GruTrainer(int inputSize, int[] hidden, TrainingSettings settings) {
        this.inputSize = inputSize;
        this.hidden = hidden.clone();
        this.window = settings.window();
        this.outputs = settings.horizons().length;
        Nd4j.getRandom().setSeed(settings.seed());
        this.sd = SameDiff.create();
        SDVariable input = sd.placeHolder("input", DataType.FLOAT, window, -1, inputSize); // [T, batch, nIn]
        SDVariable label = sd.placeHolder("label", DataType.FLOAT, -1, outputs); //  [T·batch, K], row t·batch + b
        List<String> featureNames = new ArrayList<>(List.of("input"));
        SDVariable h = input;
        int nIn = inputSize;
        for (int l = 0; l < hidden.length; l++) {
            int size = hidden[l];
            SDVariable h0 = sd.placeHolder("h0_" + l, DataType.FLOAT, -1, size);
            featureNames.add("h0_" + l);
            SDVariable wx = sd.var("Wx_" + l, new XavierInitScheme('c', nIn, 3 * size), DataType.FLOAT, nIn, 3 * size);
            SDVariable wh =
                    sd.var("Wh_" + l, new XavierInitScheme('c', size, 3 * size), DataType.FLOAT, size, 3 * size);
            SDVariable b = sd.var("b_" + l, new ZeroInitScheme('c'), DataType.FLOAT, 3 * size);
            h = unrolledGru(h, h0, wx, wh, b, l);
            nIn = size;
        }
        SDVariable wOut = sd.var("Wout", new XavierInitScheme('c', nIn, outputs), DataType.FLOAT, nIn, outputs);
        SDVariable bOut = sd.var("bout", new ZeroInitScheme('c'), DataType.FLOAT, outputs);
        SDVariable prediction = h.reshape(-1, nIn).mmul(wOut).add("prediction", bOut);
        sd.loss().meanSquaredError("loss", label, prediction, null);
        sd.setLossVariables("loss");
        sd.setTrainingConfig(new TrainingConfig.Builder()
                .updater(new Adam(settings.learningRate()))
                .dataSetFeatureMapping(featureNames.toArray(new String[0]))
                .dataSetLabelMapping("label")
                .build());
        // Building the backward graph prints a line per op to System.out in M2.1 ("Added differentiated
        // op ..."), hundreds for an unrolled window: build it now, with stdout silenced.
        PrintStream stdout = System.out;
        System.setOut(new PrintStream(OutputStream.nullOutputStream()));
        try {
            sd.createGradFunction();
        } finally {
            System.setOut(stdout);
        }
    }

    /** x [T, batch, nIn] → hidden state at every step [T, batch, H]. */
    private SDVariable unrolledGru(SDVariable x, SDVariable h0, SDVariable wx, SDVariable wh, SDVariable b, int layer) {
        SDVariable h = h0;
        SDVariable[] steps = new SDVariable[window];
        // unstack, not get(point(t)): the strided-slice backward pass fails in M2.1
        SDVariable[] xs = sd.unstack(x, 0, window);
        for (int t = 0; t < window; t++) {
            SDVariable[] zx = sd.split(xs[t].mmul(wx).add(b), 3, 1); // zx = x·Wx + b, blocks [r, u, c]
            SDVariable[] zh = sd.split(h.mmul(wh), 3, 1); //          zh = h′·Wh
            SDVariable r = sd.nn().sigmoid(zx[0].add(zh[0])); //        r = σ(zx_r + zh_r)
            SDVariable u = sd.nn().sigmoid(zx[1].add(zh[1])); //        u = σ(zx_u + zh_u)
            SDVariable c = sd.nn().tanh(zx[2].add(r.mul(zh[2]))); //    c = tanh(zx_c + r⊙zh_c)
            h = c.add(u.mul(h.sub(c))); //                              h = u⊙h′ + (1−u)⊙c
            steps[t] = h;
        }
        return sd.stack("gru_" + layer, 0, steps);
    }

    @Override
    public double fit(float[][] x, float[][] y) {
        int batch = x.length;
        INDArray input = Nd4j.create(DataType.FLOAT, window, batch, inputSize);
        INDArray label = Nd4j.create(DataType.FLOAT, (long) window * batch, outputs);
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < window; t++) {
                for (int i = 0; i < inputSize; i++) {
                    input.putScalar(new long[] {t, b, i}, x[b][t * inputSize + i]);
                }
                for (int j = 0; j < outputs; j++) {
                    label.putScalar((long) t * batch + b, j, y[b][t * outputs + j]);
                }
            }
        }
        INDArray[] features = new INDArray[1 + hidden.length];
        features[0] = input;
        for (int l = 0; l < hidden.length; l++) {
            features[1 + l] = Nd4j.zeros(DataType.FLOAT, batch, hidden[l]);
        }
        sd.fit(new MultiDataSet(features, new INDArray[] {label}));
        return sd.output(placeholders(features, label), "loss").get("loss").getDouble(0);
    }

    private static java.util.Map<String, INDArray> placeholders(INDArray[] features, INDArray label) {
        java.util.Map<String, INDArray> map = new java.util.HashMap<>();
        map.put("input", features[0]);
        for (int l = 1; l < features.length; l++) {
            map.put("h0_" + (l - 1), features[l]);
        }
        map.put("label", label);
        return map;
    }

    /** Wx [nIn, 3H], Wh [H, 3H], b [3H] per layer, then Wout [H, K], bout [K]: already the cell layout. */
    @Override
    public float[] exportWeights() {
        float[] flat = new float[RecurrentNetwork.parameterCount(CellType.GRU, inputSize, hidden, outputs)];
        int at = 0;
        for (int l = 0; l < hidden.length; l++) {
            at = copy(sd.getVariable("Wx_" + l).getArr(), flat, at);
            at = copy(sd.getVariable("Wh_" + l).getArr(), flat, at);
            at = copy(sd.getVariable("b_" + l).getArr(), flat, at);
        }
        at = copy(sd.getVariable("Wout").getArr(), flat, at);
        at = copy(sd.getVariable("bout").getArr(), flat, at);
        if (at != flat.length) {
            throw new IllegalStateException("exported " + at + " parameters, layout needs " + flat.length);
        }
        return flat;
    }

    @Override
    public void importWeights(float[] flat) {
        int expected = RecurrentNetwork.parameterCount(CellType.GRU, inputSize, hidden, outputs);
        if (flat.length != expected) {
            throw new IllegalArgumentException("warm start needs " + expected + " weights, got " + flat.length);
        }
        int at = 0;
        for (int l = 0; l < hidden.length; l++) {
            at = set("Wx_" + l, flat, at);
            at = set("Wh_" + l, flat, at);
            at = set("b_" + l, flat, at);
        }
        at = set("Wout", flat, at);
        set("bout", flat, at);
    }

    private int set(String name, float[] flat, int at) {
        INDArray current = sd.getVariable(name).getArr();
        int n = (int) current.length();
        current.assign(Nd4j.create(java.util.Arrays.copyOfRange(flat, at, at + n), current.shape(), 'c'));
        return at + n;
    }

    private static int copy(INDArray array, float[] flat, int at) {
        float[] values = array.dup('c').data().asFloat(); // row-major
        System.arraycopy(values, 0, flat, at, values.length);
        return at + values.length;
    }
}
