package dev.tickcast.cli.evaluate;

import java.util.Objects;

/**
 * A per-symbol GARCH(1,1) volatility baseline: {@code r_t = sigma_t z_t} with {@code z_t} standard normal and
 * {@code sigma²_t = omega + alpha r²_{t-1} + beta sigma²_{t-1}}, fitted by Gaussian maximum likelihood.
 *
 * <p>A model's one-step scale is only worth its cost if it beats the classic that volatility clusters: the offline
 * evaluation fits one of these per symbol on the model's own training returns and compares the two by the
 * {@link #gaussianNll Gaussian NLL} of the held-out returns, each scored with its {@link #variances one-step-ahead
 * variance}.
 *
 * <p>Variance targeting fixes {@code omega = v (1 - alpha - beta)}, {@code v} the mean of {@code r²} over the fit
 * range, so the long-run variance is the sample's and only {@code alpha} and {@code beta} are searched: a fixed coarse
 * grid, then a small grid that moves to its best point and shrinks. The baseline must be the same on every run and
 * every machine, so there are no random starts, no parallelism, and logarithms are {@link StrictMath}'s.
 */
public final class Garch11 {

    /**
     * The least variance the model predicts, so that a constant price (whose sample variance is 0) still gives a
     * finite log and a finite {@code r² / variance}. Real tick data does not come near it: a one-tick move of a 100 000
     * price quoted to 0.01 is already {@code r² = 1e-14}, and with {@code alpha + beta <= 0.999} a fitted variance
     * never falls below {@code v / 1000}. A fixed floor rather than one relative to {@code v} because it must hold when
     * {@code v} is 0.
     */
    public static final double VARIANCE_FLOOR = 1e-20;

    /** Fewer returns than this cannot tell clustering from noise: the fit gives the constant-variance model. */
    public static final int MIN_RETURNS = 10;

    /** {@code alpha + beta} at most this keeps {@code omega >= v / 1000 > 0}: the variance stays mean-reverting. */
    public static final double MAX_PERSISTENCE = 0.999;

    public static final double MAX_ALPHA = 0.5;

    // Denser where tick data lives (small alpha, beta near 1), so the refinement starts in the right basin.
    private static final double[] GRID_ALPHAS = {0, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5};
    private static final double[] GRID_BETAS = {
        0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.925, 0.95, 0.97, 0.98, 0.99, 0.995
    };

    private static final double FIRST_STEP = 0.025;
    // Far below the standard error of either parameter on any series this is fitted to.
    private static final double LAST_STEP = 1e-6;
    private static final int MAX_ROUNDS = 200;

    private static final double LOG_2PI = StrictMath.log(2 * Math.PI);

    private final double omega;
    private final double alpha;
    private final double beta;
    private final double unconditionalVariance;
    private final int fitEnd;
    private final double endVariance;

    private Garch11(
            double omega, double alpha, double beta, double unconditionalVariance, int fitEnd, double endVariance) {
        this.omega = omega;
        this.alpha = alpha;
        this.beta = beta;
        this.unconditionalVariance = unconditionalVariance;
        this.fitEnd = fitEnd;
        this.endVariance = endVariance;
    }

    /**
     * Fits the model to {@code returns[from, to)}, starting the recursion at {@code sigma²_from = v}.
     *
     * <p>Fewer than {@link #MIN_RETURNS} returns, or a sample variance at or below {@link #VARIANCE_FLOOR}, give the
     * constant-variance model ({@code alpha = beta = 0}, variance {@code max(v, VARIANCE_FLOOR)}).
     *
     * @param returns log returns, all finite
     * @throws IllegalArgumentException if a return in the range is not finite
     */
    public static Garch11 fit(double[] returns, int from, int to) {
        Objects.checkFromToIndex(from, to, returns.length);
        int n = to - from;
        double[] squares = new double[n];
        double sumSquares = 0;
        for (int t = 0; t < n; t++) {
            squares[t] = returns[from + t] * returns[from + t];
            sumSquares += squares[t];
        }
        if (!Double.isFinite(sumSquares)) {
            throw new IllegalArgumentException("returns[" + from + ", " + to + ") are not all finite log returns");
        }
        double v = n == 0 ? 0 : sumSquares / n;
        if (n < MIN_RETURNS || v <= VARIANCE_FLOOR) {
            double flat = Math.max(v, VARIANCE_FLOOR);
            return new Garch11(flat, 0, 0, flat, to, flat);
        }

        double bestAlpha = 0;
        double bestBeta = 0;
        double best = Double.POSITIVE_INFINITY;
        for (double a : GRID_ALPHAS) {
            for (double b : GRID_BETAS) {
                if (a + b <= MAX_PERSISTENCE) {
                    double nll = nll(squares, v, a, b);
                    if (nll < best) {
                        best = nll;
                        bestAlpha = a;
                        bestBeta = b;
                    }
                }
            }
        }

        // Pattern search on a 5x5 grid: move to the best point while one improves, halve the step when none does. A
        // full grid rather than coordinate steps because the likelihood is a ridge along the persistence alpha + beta.
        // Clamping puts candidates exactly on the bounds, where the optimum often is (alpha = 0 on unclustered data).
        double step = FIRST_STEP;
        for (int round = 0; round < MAX_ROUNDS && step >= LAST_STEP; round++) {
            double centreAlpha = bestAlpha;
            double centreBeta = bestBeta;
            boolean moved = false;
            for (int i = -2; i <= 2; i++) {
                for (int j = -2; j <= 2; j++) {
                    double a = clamp(centreAlpha + i * step, 0, MAX_ALPHA);
                    double b = clamp(centreBeta + j * step, 0, MAX_PERSISTENCE - a);
                    if (a == centreAlpha && b == centreBeta) {
                        continue;
                    }
                    double nll = nll(squares, v, a, b);
                    if (nll < best) {
                        best = nll;
                        bestAlpha = a;
                        bestBeta = b;
                        moved = true;
                    }
                }
            }
            if (!moved) {
                step /= 2;
            }
        }

        double w = v * (1 - bestAlpha - bestBeta);
        double s2 = v;
        for (double r2 : squares) {
            s2 = next(w, bestAlpha, bestBeta, s2, r2);
        }
        return new Garch11(w, bestAlpha, bestBeta, v, to, s2);
    }

    /** {@code -log} of the normal density with mean 0 and the given variance at {@code r}. */
    public static double gaussianNll(double r, double variance) {
        return 0.5 * (LOG_2PI + StrictMath.log(variance) + r * r / variance);
    }

    public double alpha() {
        return alpha;
    }

    public double beta() {
        return beta;
    }

    public double omega() {
        return omega;
    }

    /** {@code omega / (1 - alpha - beta)}: by variance targeting, the mean of {@code r²} over the fit range. */
    public double unconditionalVariance() {
        return unconditionalVariance;
    }

    /** A filter whose first {@link Filter#variance() variance} is the prediction for the return after the fit range. */
    public Filter filter() {
        return new Filter(this, endVariance);
    }

    /**
     * The one-step-ahead variance of each of {@code returns[from, to)}, for scoring held-out data.
     *
     * <p>{@code returns} is the series the model was fitted on, and {@code from} is at or after the fit range's end:
     * the recursion carries on from where the fit left it, through the returns between the fit range and {@code from},
     * so the first prediction already knows the recent volatility.
     *
     * @throws IllegalArgumentException if {@code from} is before the end of the fit range, or a return is not finite
     */
    public double[] variances(double[] returns, int from, int to) {
        Objects.checkFromToIndex(from, to, returns.length);
        if (from < fitEnd) {
            throw new IllegalArgumentException(
                    "held-out returns start at " + from + ", inside the fit range [.., " + fitEnd + ")");
        }
        Filter filter = filter();
        for (int t = fitEnd; t < from; t++) {
            filter.update(returns[t]);
        }
        double[] variances = new double[to - from];
        for (int t = from; t < to; t++) {
            variances[t - from] = filter.variance();
            filter.update(returns[t]);
        }
        return variances;
    }

    @Override
    public String toString() {
        return "Garch11[alpha=" + alpha + ", beta=" + beta + ", omega=" + omega + ", variance=" + unconditionalVariance
                + "]";
    }

    /** The recursion run forward one realised return at a time. */
    public static final class Filter {

        private final Garch11 model;
        private double variance;

        private Filter(Garch11 model, double variance) {
            this.model = model;
            this.variance = variance;
        }

        /** The predicted variance of the next return. */
        public double variance() {
            return variance;
        }

        /**
         * Takes in the return the last {@link #variance()} was a prediction of.
         *
         * @throws IllegalArgumentException if it is not finite: one NaN would poison every later prediction
         */
        public void update(double realisedReturn) {
            double r2 = realisedReturn * realisedReturn;
            if (!Double.isFinite(r2)) {
                throw new IllegalArgumentException("not a finite log return: " + realisedReturn);
            }
            variance = next(model.omega, model.alpha, model.beta, variance, r2);
        }
    }

    /** The negative log-likelihood of the fit range, without its constant. */
    private static double nll(double[] squares, double v, double alpha, double beta) {
        double w = v * (1 - alpha - beta);
        double s2 = v;
        double sum = 0;
        for (double r2 : squares) {
            sum += StrictMath.log(s2) + r2 / s2;
            s2 = next(w, alpha, beta, s2, r2);
        }
        return 0.5 * sum;
    }

    // The one recursion the fit, the filter and the end state share, so they cannot drift apart.
    private static double next(double omega, double alpha, double beta, double variance, double r2) {
        return Math.max(VARIANCE_FLOOR, omega + alpha * r2 + beta * variance);
    }

    private static double clamp(double x, double low, double high) {
        return Math.max(low, Math.min(high, x));
    }
}
