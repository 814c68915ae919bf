package dev.tickcast.model.cell;

import dev.tickcast.schema.CellType;

/**
 * The cells written out again, independently of the production code: double precision, naive loops,
 * indexing straight into the flat weight layout that {@link RecurrentNetwork}'s Javadoc documents.
 */
final class ReferenceNetwork {

    private final CellType cellType;
    private final int inputSize;
    private final int[] hidden;
    private final int outputSize;
    private final float[] w;
    /** h[layer][unit], c[layer][unit] (c used by LSTM only). */
    final double[][] h;

    final double[][] c;

    ReferenceNetwork(CellType cellType, int inputSize, int[] hidden, int outputSize, float[] w) {
        this.cellType = cellType;
        this.inputSize = inputSize;
        this.hidden = hidden;
        this.outputSize = outputSize;
        this.w = w;
        this.h = new double[hidden.length][];
        this.c = new double[hidden.length][];
        for (int l = 0; l < hidden.length; l++) {
            h[l] = new double[hidden[l]];
            c[l] = new double[hidden[l]];
        }
    }

    private static double sigmoid(double z) {
        return 1 / (1 + Math.exp(-z));
    }

    /** One step; returns y. */
    double[] step(double[] x) {
        int g = switch (cellType) {
            case SIMPLE_RNN -> 1;
            case LSTM -> 4;
            case GRU -> 3;
        };
        int off = 0;
        double[] in = x;
        int nIn = inputSize;
        for (int l = 0; l < hidden.length; l++) {
            int hs = hidden[l];
            int cols = g * hs;
            int wxOff = off;
            int whOff = wxOff + nIn * cols;
            int bOff = whOff + hs * cols;
            off = bOff + cols;
            // input part (with bias) and recurrent part of every column, kept apart for the GRU
            double[] zx = new double[cols];
            double[] zh = new double[cols];
            for (int col = 0; col < cols; col++) {
                double s = w[bOff + col];
                for (int i = 0; i < nIn; i++) {
                    s += in[i] * w[wxOff + i * cols + col];
                }
                zx[col] = s;
                double r = 0;
                for (int k = 0; k < hs; k++) {
                    r += h[l][k] * w[whOff + k * cols + col];
                }
                zh[col] = r;
            }
            double[] hNew = new double[hs];
            for (int j = 0; j < hs; j++) {
                switch (cellType) {
                    case SIMPLE_RNN -> hNew[j] = Math.tanh(zx[j] + zh[j]);
                    case LSTM -> {
                        double a = Math.tanh(zx[j] + zh[j]);
                        double f = sigmoid(zx[hs + j] + zh[hs + j]);
                        double o = sigmoid(zx[2 * hs + j] + zh[2 * hs + j]);
                        double i = sigmoid(zx[3 * hs + j] + zh[3 * hs + j]);
                        c[l][j] = f * c[l][j] + i * a;
                        hNew[j] = o * Math.tanh(c[l][j]);
                    }
                    case GRU -> {
                        double r = sigmoid(zx[j] + zh[j]);
                        double u = sigmoid(zx[hs + j] + zh[hs + j]);
                        double cand = Math.tanh(zx[2 * hs + j] + r * zh[2 * hs + j]);
                        hNew[j] = u * h[l][j] + (1 - u) * cand;
                    }
                }
            }
            h[l] = hNew;
            in = hNew;
            nIn = hs;
        }
        double[] y = new double[outputSize];
        int bOut = off + nIn * outputSize;
        for (int o = 0; o < outputSize; o++) {
            double s = w[bOut + o];
            for (int k = 0; k < nIn; k++) {
                s += in[k] * w[off + k * outputSize + o];
            }
            y[o] = s;
        }
        if (bOut + outputSize != w.length) {
            throw new IllegalStateException(
                    "reference layout used " + (bOut + outputSize) + " of " + w.length + " weights");
        }
        return y;
    }
}
