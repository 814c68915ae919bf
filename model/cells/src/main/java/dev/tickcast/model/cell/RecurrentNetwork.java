package dev.tickcast.model.cell;

import dev.tickcast.schema.CellType;
import java.util.Arrays;

/**
 * A stack of 1–3 recurrent layers of one cell type and a dense output layer, stepped one time step
 * at a time with no allocation. Holds weights and scratch buffers, never a symbol's state: the caller
 * passes the state in and gets it back updated, so one instance serves any number of symbols (from
 * one thread).
 *
 * <p>Flat weight layout (float32, the model file's {@code weights}): for each recurrent layer, input
 * side first, Wx [nIn][G·H] then Wh [H][G·H] then b [G·H], all row-major, where G is the cell's gate
 * count (SIMPLE_RNN 1, LSTM 4 in blocks [a, f, o, i], GRU 3 in blocks [r, u, c]) and nIn is the
 * previous layer's H (the feature count for the first); then the output layer's W [H_last][nOut]
 * and b [nOut].
 */
public final class RecurrentNetwork {

    public static final int MAX_LAYERS = 3;

    private final CellType cellType;
    private final RecurrentLayer[] layers;
    private final int[] stateOffsets;
    private final DenseOutput output;
    private final int stateSize;

    private RecurrentNetwork(CellType cellType, RecurrentLayer[] layers, DenseOutput output) {
        this.cellType = cellType;
        this.layers = layers;
        this.output = output;
        this.stateOffsets = new int[layers.length];
        int offset = 0;
        for (int l = 0; l < layers.length; l++) {
            stateOffsets[l] = offset;
            offset += layers[l].stateSize();
        }
        this.stateSize = offset;
    }

    public static int gates(CellType cellType) {
        return switch (cellType) {
            case SIMPLE_RNN -> 1;
            case LSTM -> 4;
            case GRU -> 3;
        };
    }

    /** Floats of state per layer of hidden size h: h, plus c for LSTM. */
    public static int stateFloatsPerLayer(CellType cellType, int h) {
        return cellType == CellType.LSTM ? 2 * h : h;
    }

    /**
     * Parameters of a network of this shape.
     *
     * @throws ArithmeticException if the count does not fit in an int (a shape from an untrusted model file)
     */
    public static int parameterCount(CellType cellType, int inputSize, int[] hiddenSizes, int outputSize) {
        int g = gates(cellType);
        int count = 0;
        int nIn = inputSize;
        for (int h : hiddenSizes) {
            // nIn·G·H + H·G·H + G·H, each step overflow-checked
            int gh = Math.multiplyExact(g, h);
            count = Math.addExact(count, Math.addExact(Math.multiplyExact(Math.addExact(nIn, h), gh), gh));
            nIn = h;
        }
        return Math.addExact(count, Math.addExact(Math.multiplyExact(nIn, outputSize), outputSize));
    }

    /**
     * Builds a network from flat weights in the documented layout.
     *
     * @throws IllegalArgumentException naming what does not fit
     */
    public static RecurrentNetwork of(
            CellType cellType, int inputSize, int[] hiddenSizes, int outputSize, float[] weights) {
        return of(cellType, inputSize, hiddenSizes, outputSize, weights, Kernels.best());
    }

    /** As {@link #of(CellType, int, int[], int, float[])}, with the given kernels (both give the same bits). */
    public static RecurrentNetwork of(
            CellType cellType, int inputSize, int[] hiddenSizes, int outputSize, float[] weights, Kernels kernels) {
        if (inputSize < 1 || outputSize < 1) {
            throw new IllegalArgumentException(
                    "input and output sizes must be >= 1, got " + inputSize + " and " + outputSize);
        }
        if (hiddenSizes.length < 1 || hiddenSizes.length > MAX_LAYERS) {
            throw new IllegalArgumentException(
                    "1 to " + MAX_LAYERS + " recurrent layers supported, got " + hiddenSizes.length);
        }
        for (int h : hiddenSizes) {
            if (h < 1) {
                throw new IllegalArgumentException("hidden sizes must be >= 1, got " + Arrays.toString(hiddenSizes));
            }
        }
        int expected = parameterCount(cellType, inputSize, hiddenSizes, outputSize);
        if (weights.length != expected) {
            throw new IllegalArgumentException("weights hold " + weights.length + " floats but " + cellType
                    + " with input " + inputSize + ", hidden " + Arrays.toString(hiddenSizes) + ", output " + outputSize
                    + " needs " + expected);
        }
        int g = gates(cellType);
        RecurrentLayer[] layers = new RecurrentLayer[hiddenSizes.length];
        int offset = 0;
        int nIn = inputSize;
        for (int l = 0; l < hiddenSizes.length; l++) {
            int h = hiddenSizes[l];
            float[][] wx = WeightRows.of(weights, offset, nIn, g * h);
            offset += nIn * g * h;
            float[][] wh = WeightRows.of(weights, offset, h, g * h);
            offset += h * g * h;
            float[] b = Arrays.copyOfRange(weights, offset, offset + g * h);
            offset += g * h;
            layers[l] = switch (cellType) {
                case SIMPLE_RNN -> new SimpleRnnLayer(wx, wh, b, kernels);
                case LSTM -> new LstmLayer(wx, wh, b, kernels);
                case GRU -> new GruLayer(wx, wh, b, kernels);
            };
            nIn = h;
        }
        float[][] w = WeightRows.of(weights, offset, nIn, outputSize);
        offset += nIn * outputSize;
        float[] b = Arrays.copyOfRange(weights, offset, offset + outputSize);
        return new RecurrentNetwork(cellType, layers, new DenseOutput(w, b, kernels));
    }

    public CellType cellType() {
        return cellType;
    }

    public int inputSize() {
        return layers[0].inputSize();
    }

    public int outputSize() {
        return output.outputSize();
    }

    public int layerCount() {
        return layers.length;
    }

    /** Floats in a symbol's state: per layer h, plus c for LSTM. */
    public int stateSize() {
        return stateSize;
    }

    public float[] newState() {
        return new float[stateSize];
    }

    /**
     * One time step: x → every layer in turn → output.
     *
     * @param x input features, read
     * @param state the symbol's state, read and written
     * @param out written with the output layer's values
     */
    public void step(float[] x, float[] state, float[] out) {
        layers[0].step(x, 0, state, stateOffsets[0]);
        for (int l = 1; l < layers.length; l++) {
            layers[l].step(state, stateOffsets[l - 1], state, stateOffsets[l]);
        }
        output.apply(state, stateOffsets[layers.length - 1], out);
    }
}
