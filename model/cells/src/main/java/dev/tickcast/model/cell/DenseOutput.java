package dev.tickcast.model.cell;

/** The output layer: y = h·W + b with identity activation. W [H][nOut], b [nOut], row-major. */
public final class DenseOutput {

    private final Kernels k;
    private final float[][] w;
    private final float[] b;

    public DenseOutput(float[][] w, float[] b, Kernels kernels) {
        this.k = kernels;
        this.w = w;
        this.b = b;
    }

    public int inputSize() {
        return w.length;
    }

    public int outputSize() {
        return b.length;
    }

    /** Writes y into {@code out[0 .. outputSize)}; reads h from {@code h[hOffset ..]}. */
    public void apply(float[] h, int hOffset, float[] out) {
        System.arraycopy(b, 0, out, 0, b.length);
        k.accumulate(out, w, h, hOffset);
    }
}
