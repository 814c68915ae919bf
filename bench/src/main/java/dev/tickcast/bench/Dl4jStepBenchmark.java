package dev.tickcast.bench;

import dev.tickcast.schema.CellType;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The baseline a Java user would otherwise write: DL4J serving one tick of one symbol — set that
 * symbol's state, {@code rnnTimeStep} on [1, nIn, 1], read the state back. GRU has no
 * {@code rnnTimeStep} in M2.1, so its baseline is SameDiff's {@code gru} op run for one time step with
 * the symbol's h fed in and read out.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class Dl4jStepBenchmark {

    @Param({"LSTM", "GRU", "SIMPLE_RNN"})
    public CellType cell;

    @Param({"32", "64"})
    public int hidden;

    private static final int SYMBOLS = 64;

    private MultiLayerNetwork net;
    private SameDiff gru;
    private Map<String, INDArray>[] states;
    private INDArray[] gruStates;
    private INDArray[] inputs;
    private int next;

    @Setup
    @SuppressWarnings("unchecked")
    public void setUp() {
        Nd4j.getRandom().setSeed(1);
        inputs = new INDArray[SYMBOLS];
        float[][] x = BenchNetworks.randomInputs(SYMBOLS, 2L);
        if (cell == CellType.GRU) {
            gru = SameDiff.create();
            SDVariable in = gru.placeHolder("x", DataType.FLOAT, 1, 1, BenchNetworks.INPUTS);
            SDVariable h0 = gru.placeHolder("h0", DataType.FLOAT, 1, hidden);
            SDVariable wx = gru.constant(
                    "Wx",
                    Nd4j.randn(DataType.FLOAT, BenchNetworks.INPUTS, 3L * hidden)
                            .muli(0.2));
            SDVariable wh = gru.constant(
                    "Wh", Nd4j.randn(DataType.FLOAT, hidden, 3L * hidden).muli(0.2));
            SDVariable b = gru.constant("b", Nd4j.zeros(DataType.FLOAT, 3L * hidden));
            SDVariable h = gru.rnn().gru("h", in, h0, wx, wh, b);
            SDVariable wOut =
                    gru.constant("Wout", Nd4j.randn(DataType.FLOAT, hidden, 1).muli(0.2));
            h.reshape(-1, hidden).mmul("y", wOut);
            gruStates = new INDArray[SYMBOLS];
            for (int s = 0; s < SYMBOLS; s++) {
                gruStates[s] = Nd4j.zeros(DataType.FLOAT, 1, hidden);
                inputs[s] = Nd4j.create(x[s], new long[] {1, 1, BenchNetworks.INPUTS}, DataType.FLOAT);
            }
            return;
        }
        NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder()
                .seed(1)
                .dataType(DataType.FLOAT)
                .list();
        list.layer(
                0,
                cell == CellType.LSTM
                        ? new LSTM.Builder()
                                .nIn(BenchNetworks.INPUTS)
                                .nOut(hidden)
                                .activation(Activation.TANH)
                                .build()
                        : new SimpleRnn.Builder()
                                .nIn(BenchNetworks.INPUTS)
                                .nOut(hidden)
                                .activation(Activation.TANH)
                                .build());
        list.layer(
                1,
                new RnnOutputLayer.Builder(LossFunctions.LossFunction.MSE)
                        .activation(Activation.IDENTITY)
                        .nIn(hidden)
                        .nOut(1)
                        .build());
        MultiLayerConfiguration conf = list.build();
        net = new MultiLayerNetwork(conf);
        net.init();
        states = new Map[SYMBOLS];
        for (int s = 0; s < SYMBOLS; s++) {
            inputs[s] = Nd4j.create(x[s], new long[] {1, BenchNetworks.INPUTS, 1}, DataType.FLOAT);
            net.rnnClearPreviousState();
            net.rnnTimeStep(inputs[s]);
            states[s] = new HashMap<>(net.rnnGetPreviousState(0));
        }
    }

    @Benchmark
    public Object step() {
        int s = next;
        next = (s + 1) % SYMBOLS;
        if (gru != null) {
            Map<String, INDArray> out = gru.output(Map.of("x", inputs[s], "h0", gruStates[s]), "h", "y");
            gruStates[s] = out.get("h").reshape(1, hidden);
            return out.get("y");
        }
        net.rnnSetPreviousState(0, states[s]);
        INDArray y = net.rnnTimeStep(inputs[s]);
        states[s] = new HashMap<>(net.rnnGetPreviousState(0));
        return y;
    }
}
