package dev.tickcast.trainer;

/** A DL4J network being trained, seen through what the trainer needs: fit a minibatch, export weights. */
interface RecurrentTrainer {

    /**
     * One optimisation step (or one per TBPTT segment) on a minibatch of windows.
     *
     * @param x per window, [window][inputSize] scaled inputs, row-major
     * @param y per window, [window] scaled targets
     * @return the minibatch loss (mean squared error on scaled targets)
     */
    double fit(float[][] x, float[][] y);

    /** The weights in the cell format's flat layout (see RecurrentNetwork). */
    float[] exportWeights();

    /** Sets the weights from the cell format's flat layout (warm start); the inverse of {@link #exportWeights()}. */
    void importWeights(float[] weights);
}
