package dev.tickcast.model.cell;

/**
 * One recurrent layer's single time step over plain arrays. The caller owns the state; a layer only
 * holds its (immutable) weights and its own scratch buffers, so one instance serves one thread.
 *
 * <p>State layout of a layer inside the model's state array, starting at {@code stateOffset}: h
 * ({@link #hiddenSize()} floats), then for LSTM c ({@link #hiddenSize()} floats). After a step, h is
 * also the layer's output, which the next layer reads as its input.
 */
public interface RecurrentLayer {

    int inputSize();

    int hiddenSize();

    /** Floats of state this layer keeps: H, or 2H for LSTM. */
    int stateSize();

    /**
     * Advances one step.
     *
     * @param x input, read from {@code x[xOffset .. xOffset + inputSize)}
     * @param state read (previous h, c) and written (new h, c) at {@code stateOffset}
     */
    void step(float[] x, int xOffset, float[] state, int stateOffset);
}
