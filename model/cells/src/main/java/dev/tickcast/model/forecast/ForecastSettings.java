package dev.tickcast.model.forecast;

import java.io.Serializable;

/**
 * Per-symbol memory sizes and the prediction intervals.
 *
 * @param ringSteps recent input steps kept per symbol to re-warm the hidden state under a new model
 * @param residualWindow recent forecast residuals kept per symbol for the prediction interval
 * @param minResiduals residuals needed before the interval widens beyond the point forecast
 * @param intervalZ half-width of the interval in residual RMS units (1.645 ≈ 90% if residuals were normal)
 * @param guard how much of the model's predicted move each symbol's forecast takes
 * @param intervals the calibrated intervals of every horizon (the {@code horizons} of a Forecast)
 */
public record ForecastSettings(
        int ringSteps,
        int residualWindow,
        int minResiduals,
        double intervalZ,
        GuardSettings guard,
        IntervalSettings intervals)
        implements Serializable {

    /** 24 re-warm steps, 32 residuals: an LSTM-64 symbol's state is about 1.1 KB, under 2 KiB with horizons 1,5,20. */
    public static final ForecastSettings DEFAULTS =
            new ForecastSettings(24, 32, 8, 1.645, GuardSettings.DEFAULTS, IntervalSettings.DEFAULTS);

    /** With the default guard. */
    public ForecastSettings(int ringSteps, int residualWindow, int minResiduals, double intervalZ) {
        this(ringSteps, residualWindow, minResiduals, intervalZ, GuardSettings.DEFAULTS);
    }

    /** With the default intervals. */
    public ForecastSettings(
            int ringSteps, int residualWindow, int minResiduals, double intervalZ, GuardSettings guard) {
        this(ringSteps, residualWindow, minResiduals, intervalZ, guard, IntervalSettings.DEFAULTS);
    }

    public ForecastSettings withGuard(GuardSettings guard) {
        return new ForecastSettings(ringSteps, residualWindow, minResiduals, intervalZ, guard, intervals);
    }

    public ForecastSettings withIntervals(IntervalSettings intervals) {
        return new ForecastSettings(ringSteps, residualWindow, minResiduals, intervalZ, guard, intervals);
    }

    public ForecastSettings {
        java.util.Objects.requireNonNull(guard, "guard");
        java.util.Objects.requireNonNull(intervals, "intervals");
        if (ringSteps < 1
                || residualWindow < 1
                || minResiduals < 1
                || minResiduals > residualWindow
                || !(intervalZ >= 0)) {
            throw new IllegalArgumentException(
                    "need ringSteps >= 1, residualWindow >= minResiduals >= 1 and intervalZ >= 0, got " + this);
        }
    }
}
