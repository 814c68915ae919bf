package dev.tickcast.bench;

import dev.tickcast.model.cell.Kernels;
import dev.tickcast.model.cell.RecurrentNetwork;
import dev.tickcast.schema.CellType;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** One step of the pure-Java cells, rotating through many symbols' states as the job does. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CellStepBenchmark {

    @Param({"LSTM", "GRU", "SIMPLE_RNN"})
    public CellType cell;

    @Param({"32", "64"})
    public int hidden;

    @Param({"1"})
    public int layers;

    /** vector needs the JVM flag --add-modules jdk.incubator.vector (the runner adds it). */
    @Param({"vector", "plain"})
    public String kernels;

    private RecurrentNetwork network;
    private float[][] states;
    private float[][] inputs;
    private final float[] out = new float[1];
    private int next;

    @Setup
    public void setUp() {
        int[] sizes = new int[layers];
        java.util.Arrays.fill(sizes, hidden);
        network = RecurrentNetwork.of(
                cell,
                BenchNetworks.INPUTS,
                sizes,
                1,
                BenchNetworks.randomWeights(cell, sizes, 1L),
                kernels.equals("vector") ? Kernels.vector() : Kernels.plain());
        states = new float[BenchNetworks.SYMBOLS][];
        for (int s = 0; s < states.length; s++) {
            states[s] = network.newState();
        }
        inputs = BenchNetworks.randomInputs(BenchNetworks.SYMBOLS, 2L);
    }

    @Benchmark
    public float step() {
        int s = next;
        next = (s + 1) & (BenchNetworks.SYMBOLS - 1);
        network.step(inputs[s], states[s], out);
        return out[0];
    }
}
