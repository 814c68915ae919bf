package dev.tickcast.model.cell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tickcast.schema.CellType;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The Vector API kernels and the plain ones give the same bits, so a job's forecasts do not depend on
 * whether its JVM was started with the incubator module. (Surefire adds the module; without it this
 * test is skipped, not passed.)
 */
class KernelsTest {

    @ParameterizedTest(name = "{0} {1}x{2}")
    @CsvSource({
        "LSTM,1,32",
        "LSTM,2,64",
        "LSTM,1,20",
        "LSTM,2,7",
        "GRU,1,32",
        "GRU,2,20",
        "SIMPLE_RNN,1,64",
        "SIMPLE_RNN,3,7"
    })
    void vectorAndPlainKernelsGiveIdenticalBits(CellType cell, int layers, int hidden) {
        assumeTrue(Kernels.vectorAvailable(), "JVM started without --add-modules jdk.incubator.vector");
        int[] sizes = new int[layers];
        java.util.Arrays.fill(sizes, hidden);
        Random random = new Random(3);
        float[] weights = new float[RecurrentNetwork.parameterCount(cell, 3, sizes, 1)];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = (float) (random.nextGaussian() * 0.3);
        }
        RecurrentNetwork plain = RecurrentNetwork.of(cell, 3, sizes, 1, weights, Kernels.plain());
        RecurrentNetwork vector = RecurrentNetwork.of(cell, 3, sizes, 1, weights, Kernels.vector());
        float[] plainState = plain.newState();
        float[] vectorState = vector.newState();
        float[] plainOut = new float[1];
        float[] vectorOut = new float[1];
        float[] x = new float[3];
        for (int t = 0; t < 2000; t++) {
            for (int i = 0; i < 3; i++) {
                x[i] = (float) (random.nextGaussian() * 2);
            }
            plain.step(x, plainState, plainOut);
            vector.step(x, vectorState, vectorOut);
            assertThat(Float.floatToRawIntBits(vectorOut[0]))
                    .as("step %d", t)
                    .isEqualTo(Float.floatToRawIntBits(plainOut[0]));
        }
        assertThat(vectorState).isEqualTo(plainState);
        assertThat(Kernels.best().name()).startsWith("vector");
    }
}
