package dev.tickcast.cli.evaluate;

import dev.tickcast.schema.HorizonEvaluation;
import dev.tickcast.schema.IntervalOutcome;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The scores of one horizon's forecasts, in log-price units so that symbols of any price level pool: the error of a
 * forecast is ln(actual / forecast), the naive one's ln(actual / naive price), an interval [low, high] is scored in
 * ln(high / low) with the Winkler penalty (2 / α) · the log distance by which it missed.
 */
public final class HorizonScore {

    private final int horizon;
    private final List<Double> levels;
    private long count;
    private double sumAbs;
    private double sumSq;
    private double naiveSumAbs;
    private double naiveSumSq;
    private final long[] intervals;
    private final long[] hits;
    private final double[] widths;
    private final double[] winklers;

    HorizonScore(int horizon, List<Double> levels) {
        this.horizon = horizon;
        this.levels = levels;
        this.intervals = new long[levels.size()];
        this.hits = new long[levels.size()];
        this.widths = new double[levels.size()];
        this.winklers = new double[levels.size()];
    }

    void add(HorizonEvaluation e, double actual) {
        double error = Math.log(actual / e.getForecastPrice());
        double naive = Math.log(actual / e.getNaivePrice());
        count++;
        sumAbs += Math.abs(error);
        sumSq += error * error;
        naiveSumAbs += Math.abs(naive);
        naiveSumSq += naive * naive;
        for (IntervalOutcome band : e.getIntervals()) {
            int l = levels.indexOf(band.getLevel());
            if (l < 0) {
                continue;
            }
            double width = Math.log(band.getHigh() / band.getLow());
            double alpha = 1 - band.getLevel();
            double miss = actual < band.getLow()
                    ? Math.log(band.getLow() / actual)
                    : actual > band.getHigh() ? Math.log(actual / band.getHigh()) : 0.0;
            intervals[l]++;
            hits[l] += band.getCovered() ? 1 : 0;
            widths[l] += width;
            winklers[l] += width + 2 / alpha * miss;
        }
    }

    public int horizon() {
        return horizon;
    }

    public long count() {
        return count;
    }

    public double skill() {
        return naiveSumSq == 0 ? 0.0 : 1 - sumSq / naiveSumSq;
    }

    public double mae() {
        return sumAbs / count;
    }

    public double rmse() {
        return Math.sqrt(sumSq / count);
    }

    /** MAE over the naive forecast's MAE at the same horizon (below 1: better than the price staying put). */
    public double relativeMae() {
        return naiveSumAbs == 0 ? Double.NaN : sumAbs / naiveSumAbs;
    }

    /** MAE scaled by the mean absolute one-tick change over the same window (Hyndman's MASE, out of sample). */
    public double mase(double oneTickNaiveMae) {
        return oneTickNaiveMae == 0 ? Double.NaN : mae() / oneTickNaiveMae;
    }

    public double naiveMae() {
        return naiveSumAbs / count;
    }

    public double coverage(int l) {
        return intervals[l] == 0 ? Double.NaN : (double) hits[l] / intervals[l];
    }

    public double meanWidth(int l) {
        return intervals[l] == 0 ? Double.NaN : widths[l] / intervals[l];
    }

    public double winkler(int l) {
        return intervals[l] == 0 ? Double.NaN : winklers[l] / intervals[l];
    }

    public long intervalCount(int l) {
        return intervals[l];
    }

    public Map<String, Object> toMap(double oneTickNaiveMae) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("horizon", horizon);
        m.put("evaluations", count);
        m.put("skill", skill());
        m.put("mae", mae());
        m.put("rmse", rmse());
        m.put("naive_mae", naiveMae());
        m.put("mase", mase(oneTickNaiveMae));
        for (int l = 0; l < levels.size(); l++) {
            Map<String, Object> band = new LinkedHashMap<>();
            band.put("evaluated", intervals[l]);
            band.put("coverage", coverage(l));
            band.put("mean_log_width", meanWidth(l));
            band.put("winkler", winkler(l));
            m.put("interval_" + levels.get(l), band);
        }
        return m;
    }
}
