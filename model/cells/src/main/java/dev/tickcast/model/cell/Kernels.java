package dev.tickcast.model.cell;

/**
 * The few loops a cell step spends its time in. Two implementations compute the same math: plain
 * Java loops that run on any JVM, and the JDK's incubator Vector API, several times faster, used when
 * the JVM was started with {@code --add-modules jdk.incubator.vector}. {@link #best()} picks once at
 * start, so the same jar runs on a Flink cluster whose JVM options lack the module.
 */
public interface Kernels {

    /** z[0 .. cols) += Σ_i v[vOffset + i] · W[i][·], over all rows i of W. */
    void accumulate(float[] z, float[][] w, float[] v, int vOffset);

    /** v[from .. to) = tanh(v[...]), in place. */
    void tanh(float[] v, int from, int to);

    /** v[from .. to) = σ(v[...]), in place. */
    void sigmoid(float[] v, int from, int to);

    /**
     * The LSTM state update after the gates' activations, {@code z = [a, f, o, i]} (H values each):
     * c = f⊙c′ + i⊙a (two products and a sum, each rounded: no FMA) into {@code state[stateOffset + H ..)}, then
     * h = o⊙tanh(c) into {@code state[stateOffset ..)}. {@code scratch} holds at least H floats.
     */
    void lstmCell(float[] z, int h, float[] state, int stateOffset, float[] scratch);

    /** A short name for logs and benchmark tables. */
    String name();

    static Kernels plain() {
        return PlainKernels.INSTANCE;
    }

    /** The Vector API kernels when the JVM has the module, else the plain ones. */
    static Kernels best() {
        return Selection.BEST;
    }

    static boolean vectorAvailable() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    /**
     * @throws IllegalStateException when the JVM lacks the incubator module, saying which flag adds it
     */
    static Kernels vector() {
        if (!vectorAvailable()) {
            throw new IllegalStateException(
                    "the JDK Vector API is not available: start the JVM with --add-modules jdk.incubator.vector");
        }
        return VectorKernels.INSTANCE;
    }

    /** Holder so the choice is made once, on first use. */
    final class Selection {
        static final Kernels BEST = vectorAvailable() && !Boolean.getBoolean("tickcast.plainKernels")
                ? VectorKernels.INSTANCE
                : PlainKernels.INSTANCE;

        private Selection() {}
    }
}
