package dev.tickcast.trainer;

import dev.tickcast.model.cell.RecurrentNetwork;
import dev.tickcast.schema.CellType;
import org.deeplearning4j.nn.conf.BackpropType;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * LSTM and SIMPLE_RNN on DL4J's {@link MultiLayerNetwork}: recurrent layers with tanh (DL4J's LSTM
 * layer defaults to sigmoid), then an {@link RnnOutputLayer} with identity activation and MSE
 * ({@code LastTimeStep} + {@code OutputLayer} would break {@code rnnTimeStep}).
 */
final class MultiLayerTrainer implements RecurrentTrainer {

    private final MultiLayerNetwork net;
    private final CellType cellType;
    private final int inputSize;
    private final int[] hidden;
    private final int segment;
    private final int outputs;

    MultiLayerTrainer(CellType cellType, int inputSize, int[] hidden, TrainingSettings settings) {
        if (cellType == CellType.GRU) {
            throw new IllegalArgumentException("GRU trains on SameDiff (GruTrainer); DL4J M2.1 has no GRU layer");
        }
        this.cellType = cellType;
        this.inputSize = inputSize;
        this.hidden = hidden.clone();
        this.segment = Math.min(settings.tbptt(), settings.window());
        this.outputs = settings.horizons().length;
        this.net = new MultiLayerNetwork(configuration(cellType, inputSize, hidden, settings));
        net.init();
    }

    static MultiLayerConfiguration configuration(
            CellType cellType, int inputSize, int[] hidden, TrainingSettings settings) {
        NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder()
                .seed(settings.seed())
                .dataType(DataType.FLOAT)
                .weightInit(WeightInit.XAVIER)
                .updater(new Adam(settings.learningRate()))
                .list();
        int nIn = inputSize;
        for (int l = 0; l < hidden.length; l++) {
            if (cellType == CellType.LSTM) {
                list.layer(
                        l,
                        new LSTM.Builder()
                                .nIn(nIn)
                                .nOut(hidden[l])
                                .activation(Activation.TANH)
                                .build());
            } else {
                list.layer(
                        l,
                        new SimpleRnn.Builder()
                                .nIn(nIn)
                                .nOut(hidden[l])
                                .activation(Activation.TANH)
                                .build());
            }
            nIn = hidden[l];
        }
        list.layer(
                hidden.length,
                new RnnOutputLayer.Builder(LossFunctions.LossFunction.MSE)
                        .activation(Activation.IDENTITY)
                        .nIn(nIn)
                        .nOut(settings.horizons().length)
                        .build());
        return list.backpropType(BackpropType.TruncatedBPTT)
                .tBPTTForwardLength(settings.tbptt())
                .tBPTTBackwardLength(settings.tbptt())
                .build();
    }

    MultiLayerNetwork network() {
        return net;
    }

    @Override
    public double fit(float[][] x, float[][] y) {
        net.fit(features(x, inputSize), labels(y, outputs));
        // DL4J sums the MSE over the time steps of the last TBPTT segment: report it per step.
        return net.score() / segment;
    }

    /** [batch][window·n] row-major → DL4J's [batch, n, window]. */
    static INDArray features(float[][] x, int n) {
        int batch = x.length;
        int window = x[0].length / n;
        INDArray out = Nd4j.create(DataType.FLOAT, batch, n, window);
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < window; t++) {
                for (int i = 0; i < n; i++) {
                    out.putScalar(new long[] {b, i, t}, x[b][t * n + i]);
                }
            }
        }
        return out;
    }

    /** [batch][window·outputs] row-major → DL4J's [batch, outputs, window]. */
    static INDArray labels(float[][] y, int outputs) {
        int batch = y.length;
        int window = y[0].length / outputs;
        INDArray out = Nd4j.create(DataType.FLOAT, batch, outputs, window);
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < window; t++) {
                for (int j = 0; j < outputs; j++) {
                    out.putScalar(new long[] {b, j, t}, y[b][t * outputs + j]);
                }
            }
        }
        return out;
    }

    @Override
    public float[] exportWeights() {
        return export(net, cellType, inputSize, hidden, outputs);
    }

    /**
     * Copies DL4J's parameters into the cell layout. DL4J's W is [nIn, G·H], RW [H, G·H] (for
     * GravesLSTM RW would carry 3 peephole columns more; we use LSTM, which has none), b [1, G·H];
     * LSTM gate blocks are [a, f, o, i] in both, so no reordering is needed.
     */
    static float[] export(MultiLayerNetwork net, CellType cellType, int inputSize, int[] hidden, int outputs) {
        float[] flat = new float[RecurrentNetwork.parameterCount(cellType, inputSize, hidden, outputs)];
        int at = 0;
        for (int l = 0; l < hidden.length; l++) {
            at = copyRowMajor(net.getParam(l + "_W"), flat, at);
            at = copyRowMajor(net.getParam(l + "_RW"), flat, at);
            at = copyRowMajor(net.getParam(l + "_b"), flat, at);
        }
        at = copyRowMajor(net.getParam(hidden.length + "_W"), flat, at);
        at = copyRowMajor(net.getParam(hidden.length + "_b"), flat, at);
        if (at != flat.length) {
            throw new IllegalStateException("exported " + at + " parameters, layout needs " + flat.length);
        }
        return flat;
    }

    @Override
    public void importWeights(float[] flat) {
        int expected = RecurrentNetwork.parameterCount(cellType, inputSize, hidden, outputs);
        if (flat.length != expected) {
            throw new IllegalArgumentException("warm start needs " + expected + " weights, got " + flat.length);
        }
        int at = 0;
        for (int l = 0; l < hidden.length; l++) {
            at = setRowMajor(net, l + "_W", flat, at);
            at = setRowMajor(net, l + "_RW", flat, at);
            at = setRowMajor(net, l + "_b", flat, at);
        }
        at = setRowMajor(net, hidden.length + "_W", flat, at);
        setRowMajor(net, hidden.length + "_b", flat, at);
    }

    private static int setRowMajor(MultiLayerNetwork net, String key, float[] flat, int at) {
        INDArray current = net.getParam(key);
        long[] shape = current.shape();
        int n = (int) current.length();
        INDArray values = Nd4j.create(java.util.Arrays.copyOfRange(flat, at, at + n), shape, 'c');
        net.setParam(key, values);
        return at + n;
    }

    private static int copyRowMajor(INDArray m, float[] flat, int at) {
        INDArray matrix = m.rank() == 1 ? m.reshape(1, m.length()) : m;
        long rows = matrix.size(0);
        long cols = matrix.size(1);
        for (long r = 0; r < rows; r++) {
            for (long c = 0; c < cols; c++) {
                flat[at++] = matrix.getFloat(r, c);
            }
        }
        return at;
    }
}
