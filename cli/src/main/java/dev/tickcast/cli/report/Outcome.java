package dev.tickcast.cli.report;

import java.time.Instant;

/**
 * One forecast and the price that realised it: the unit every number and chart of the report is made of.
 *
 * @param actualTime event time of the tick that realised the forecast
 * @param low lower end of the forecast's interval; NaN when the source has none (the backtest CSV)
 * @param high upper end of the interval; NaN when unknown
 */
public record Outcome(
        Instant actualTime, double actual, double forecast, double naive, double low, double high, long modelVersion) {

    public double error() {
        return actual - forecast;
    }

    public double naiveError() {
        return actual - naive;
    }

    /**
     * A real interval: the job sends a zero-width one until it has enough residuals, which says nothing about coverage.
     */
    public boolean hasInterval() {
        return high > low;
    }

    public boolean covered() {
        return actual >= low && actual <= high;
    }
}
