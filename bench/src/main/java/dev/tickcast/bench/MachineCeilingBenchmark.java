package dev.tickcast.bench;

import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * This core's two ceilings for a cell step, measured in the same run as the cells (a spec-sheet figure
 * needs the clock, which a VM does not tell): the float FMA peak that the Vector API reaches, and the
 * read bandwidth from L2, which bounds a step whose weights do not fit in L1.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class MachineCeilingBenchmark {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    /** FMAs per {@link #fmaPeak} call: rounds × 12 independent chains × the vector's lanes. */
    static final int ROUNDS = 1024;

    static final int CHAINS = 12;

    /** Larger than any L1 (32–48 KB), well inside any L2 (1–2 MB): what a 64-unit LSTM's 68 KB of weights face. */
    static final int L2_BYTES = 256 * 1024;

    private float[] data;
    private float x = 0.999f;
    private float y = 0.001f;

    @Setup
    public void setUp() {
        data = new float[L2_BYTES / Float.BYTES];
        for (int i = 0; i < data.length; i++) {
            data[i] = (i % 7) * 0.125f;
        }
    }

    static long fmaFlops() {
        return 2L * ROUNDS * CHAINS * S.length();
    }

    /**
     * 12 independent accumulator chains: enough to cover the FMA latency (4 cycles) on two ports. Every
     * vector is made inside the method (a vector held in a field would stay boxed through the loop).
     */
    @Benchmark
    public float fmaPeak() {
        FloatVector m = FloatVector.broadcast(S, x);
        FloatVector b = FloatVector.broadcast(S, y);
        FloatVector a0 = b, a1 = b, a2 = b, a3 = b, a4 = b, a5 = b, a6 = b, a7 = b, a8 = b, a9 = b, a10 = b, a11 = b;
        for (int r = 0; r < ROUNDS; r++) {
            a0 = a0.fma(m, b);
            a1 = a1.fma(m, b);
            a2 = a2.fma(m, b);
            a3 = a3.fma(m, b);
            a4 = a4.fma(m, b);
            a5 = a5.fma(m, b);
            a6 = a6.fma(m, b);
            a7 = a7.fma(m, b);
            a8 = a8.fma(m, b);
            a9 = a9.fma(m, b);
            a10 = a10.fma(m, b);
            a11 = a11.fma(m, b);
        }
        return a0.add(a1)
                .add(a2)
                .add(a3)
                .add(a4)
                .add(a5)
                .add(a6)
                .add(a7)
                .add(a8)
                .add(a9)
                .add(a10)
                .add(a11)
                .reduceLanes(VectorOperators.ADD);
    }

    /**
     * Sums {@link #L2_BYTES} with vector loads into 8 chains (more than the add latency needs, so the loads
     * alone set the pace): bytes per ns is the L2 read bandwidth.
     */
    @Benchmark
    public float l2Read() {
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        int step = S.length();
        for (int i = 0; i < data.length; i += 8 * step) {
            a0 = a0.add(FloatVector.fromArray(S, data, i));
            a1 = a1.add(FloatVector.fromArray(S, data, i + step));
            a2 = a2.add(FloatVector.fromArray(S, data, i + 2 * step));
            a3 = a3.add(FloatVector.fromArray(S, data, i + 3 * step));
            a4 = a4.add(FloatVector.fromArray(S, data, i + 4 * step));
            a5 = a5.add(FloatVector.fromArray(S, data, i + 5 * step));
            a6 = a6.add(FloatVector.fromArray(S, data, i + 6 * step));
            a7 = a7.add(FloatVector.fromArray(S, data, i + 7 * step));
        }
        return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).reduceLanes(VectorOperators.ADD);
    }
}
