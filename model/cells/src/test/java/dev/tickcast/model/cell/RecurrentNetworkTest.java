package dev.tickcast.model.cell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.tickcast.model.testdata.TestModels;
import dev.tickcast.schema.CellType;
import java.lang.management.ManagementFactory;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class RecurrentNetworkTest {

    private static final int INPUT = 3;
    private static final int OUTPUT = 2;
    private static final int STEPS = 50;

    static Stream<Arguments> cellsAndLayers() {
        return Stream.of(CellType.values())
                .flatMap(cell -> Stream.of(Arguments.of(cell, new int[] {5}), Arguments.of(cell, new int[] {5, 4})));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cellsAndLayers")
    void matchesHandWrittenDoubleMathOverFiftySteps(CellType cellType, int[] hidden) {
        float[] weights = TestModels.randomWeights(cellType, INPUT, hidden, OUTPUT, 42, 0.6);
        RecurrentNetwork network = RecurrentNetwork.of(cellType, INPUT, hidden, OUTPUT, weights);
        ReferenceNetwork reference = new ReferenceNetwork(cellType, INPUT, hidden, OUTPUT, weights);
        float[] state = network.newState();
        float[] out = new float[OUTPUT];
        Random random = new Random(7);
        float[] x = new float[INPUT];
        double[] xd = new double[INPUT];
        double largestOutput = 0;
        for (int t = 0; t < STEPS; t++) {
            for (int i = 0; i < INPUT; i++) {
                x[i] = (float) (random.nextDouble() * 4 - 2);
                xd[i] = x[i];
            }
            network.step(x, state, out);
            double[] expected = reference.step(xd);
            for (int o = 0; o < OUTPUT; o++) {
                assertThat((double) out[o]).as("step %d output %d", t, o).isCloseTo(expected[o], within(1e-5));
                largestOutput = Math.max(largestOutput, Math.abs(expected[o]));
            }
            assertStateMatches(cellType, hidden, state, reference, t);
        }
        // guard against a vacuous comparison of zeros
        assertThat(largestOutput).isGreaterThan(0.05);
    }

    /** State layout: per layer h, then c for LSTM. */
    private static void assertStateMatches(
            CellType cellType, int[] hidden, float[] state, ReferenceNetwork reference, int t) {
        int offset = 0;
        for (int l = 0; l < hidden.length; l++) {
            for (int j = 0; j < hidden[l]; j++) {
                assertThat((double) state[offset + j])
                        .as("step %d layer %d h[%d]", t, l, j)
                        .isCloseTo(reference.h[l][j], within(1e-5));
            }
            offset += hidden[l];
            if (cellType == CellType.LSTM) {
                for (int j = 0; j < hidden[l]; j++) {
                    assertThat((double) state[offset + j])
                            .as("step %d layer %d c[%d]", t, l, j)
                            .isCloseTo(reference.c[l][j], within(1e-5));
                }
                offset += hidden[l];
            }
        }
        assertThat(offset).isEqualTo(state.length);
    }

    @Test
    void stateSizeIsHiddenPerLayerPlusCellStateForLstm() {
        int[] hidden = {5, 4};
        assertThat(network(CellType.SIMPLE_RNN, hidden).stateSize()).isEqualTo(9);
        assertThat(network(CellType.GRU, hidden).stateSize()).isEqualTo(9);
        assertThat(network(CellType.LSTM, hidden).stateSize()).isEqualTo(18);
    }

    @ParameterizedTest
    @EnumSource(CellType.class)
    void stepUpdatesTheCallersStateAndOutputArraysInPlace(CellType cellType) {
        RecurrentNetwork network = network(cellType, new int[] {4, 3});
        float[] state = network.newState();
        float[] out = new float[OUTPUT];
        float[] x = {0.5f, -1f, 2f};

        network.step(x, state, out);
        float[] afterOne = state.clone();
        float[] outAfterOne = out.clone();
        network.step(x, state, out);

        assertThat(afterOne).as("first step wrote the state").isNotEqualTo(new float[state.length]);
        assertThat(state).as("second step carried on from the written state").isNotEqualTo(afterOne);
        assertThat(out).isNotEqualTo(outAfterOne);
        assertThat(x).as("input is only read").containsExactly(0.5f, -1f, 2f);
    }

    @Test
    void oneNetworkServesSeveralStatesIndependently() {
        RecurrentNetwork network = network(CellType.LSTM, new int[] {4});
        float[] a = network.newState();
        float[] b = network.newState();
        float[] out = new float[OUTPUT];
        float[] x1 = {1f, 0f, -1f};
        float[] x2 = {-0.3f, 0.2f, 0.9f};

        network.step(x1, a, out);
        network.step(x2, a, out);
        float[] aOut = out.clone();
        network.step(x1, b, out); // b interleaved after a has been stepped
        network.step(x2, b, out);

        assertThat(b).containsExactly(a);
        assertThat(out).containsExactly(aOut);
    }

    @ParameterizedTest
    @EnumSource(CellType.class)
    void stepAllocatesNoMemory(CellType cellType) {
        // The plain kernels: allocation-free by construction. The Vector API ones are too once C2 has
        // compiled them (escape analysis removes the vector boxes), which no test can time reliably.
        int[] hidden = {8, 8};
        RecurrentNetwork network = RecurrentNetwork.of(
                cellType,
                INPUT,
                hidden,
                OUTPUT,
                TestModels.randomWeights(cellType, INPUT, hidden, OUTPUT, 3, 0.5),
                Kernels.plain());
        float[] state = network.newState();
        float[] out = new float[OUTPUT];
        float[] x = {0.1f, 0.2f, 0.3f};
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (int i = 0; i < 20_000; i++) { // let the JIT settle
            network.step(x, state, out);
        }
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 10_000; i++) {
            network.step(x, state, out);
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        // one float[] per step would already be 10,000 × 24 bytes
        assertThat(allocated).isLessThan(4096);
    }

    @Test
    void refusesWrongWeightCountNamingBothCounts() {
        int needed = RecurrentNetwork.parameterCount(CellType.GRU, INPUT, new int[] {4}, 1);
        assertThatThrownBy(() -> RecurrentNetwork.of(CellType.GRU, INPUT, new int[] {4}, 1, new float[needed - 1]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("weights hold " + (needed - 1) + " floats")
                .hasMessageContaining("needs " + needed);
    }

    @Test
    void refusesZeroLayers() {
        assertThatThrownBy(() -> RecurrentNetwork.of(CellType.LSTM, INPUT, new int[0], 1, new float[0]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1 to 3 recurrent layers supported, got 0");
    }

    @Test
    void refusesFourLayers() {
        int[] hidden = {2, 2, 2, 2};
        float[] weights = new float[RecurrentNetwork.parameterCount(CellType.SIMPLE_RNN, INPUT, hidden, 1)];
        assertThatThrownBy(() -> RecurrentNetwork.of(CellType.SIMPLE_RNN, INPUT, hidden, 1, weights))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1 to 3 recurrent layers supported, got 4");
    }

    @Test
    void refusesHiddenSizeZero() {
        assertThatThrownBy(() -> RecurrentNetwork.of(CellType.SIMPLE_RNN, INPUT, new int[] {3, 0}, 1, new float[100]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("hidden sizes must be >= 1, got [3, 0]");
    }

    @Test
    void parameterCountFollowsTheDocumentedLayout() {
        // LSTM 3→[5,4]→2: (3·20 + 5·20 + 20) + (5·16 + 4·16 + 16) + (4·2 + 2)
        assertThat(RecurrentNetwork.parameterCount(CellType.LSTM, 3, new int[] {5, 4}, 2))
                .isEqualTo(180 + 160 + 10);
        // GRU 3→[4]→1: 3·12 + 4·12 + 12 + 4 + 1
        assertThat(RecurrentNetwork.parameterCount(CellType.GRU, 3, new int[] {4}, 1))
                .isEqualTo(101);
    }

    private static RecurrentNetwork network(CellType cellType, int[] hidden) {
        return RecurrentNetwork.of(
                cellType, INPUT, hidden, OUTPUT, TestModels.randomWeights(cellType, INPUT, hidden, OUTPUT, 3, 0.5));
    }
}
