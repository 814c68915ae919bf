package dev.tickcast.model.cell;

/**
 * DL4J's {@code LSTM} layer (no peepholes, tanh layer activation, sigmoid gates).
 *
 * <p>Weights: W [nIn][4H], RW [H][4H], b [4H], row-major. The 4H columns are four gate blocks in
 * DL4J's order <b>[a, f, o, i]</b> (candidate, forget, output, input), not Keras/PyTorch's; the
 * parity test confirms it against {@code rnnTimeStep}.
 */
public final class LstmLayer implements RecurrentLayer {

    private final Kernels k;
    private final int h;
    private final float[][] w;
    private final float[][] rw;
    private final float[] b;
    private final float[] z;
    private final float[] tanhC;

    public LstmLayer(float[][] w, float[][] rw, float[] b, Kernels kernels) {
        this.k = kernels;
        this.h = b.length / 4;
        this.w = w;
        this.rw = rw;
        this.b = b;
        this.z = new float[b.length];
        this.tanhC = new float[h];
    }

    @Override
    public int inputSize() {
        return w.length;
    }

    @Override
    public int hiddenSize() {
        return h;
    }

    @Override
    public int stateSize() {
        return 2 * h;
    }

    @Override
    public void step(float[] x, int xOffset, float[] state, int stateOffset) {
        System.arraycopy(b, 0, z, 0, z.length); // z = x·W + h′·RW + b, all four gates at once
        k.accumulate(z, w, x, xOffset);
        k.accumulate(z, rw, state, stateOffset);
        k.tanh(z, 0, h); //                          a = tanh(z_a)
        k.sigmoid(z, h, 4 * h); //                   f, o, i = σ(z_f), σ(z_o), σ(z_i)
        k.lstmCell(z, h, state, stateOffset, tanhC); // c = f⊙c′ + i⊙a, h = o⊙tanh(c)
    }
}
