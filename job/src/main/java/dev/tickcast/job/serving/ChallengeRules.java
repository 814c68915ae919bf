package dev.tickcast.job.serving;

import dev.tickcast.schema.ChallengeEvidence;
import dev.tickcast.schema.ModelAction;
import dev.tickcast.schema.internal.EvidenceBatch;
import java.io.Serializable;
import java.time.Instant;
import org.apache.commons.math3.distribution.NormalDistribution;

/**
 * When the live evidence decides a challenge: the challenger's and the champion's served forecasts, scored on the
 * same ticks over every subtask, compared with a Diebold–Mariano test of the loss difference d = (champion error² −
 * challenger error²) / the symbol's naive mean squared error. For one-step forecasts d has no autocorrelation to
 * correct for (Diebold and Mariano 1995: lags up to h − 1), so the statistic is d's mean over its standard error.
 *
 * <p>The evidence is looked at when the evaluations reach {@code minEvaluations} × 2^k (k = 0, 1, ...), and from
 * {@code minSymbols} symbols on; look k spends α / 2^(k+1) of the significance level, so that over all the looks a
 * challenger no better than the champion is promoted with probability at most α however long it runs. At a look the
 * challenger is promoted if better at that level, retired if worse at it; at {@code maxEvaluations} without either,
 * it is retired.
 *
 * @param autoPromote whether the job writes its decisions; if not, it scores and reports only, and an operator
 *     decides ({@code tickcast model promote|retire})
 */
public record ChallengeRules(
        boolean autoPromote, long minEvaluations, long maxEvaluations, long minSymbols, double significance)
        implements Serializable {

    public static final long DEFAULT_MIN_EVALUATIONS = 5_000;
    public static final long DEFAULT_MAX_EVALUATIONS = 2_000_000;
    public static final long DEFAULT_MIN_SYMBOLS = 3;
    public static final double DEFAULT_SIGNIFICANCE = 0.05;
    public static final ChallengeRules DEFAULTS = new ChallengeRules(
            true, DEFAULT_MIN_EVALUATIONS, DEFAULT_MAX_EVALUATIONS, DEFAULT_MIN_SYMBOLS, DEFAULT_SIGNIFICANCE);

    private static final NormalDistribution NORMAL = new NormalDistribution(null, 0, 1);

    public ChallengeRules {
        if (minEvaluations < 2) {
            throw new IllegalArgumentException("--challenge-min-evaluations must be >= 2, got " + minEvaluations);
        }
        if (maxEvaluations < minEvaluations) {
            throw new IllegalArgumentException("--challenge-max-evaluations (" + maxEvaluations
                    + ") must be >= --challenge-min-evaluations (" + minEvaluations + ")");
        }
        if (minSymbols < 1) {
            throw new IllegalArgumentException("--challenge-min-symbols must be >= 1, got " + minSymbols);
        }
        if (!(significance > 0 && significance < 0.5)) {
            throw new IllegalArgumentException("--challenge-significance must be in (0, 0.5), got " + significance);
        }
    }

    public ChallengeRules withAutoPromote(boolean on) {
        return new ChallengeRules(on, minEvaluations, maxEvaluations, minSymbols, significance);
    }

    /** A decision, with the evidence it was made on; or none yet. */
    public record Verdict(ModelAction action, ChallengeEvidence evidence, String reason) {}

    /**
     * What the evidence decides at this point, or null (keep scoring).
     *
     * @param looks how many looks were taken before (the next look is at minEvaluations × 2^looks evaluations)
     */
    public Verdict decide(EvidenceBatch totals, int looks) {
        long n = totals.getEvaluations();
        boolean look = n >= lookAt(looks) && totals.getNewSymbols() >= minSymbols;
        if (look) {
            double threshold = significance / Math.pow(2, looks + 1);
            double z = statistic(totals);
            double pBetter = 1 - NORMAL.cumulativeProbability(z);
            double pWorse = NORMAL.cumulativeProbability(z);
            if (pBetter < threshold) {
                return verdict(ModelAction.PROMOTE, totals, z, pBetter, threshold, "better than the champion");
            }
            if (pWorse < threshold) {
                return verdict(ModelAction.RETIRE, totals, z, pWorse, threshold, "worse than the champion");
            }
        }
        if (n >= maxEvaluations) {
            double z = statistic(totals);
            return verdict(
                    ModelAction.RETIRE,
                    totals,
                    z,
                    1 - NORMAL.cumulativeProbability(Math.abs(z)),
                    significance / Math.pow(2, looks + 1),
                    "no significant difference within --challenge-max-evaluations " + maxEvaluations);
        }
        return null;
    }

    /** How many looks the evidence has passed: the looks to count as taken after {@link #decide} returned null. */
    public int looksTaken(EvidenceBatch totals, int looks) {
        while (totals.getNewSymbols() >= minSymbols && totals.getEvaluations() >= lookAt(looks)) {
            looks++;
        }
        return looks;
    }

    /** minEvaluations × 2^looks, saturating. */
    private long lookAt(int looks) {
        long at = minEvaluations;
        for (int i = 0; i < looks && at < Long.MAX_VALUE; i++) {
            at = at > Long.MAX_VALUE / 2 ? Long.MAX_VALUE : at * 2;
        }
        return at;
    }

    /** The Diebold–Mariano statistic: mean of d over its standard error; ±infinity when every d is the same. */
    public static double statistic(EvidenceBatch totals) {
        long n = totals.getEvaluations();
        if (n < 2) {
            return 0.0;
        }
        double mean = totals.getSum() / n;
        double variance = Math.max(0.0, (totals.getSumSquares() - n * mean * mean) / (n - 1));
        if (variance == 0) {
            return mean == 0 ? 0.0 : Math.copySign(Double.POSITIVE_INFINITY, mean);
        }
        return mean / Math.sqrt(variance / n);
    }

    private static Verdict verdict(
            ModelAction action, EvidenceBatch totals, double z, double p, double threshold, String why) {
        double mean = totals.getSum() / totals.getEvaluations();
        ChallengeEvidence evidence = ChallengeEvidence.newBuilder()
                .setChampionVersion(totals.getChampionVersion())
                .setEvaluations(totals.getEvaluations())
                .setSymbols(totals.getNewSymbols())
                .setMeanLossDifference(mean)
                .setStatistic(z)
                .setPValue(p)
                .setThreshold(threshold)
                .setLastEventTime(Instant.ofEpochMilli(totals.getLastEventTime()))
                .build();
        String reason = String.format(
                java.util.Locale.ROOT,
                "challenger v%d %s v%d: %s over %d evaluations on %d symbols (mean loss difference %.3g,"
                        + " Diebold-Mariano %.2f, p %.2g against %.2g)",
                totals.getChallengerVersion(),
                action == ModelAction.PROMOTE ? "replaces" : "stays behind",
                totals.getChampionVersion(),
                why,
                totals.getEvaluations(),
                totals.getNewSymbols(),
                mean,
                z,
                p,
                threshold);
        return new Verdict(action, evidence, reason);
    }
}
