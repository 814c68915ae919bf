package dev.tickcast.cli.evaluate;

import java.util.Map;

/**
 * How well two one-tick volatility forecasts fit each symbol's held-out log returns, by Gaussian negative
 * log-likelihood (lower is better): today's rolling RMS of the last {@link #WINDOW} returns, and a GARCH(1,1) fitted
 * by maximum likelihood on the symbol's earlier returns (its training part). Both are of the return itself (mean 0).
 */
public final class VolatilityBaselines {

    /** As the job's residual window and its minimum. */
    static final int WINDOW = 32;

    static final int MIN_WINDOW = 8;

    /** Mean NLL of both over every symbol's scored returns, and the symbols where GARCH(1,1) did better. */
    public record Summary(long returns, double rollingRmsNll, double garchNll, int symbols, int garchBetter) {}

    private VolatilityBaselines() {}

    public static Summary score(Map<String, double[]> returns, Map<String, Integer> heldOutFrom) {
        long n = 0;
        double rolling = 0;
        double garch = 0;
        int symbols = 0;
        int garchBetter = 0;
        for (Map.Entry<String, double[]> e : returns.entrySet()) {
            double[] r = e.getValue();
            Integer from = heldOutFrom.get(e.getKey());
            if (from == null || from < Garch11.MIN_RETURNS || from <= MIN_WINDOW) {
                continue; // nothing to fit on
            }
            Garch11 fitted = Garch11.fit(r, 0, from);
            double[] variances = fitted.variances(r, from, r.length);
            // A window of unchanged prices has RMS 0, which no volatility forecast should say: floored as GARCH(1,1)
            // is by construction (omega >= its training variance / 1000), so that one flat stretch does not decide.
            double floor =
                    Math.max(fitted.unconditionalVariance() * (1 - Garch11.MAX_PERSISTENCE), Garch11.VARIANCE_FLOOR);
            double mineRolling = 0;
            double mineGarch = 0;
            long mine = 0;
            for (int t = from; t < r.length; t++) {
                double sumSq = 0;
                int window = Math.min(WINDOW, t);
                for (int j = t - window; j < t; j++) {
                    sumSq += r[j] * r[j];
                }
                double rms = Math.max(sumSq / window, floor);
                mineRolling += Garch11.gaussianNll(r[t], rms);
                mineGarch += Garch11.gaussianNll(r[t], variances[t - from]);
                mine++;
            }
            if (mine == 0) {
                continue;
            }
            n += mine;
            rolling += mineRolling;
            garch += mineGarch;
            symbols++;
            garchBetter += mineGarch < mineRolling ? 1 : 0;
        }
        return new Summary(n, n == 0 ? Double.NaN : rolling / n, n == 0 ? Double.NaN : garch / n, symbols, garchBetter);
    }
}
