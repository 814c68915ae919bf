package dev.tickcast.model.cell;

/**
 * Row-major weight blocks as {@code float[rows][cols]}: rows are inputs, columns are units. The
 * accumulation {@code z[j] += s · W[i][j]} walks one row at a time, which the JIT vectorises
 * (it did not over one flat array; STACK.md).
 */
final class Matrices {

    private Matrices() {}

    /** Splits a flat row-major block starting at {@code offset} into rows. */
    static float[][] rows(float[] flat, int offset, int rows, int cols) {
        float[][] m = new float[rows][cols];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(flat, offset + r * cols, m[r], 0, cols);
        }
        return m;
    }

    /** z[0..cols) += Σ_i v[vOffset + i] · W[i][·] for i in [0, W.length). */
    static void accumulate(float[] z, float[][] w, float[] v, int vOffset) {
        for (int i = 0; i < w.length; i++) {
            float s = v[vOffset + i];
            float[] row = w[i];
            for (int j = 0; j < row.length; j++) {
                z[j] += s * row[j];
            }
        }
    }
}
