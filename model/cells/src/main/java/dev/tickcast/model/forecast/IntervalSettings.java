package dev.tickcast.model.forecast;

import java.io.Serializable;
import java.util.List;

/**
 * The calibrated prediction intervals of every horizon: their levels, and how fast each symbol's multiplier learns.
 *
 * <p>A symbol's interval at horizon h and level p is the forecast times e^±w, with w = q · √h · (its recent
 * one-tick residual RMS), and q learned online from the symbol's own h-step errors: multiplied by
 * e^(rate·p) after a miss and by e^(−rate·(1−p)) after a hit. That is online quantile tracking (the
 * "quantile" variant of conformal PID control, Angelopoulos, Candès and Tibshirani 2023; in the family of adaptive
 * conformal inference, Gibbs and Candès 2021) on a log scale: its misses balance its hits exactly at a miss rate
 * of 1 − p, whatever the errors' distribution, and a change of volatility or drift moves q back there within
 * about 1/rate misses. q starts at the normal quantile of the level, which is right for normal errors.
 *
 * @param levels nominal coverages, ascending, each in (0, 1)
 * @param rate the multiplier's learning rate per evaluation (in log units)
 */
public record IntervalSettings(List<Double> levels, double rate) implements Serializable {

    public static final int MAX_LEVELS = 4;

    public static final IntervalSettings DEFAULTS = new IntervalSettings(List.of(0.8, 0.95), 0.05);

    /** The multiplier's bounds: a symbol whose errors are all zero, or all huge, keeps a finite, usable interval. */
    static final float MIN_MULTIPLIER = 0.01f;

    static final float MAX_MULTIPLIER = 100f;

    public IntervalSettings {
        levels = List.copyOf(levels);
        if (levels.isEmpty() || levels.size() > MAX_LEVELS) {
            throw new IllegalArgumentException(
                    "interval levels must be 1 to " + MAX_LEVELS + " numbers, got " + levels);
        }
        for (int i = 0; i < levels.size(); i++) {
            double p = levels.get(i);
            if (!(p > 0 && p < 1) || (i > 0 && !(p > levels.get(i - 1)))) {
                throw new IllegalArgumentException(
                        "interval levels must ascend within (0, 1), e.g. 0.8,0.95; got " + levels);
            }
        }
        if (!(rate > 0 && rate <= 1)) {
            throw new IllegalArgumentException("the interval learning rate must be in (0, 1], got " + rate);
        }
    }

    /** Parses "0.8,0.95". */
    public static IntervalSettings parseLevels(String text, double rate) {
        List<Double> levels = new java.util.ArrayList<>();
        for (String part : text.split(",", -1)) {
            try {
                levels.add(Double.parseDouble(part.strip()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "interval levels are numbers in (0, 1) separated by commas, e.g. 0.8,0.95; got '" + text + "'");
            }
        }
        return new IntervalSettings(levels, rate);
    }

    int count() {
        return levels.size();
    }

    double level(int i) {
        return levels.get(i);
    }

    /** q's starting value at level i: the normal quantile of (1 + level) / 2. */
    float prior(int i) {
        return (float) NormalQuantile.of(0.5 + 0.5 * levels.get(i));
    }

    /** What q is multiplied by after a miss at level i. */
    double missFactor(int i) {
        return Math.exp(rate * levels.get(i));
    }

    /** What q is multiplied by after a hit at level i. */
    double hitFactor(int i) {
        return Math.exp(-rate * (1 - levels.get(i)));
    }
}
