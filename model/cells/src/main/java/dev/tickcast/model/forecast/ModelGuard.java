package dev.tickcast.model.forecast;

/**
 * Per symbol, how much of the model's predicted move its forecast takes: the served log return is {@code w} times the
 * model's, {@code w} in [0, 1], so the forecast lies between the naive last price ({@code w = 0}) and the model's.
 *
 * <p>{@code w} is the least-squares slope of the symbol's realised log returns on the model's predictions, over its
 * own evaluations with exponential forgetting ({@link GuardSettings#memory}), clipped to [0, 1] and shrunk towards 0
 * by the amount of evidence ({@link GuardSettings#prior}); and 0 unless the slope is that many standard errors above
 * 0 ({@link GuardSettings#evidence}): noise that happens to line up with the model for a while is not served. The slope
 * is the weight that minimises the squared error of
 * {@code w × prediction} on that evidence, and a forecast so weighted has a squared error no larger than the naive
 * one's on it whenever the slope is in [0, 1]: a model that does not help a symbol is weighed down to the naive
 * forecast, one that helps keeps its weight.
 *
 * <p>Four decayed sums per symbol, in {@link ForecastState}; updated in a fixed order, so the same feed gives the same
 * bits. A new model starts from the evidence its re-warm over the symbol's ring of recent inputs yields.
 */
final class ModelGuard {

    private ModelGuard() {}

    /** Adds one evaluation: the model predicted {@code predicted}, the symbol moved {@code realised} (log returns). */
    static void observe(ForecastState s, GuardSettings g, double predicted, double realised) {
        double decay = g.decay();
        s.guardSxx = decay * s.guardSxx + predicted * predicted;
        s.guardSxy = decay * s.guardSxy + predicted * realised;
        s.guardSyy = decay * s.guardSyy + realised * realised;
        s.guardCount = decay * s.guardCount + 1.0;
    }

    /** The weight of the model's predicted move in the next forecast. */
    static double weight(ForecastState s, GuardSettings g) {
        if (!g.on()) {
            return 1.0;
        }
        double n = s.guardCount;
        double slope = s.guardSxy / s.guardSxx;
        if (!(slope > 0) || !(n > 1)) { // no evidence, against the model, or not a number
            return 0.0;
        }
        // t = slope / its standard error, from the residual variance of the fit through the origin.
        double residualVariance = Math.max(0.0, s.guardSyy - slope * s.guardSxy) / (n - 1);
        if (slope * slope * s.guardSxx < g.evidence() * g.evidence() * residualVariance) {
            return 0.0;
        }
        return Math.min(1.0, slope) * (n / (n + g.prior()));
    }

    /** No evidence: the start of every symbol and of every new model. */
    static void reset(ForecastState s) {
        s.guardSxx = 0;
        s.guardSxy = 0;
        s.guardSyy = 0;
        s.guardCount = 0;
    }

    /** The evidence was not kept (a state of a build before the guard): rebuilt from the ring at the next tick. */
    static void markUnknown(ForecastState s) {
        reset(s);
        s.guardCount = -1;
    }

    static boolean isUnknown(ForecastState s) {
        return s.guardCount < 0;
    }
}
