package dev.tickcast.model.cell;

/** Row-major weight blocks as {@code float[rows][cols]}: rows are inputs, columns are units. */
final class WeightRows {

    private WeightRows() {}

    /** Splits a flat row-major block starting at {@code offset} into rows. */
    static float[][] of(float[] flat, int offset, int rows, int cols) {
        float[][] m = new float[rows][cols];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(flat, offset + r * cols, m[r], 0, cols);
        }
        return m;
    }
}
