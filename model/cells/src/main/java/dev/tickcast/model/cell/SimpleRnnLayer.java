package dev.tickcast.model.cell;

/**
 * DL4J's {@code SimpleRnn} with tanh: h = tanh(x·W + h′·RW + b). Weights: W [nIn][H], RW [H][H],
 * b [H], row-major.
 */
public final class SimpleRnnLayer implements RecurrentLayer {

    private final Kernels k;
    private final float[][] w;
    private final float[][] rw;
    private final float[] b;
    private final float[] z;

    public SimpleRnnLayer(float[][] w, float[][] rw, float[] b, Kernels kernels) {
        this.k = kernels;
        this.w = w;
        this.rw = rw;
        this.b = b;
        this.z = new float[b.length];
    }

    @Override
    public int inputSize() {
        return w.length;
    }

    @Override
    public int hiddenSize() {
        return b.length;
    }

    @Override
    public int stateSize() {
        return b.length;
    }

    @Override
    public void step(float[] x, int xOffset, float[] state, int stateOffset) {
        System.arraycopy(b, 0, z, 0, z.length); // z = x·W + h′·RW + b
        k.accumulate(z, w, x, xOffset);
        k.accumulate(z, rw, state, stateOffset);
        k.tanh(z, 0, z.length); //                  h = tanh(z)
        System.arraycopy(z, 0, state, stateOffset, z.length);
    }
}
