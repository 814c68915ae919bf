package dev.tickcast.model.cell;

/**
 * Kernels in plain Java. The accumulation walks one weight row at a time ({@code float[][]} rows),
 * which the JIT vectorises; it did not over one flat array.
 */
final class PlainKernels implements Kernels {

    static final PlainKernels INSTANCE = new PlainKernels();

    private PlainKernels() {}

    @Override
    public void accumulate(float[] z, float[][] w, float[] v, int vOffset) {
        for (int i = 0; i < w.length; i++) {
            float s = v[vOffset + i];
            float[] row = w[i];
            for (int j = 0; j < row.length; j++) {
                z[j] = Math.fma(s, row[j], z[j]); // fused, as the Vector API kernels: same bits
            }
        }
    }

    @Override
    public void tanh(float[] v, int from, int to) {
        for (int j = from; j < to; j++) {
            v[j] = Activations.tanh(v[j]);
        }
    }

    @Override
    public void sigmoid(float[] v, int from, int to) {
        for (int j = from; j < to; j++) {
            v[j] = Activations.sigmoid(v[j]);
        }
    }

    @Override
    public void lstmCell(float[] z, int h, float[] state, int stateOffset, float[] scratch) {
        int cOffset = stateOffset + h;
        for (int j = 0; j < h; j++) {
            float c = z[h + j] * state[cOffset + j] + z[3 * h + j] * z[j];
            state[cOffset + j] = c;
            scratch[j] = c;
        }
        tanh(scratch, 0, h);
        for (int j = 0; j < h; j++) {
            state[stateOffset + j] = z[2 * h + j] * scratch[j];
        }
    }

    @Override
    public String name() {
        return "plain";
    }
}
