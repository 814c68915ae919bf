package dev.tickcast.model.cell;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ActivationsTest {

    @Test
    void tanhApproximationIsWithinOneMillionthOfMathTanhEverywhere() {
        double worst = 0;
        for (int k = -2_000_000; k <= 2_000_000; k++) {
            float z = k * 1e-5f; // [-20, 20] in steps of 1e-5
            worst = Math.max(worst, Math.abs(Activations.tanh(z) - Math.tanh(z)));
        }
        assertThat(worst).isLessThan(1e-6);
        assertThat(Activations.tanh(Float.MAX_VALUE)).isEqualTo(1f, org.assertj.core.data.Offset.offset(1e-6f));
        assertThat(Activations.tanh(-1e30f)).isEqualTo(-1f, org.assertj.core.data.Offset.offset(1e-6f));
    }

    @Test
    void sigmoidIsWithinOneMillionthOfTheLogistic() {
        double worst = 0;
        for (int k = -400_000; k <= 400_000; k++) {
            float z = k * 1e-4f; // [-40, 40]
            worst = Math.max(worst, Math.abs(Activations.sigmoid(z) - 1.0 / (1.0 + Math.exp(-z))));
        }
        assertThat(worst).isLessThan(1e-6);
    }

    @Test
    void blockActivationsApplyInPlaceOnlyToTheirRange() {
        float[] v = {2f, -1f, 0.5f, 3f};
        Kernels.plain().tanh(v, 1, 3);
        assertThat(v[0]).isEqualTo(2f);
        assertThat(v[1]).isEqualTo((float) Math.tanh(-1), org.assertj.core.data.Offset.offset(1e-6f));
        assertThat(v[2]).isEqualTo((float) Math.tanh(0.5), org.assertj.core.data.Offset.offset(1e-6f));
        assertThat(v[3]).isEqualTo(3f);
    }
}
