package dev.tickcast.model.cell;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Kernels on the JDK incubator Vector API (loaded only when the JVM has the module; see
 * {@link Kernels#best()}). Same formulas as {@link Activations}, lane by lane.
 */
final class VectorKernels implements Kernels {

    static final VectorKernels INSTANCE = new VectorKernels();
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private VectorKernels() {}

    /**
     * Column blocks outside, rows inside: a block of z stays in registers while every row adds into
     * it, so z is loaded and stored once per step. Each column's sum over rows is a chain of dependent
     * FMAs (4 cycles each), so the time is set by how many columns advance at once: blocks of eight
     * vectors (128 floats on AVX-512: a whole LSTM-32 gate row) keep both FMA units busy. Rows are
     * summed in order in every block, exactly as {@link PlainKernels} does.
     */
    @Override
    public void accumulate(float[] z, float[][] w, float[] v, int vOffset) {
        int cols = w.length == 0 ? 0 : w[0].length;
        int rows = w.length;
        int j = 0;
        for (; j + 8 * L <= cols; j += 8 * L) {
            FloatVector a0 = FloatVector.fromArray(S, z, j);
            FloatVector a1 = FloatVector.fromArray(S, z, j + L);
            FloatVector a2 = FloatVector.fromArray(S, z, j + 2 * L);
            FloatVector a3 = FloatVector.fromArray(S, z, j + 3 * L);
            FloatVector a4 = FloatVector.fromArray(S, z, j + 4 * L);
            FloatVector a5 = FloatVector.fromArray(S, z, j + 5 * L);
            FloatVector a6 = FloatVector.fromArray(S, z, j + 6 * L);
            FloatVector a7 = FloatVector.fromArray(S, z, j + 7 * L);
            for (int i = 0; i < rows; i++) {
                FloatVector s = FloatVector.broadcast(S, v[vOffset + i]);
                float[] row = w[i];
                a0 = FloatVector.fromArray(S, row, j).fma(s, a0);
                a1 = FloatVector.fromArray(S, row, j + L).fma(s, a1);
                a2 = FloatVector.fromArray(S, row, j + 2 * L).fma(s, a2);
                a3 = FloatVector.fromArray(S, row, j + 3 * L).fma(s, a3);
                a4 = FloatVector.fromArray(S, row, j + 4 * L).fma(s, a4);
                a5 = FloatVector.fromArray(S, row, j + 5 * L).fma(s, a5);
                a6 = FloatVector.fromArray(S, row, j + 6 * L).fma(s, a6);
                a7 = FloatVector.fromArray(S, row, j + 7 * L).fma(s, a7);
            }
            a0.intoArray(z, j);
            a1.intoArray(z, j + L);
            a2.intoArray(z, j + 2 * L);
            a3.intoArray(z, j + 3 * L);
            a4.intoArray(z, j + 4 * L);
            a5.intoArray(z, j + 5 * L);
            a6.intoArray(z, j + 6 * L);
            a7.intoArray(z, j + 7 * L);
        }
        for (; j + 4 * L <= cols; j += 4 * L) {
            FloatVector a0 = FloatVector.fromArray(S, z, j);
            FloatVector a1 = FloatVector.fromArray(S, z, j + L);
            FloatVector a2 = FloatVector.fromArray(S, z, j + 2 * L);
            FloatVector a3 = FloatVector.fromArray(S, z, j + 3 * L);
            for (int i = 0; i < rows; i++) {
                FloatVector s = FloatVector.broadcast(S, v[vOffset + i]);
                float[] row = w[i];
                a0 = FloatVector.fromArray(S, row, j).fma(s, a0);
                a1 = FloatVector.fromArray(S, row, j + L).fma(s, a1);
                a2 = FloatVector.fromArray(S, row, j + 2 * L).fma(s, a2);
                a3 = FloatVector.fromArray(S, row, j + 3 * L).fma(s, a3);
            }
            a0.intoArray(z, j);
            a1.intoArray(z, j + L);
            a2.intoArray(z, j + 2 * L);
            a3.intoArray(z, j + 3 * L);
        }
        for (; j + 2 * L <= cols; j += 2 * L) {
            FloatVector a0 = FloatVector.fromArray(S, z, j);
            FloatVector a1 = FloatVector.fromArray(S, z, j + L);
            for (int i = 0; i < rows; i++) {
                FloatVector s = FloatVector.broadcast(S, v[vOffset + i]);
                float[] row = w[i];
                a0 = FloatVector.fromArray(S, row, j).fma(s, a0);
                a1 = FloatVector.fromArray(S, row, j + L).fma(s, a1);
            }
            a0.intoArray(z, j);
            a1.intoArray(z, j + L);
        }
        for (; j + L <= cols; j += L) {
            FloatVector a = FloatVector.fromArray(S, z, j);
            for (int i = 0; i < rows; i++) {
                a = FloatVector.fromArray(S, w[i], j).fma(FloatVector.broadcast(S, v[vOffset + i]), a);
            }
            a.intoArray(z, j);
        }
        for (; j < cols; j++) {
            float a = z[j];
            for (int i = 0; i < rows; i++) {
                a = Math.fma(v[vOffset + i], w[i][j], a);
            }
            z[j] = a;
        }
    }

    @Override
    public void tanh(float[] v, int from, int to) {
        int j = from;
        for (; j + L <= to; j += L) {
            tanh(FloatVector.fromArray(S, v, j)).intoArray(v, j);
        }
        for (; j < to; j++) {
            v[j] = Activations.tanh(v[j]);
        }
    }

    @Override
    public void sigmoid(float[] v, int from, int to) {
        int j = from;
        for (; j + L <= to; j += L) {
            FloatVector half = FloatVector.fromArray(S, v, j).mul(0.5f);
            tanh(half).mul(0.5f).add(0.5f).intoArray(v, j); // σ(z) = tanh(z/2)·0.5 + 0.5, unfused as in Activations
        }
        for (; j < to; j++) {
            v[j] = Activations.sigmoid(v[j]);
        }
    }

    /**
     * One pass per block of H: the update was two scalar loops around a tanh pass, and this step's time is its
     * dependency chain (the next step of the symbol needs h), so the loops' length showed. Same operations per lane
     * as {@link PlainKernels#lstmCell}: unfused products, then their sum.
     */
    @Override
    public void lstmCell(float[] z, int h, float[] state, int stateOffset, float[] scratch) {
        int cOffset = stateOffset + h;
        int j = 0;
        for (; j + L <= h; j += L) {
            FloatVector a = FloatVector.fromArray(S, z, j);
            FloatVector f = FloatVector.fromArray(S, z, h + j);
            FloatVector o = FloatVector.fromArray(S, z, 2 * h + j);
            FloatVector i = FloatVector.fromArray(S, z, 3 * h + j);
            FloatVector c = f.mul(FloatVector.fromArray(S, state, cOffset + j)).add(i.mul(a));
            c.intoArray(state, cOffset + j);
            o.mul(tanh(c)).intoArray(state, stateOffset + j);
        }
        for (; j < h; j++) {
            float c = z[h + j] * state[cOffset + j] + z[3 * h + j] * z[j];
            state[cOffset + j] = c;
            state[stateOffset + j] = z[2 * h + j] * Activations.tanh(c);
        }
    }

    private static FloatVector tanh(FloatVector z) {
        FloatVector x = z.max(-Activations.CLAMP).min(Activations.CLAMP); // same operation order as Activations.tanh
        FloatVector x2 = x.mul(x);
        FloatVector p = x2.fma(Activations.A13, Activations.A11)
                .fma(x2, FloatVector.broadcast(S, Activations.A9))
                .fma(x2, FloatVector.broadcast(S, Activations.A7))
                .fma(x2, FloatVector.broadcast(S, Activations.A5))
                .fma(x2, FloatVector.broadcast(S, Activations.A3))
                .fma(x2, FloatVector.broadcast(S, Activations.A1))
                .mul(x);
        FloatVector q = x2.fma(Activations.B6, Activations.B4)
                .fma(x2, FloatVector.broadcast(S, Activations.B2))
                .fma(x2, FloatVector.broadcast(S, Activations.B0));
        return p.lanewise(VectorOperators.DIV, q);
    }

    @Override
    public String name() {
        return "vector" + S.vectorBitSize();
    }
}
