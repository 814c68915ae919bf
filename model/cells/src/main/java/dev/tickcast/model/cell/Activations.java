package dev.tickcast.model.cell;

/** The activations DL4J and libnd4j use, in float, so results match theirs to float rounding. */
final class Activations {

    private Activations() {}

    // σ(z) = 1 / (1 + e^−z)
    static float sigmoid(float z) {
        return (float) (1.0 / (1.0 + Math.exp(-z)));
    }

    static float tanh(float z) {
        return (float) Math.tanh(z);
    }
}
