package dev.tickcast.cli.evaluate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.withinPercentage;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The GARCH(1,1) baseline finds clustering where there is some, invents none where there is none, and never breaks. */
class Garch11Test {

    private static final int TRAIN = 5000;
    private static final int TOTAL = 7000;

    /** Returns of a GARCH(1,1) started at its unconditional variance, so no burn-in is needed. */
    private static double[] garch(double omega, double alpha, double beta, int n, long seed) {
        Random random = new Random(seed);
        double[] returns = new double[n];
        double variance = omega / (1 - alpha - beta);
        for (int t = 0; t < n; t++) {
            returns[t] = Math.sqrt(variance) * random.nextGaussian();
            variance = omega + alpha * returns[t] * returns[t] + beta * variance;
        }
        return returns;
    }

    private static double meanNll(double[] returns, int from, double[] variances) {
        double sum = 0;
        for (int i = 0; i < variances.length; i++) {
            sum += Garch11.gaussianNll(returns[from + i], variances[i]);
        }
        return sum / variances.length;
    }

    private static double constantNll(double[] returns, int from, int to, double variance) {
        double[] constant = new double[to - from];
        Arrays.fill(constant, variance);
        return meanNll(returns, from, constant);
    }

    private static double meanSquare(double[] returns, int from, int to) {
        double sum = 0;
        for (int t = from; t < to; t++) {
            sum += returns[t] * returns[t];
        }
        return sum / (to - from);
    }

    @Test
    void recoversTheParametersOfASimulatedGarchAndBeatsAConstantVariance() {
        double[] returns = garch(1e-6 * 0.05, 0.1, 0.85, TOTAL, 42);

        Garch11 model = Garch11.fit(returns, 0, TRAIN);

        assertThat(model.alpha()).isCloseTo(0.1, within(0.05));
        assertThat(model.beta()).isCloseTo(0.85, within(0.05));
        double v = meanSquare(returns, 0, TRAIN);
        assertThat(model.unconditionalVariance()).isCloseTo(v, withinPercentage(1e-9));
        assertThat(model.omega()).isCloseTo(v * (1 - model.alpha() - model.beta()), withinPercentage(1e-9));
        double garch = meanNll(returns, TRAIN, model.variances(returns, TRAIN, TOTAL));
        double constant = constantNll(returns, TRAIN, TOTAL, v);
        // Clustering this strong is worth 0.013 to 0.09 nats per held-out return over seeds 0..29 (0.035 on this one).
        assertThat(garch).isLessThan(constant - 0.01);
    }

    @Test
    void findsNoClusteringInIndependentReturns() {
        Random random = new Random(7);
        double[] returns = new double[TOTAL];
        for (int t = 0; t < TOTAL; t++) {
            returns[t] = 1e-3 * random.nextGaussian();
        }

        Garch11 model = Garch11.fit(returns, 0, TRAIN);

        // Bounds that hold over seeds 0..29, not only this one; the simulated clustering of the test above has 0.1.
        assertThat(model.alpha()).isLessThan(0.05);
        double garch = meanNll(returns, TRAIN, model.variances(returns, TRAIN, TOTAL));
        double constant = constantNll(returns, TRAIN, TOTAL, meanSquare(returns, 0, TRAIN));
        // Imposing alpha 0.05, beta 0.9 on these returns would cost 0.006 nats per return.
        assertThat(garch).isCloseTo(constant, within(3e-3));
    }

    @Test
    void heldOutVariancesCarryOnTheFitRecursion() {
        double[] returns = garch(1e-6 * 0.05, 0.1, 0.85, TOTAL, 3);
        Garch11 model = Garch11.fit(returns, 0, TRAIN);

        double[] expected = new double[TOTAL];
        double variance = model.unconditionalVariance();
        for (int t = 0; t < TOTAL; t++) {
            expected[t] = variance;
            variance = model.omega() + model.alpha() * returns[t] * returns[t] + model.beta() * variance;
        }
        double[] heldOut = model.variances(returns, TRAIN, TOTAL);
        for (int t = TRAIN; t < TOTAL; t++) {
            assertThat(heldOut[t - TRAIN]).as("t=%d", t).isCloseTo(expected[t], withinPercentage(1e-9));
        }
        // Starting later runs the recursion through the gap rather than restarting it.
        double[] later = model.variances(returns, 6000, TOTAL);
        assertThat(later).containsExactly(Arrays.copyOfRange(heldOut, 6000 - TRAIN, TOTAL - TRAIN));
        assertThatThrownBy(() -> model.variances(returns, TRAIN - 1, TOTAL))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aConstantPriceGivesAFiniteFlatModel() {
        double[] returns = new double[1000];

        Garch11 model = Garch11.fit(returns, 0, 800);

        assertThat(model.alpha()).isZero();
        assertThat(model.beta()).isZero();
        assertThat(model.unconditionalVariance()).isEqualTo(Garch11.VARIANCE_FLOOR);
        returns[900] = 1e-3; // the price moves after training: a huge NLL, but a number
        for (double variance : model.variances(returns, 800, 1000)) {
            assertThat(variance).isEqualTo(Garch11.VARIANCE_FLOOR);
        }
        assertThat(Garch11.gaussianNll(returns[900], Garch11.VARIANCE_FLOOR)).isFinite();
    }

    @Test
    void tooFewReturnsGiveTheConstantVarianceModel() {
        double[] returns = {0.01, -0.02, 0.005, 0, 0.03, -0.01, 0.02};

        Garch11 model = Garch11.fit(returns, 0, 5);

        assertThat(model.alpha()).isZero();
        assertThat(model.beta()).isZero();
        assertThat(model.unconditionalVariance()).isCloseTo(meanSquare(returns, 0, 5), withinPercentage(1e-9));
        assertThat(model.variances(returns, 5, 7)).containsOnly(model.unconditionalVariance());
        Garch11 empty = Garch11.fit(new double[0], 0, 0);
        assertThat(empty.variances(new double[0], 0, 0)).isEmpty();
        assertThat(empty.filter().variance()).isEqualTo(Garch11.VARIANCE_FLOOR);
    }

    @Test
    void mostlyZeroReturnsStayFiniteAndInsideTheConstraints() {
        // Ticks where the price mostly does not move: the squared returns are mostly exact zeros.
        double[] clustered = garch(1e-6 * 0.05, 0.1, 0.85, TOTAL, 11);
        Random random = new Random(5);
        double[] returns = new double[TOTAL];
        for (int t = 0; t < TOTAL; t++) {
            returns[t] = random.nextInt(10) == 0 ? clustered[t] : 0;
        }

        Garch11 model = Garch11.fit(returns, 0, TRAIN);

        assertThat(model.alpha()).isBetween(0.0, Garch11.MAX_ALPHA);
        assertThat(model.beta()).isGreaterThanOrEqualTo(0.0);
        assertThat(model.alpha() + model.beta()).isLessThanOrEqualTo(Garch11.MAX_PERSISTENCE + 1e-12);
        for (double variance : model.variances(returns, TRAIN, TOTAL)) {
            assertThat(variance).isFinite().isPositive();
        }
    }

    @Test
    void theSameReturnsGiveTheSameBits() {
        double[] returns = garch(1e-6 * 0.05, 0.1, 0.85, TRAIN, 42);

        Garch11 first = Garch11.fit(returns, 0, TRAIN);
        Garch11 second = Garch11.fit(returns.clone(), 0, TRAIN);

        assertThat(Double.doubleToRawLongBits(second.alpha())).isEqualTo(Double.doubleToRawLongBits(first.alpha()));
        assertThat(Double.doubleToRawLongBits(second.beta())).isEqualTo(Double.doubleToRawLongBits(first.beta()));
        assertThat(Double.doubleToRawLongBits(second.omega())).isEqualTo(Double.doubleToRawLongBits(first.omega()));
    }

    @Test
    void gaussianNllIsTheNormalDensity() {
        assertThat(Garch11.gaussianNll(0, 1)).isCloseTo(0.5 * Math.log(2 * Math.PI), within(1e-15));
        double density = Math.exp(-0.5 * 4 / 4) / Math.sqrt(2 * Math.PI * 4);
        assertThat(Garch11.gaussianNll(2, 4)).isCloseTo(-Math.log(density), within(1e-12));
    }
}
