package dev.tickcast.model.forecast;

import dev.tickcast.schema.Evaluation;

/**
 * Accumulated next-price errors over the same ticks of the served forecast, of the model's own forecast (before the
 * guard weighed it), and of the naive last-price forecast.
 */
public final class ErrorStats {

    private long count;
    private double sumAbs;
    private double sumSq;
    private double naiveSumAbs;
    private double naiveSumSq;
    private double modelSumSq;

    /** An evaluation; one of a build before the guard (no model_error) served the model's own forecast. */
    public void add(Evaluation e) {
        Double modelError = e.getModelError();
        add(e.getError(), modelError == null ? e.getError() : modelError, e.getNaiveError());
    }

    /** A served forecast that was the model's own (no guard). */
    public void add(double error, double naiveError) {
        add(error, error, naiveError);
    }

    public void add(double error, double modelError, double naiveError) {
        count++;
        modelSumSq += modelError * modelError;
        sumAbs += Math.abs(error);
        sumSq += error * error;
        naiveSumAbs += Math.abs(naiveError);
        naiveSumSq += naiveError * naiveError;
    }

    public long count() {
        return count;
    }

    public double mae() {
        return count == 0 ? Double.NaN : sumAbs / count;
    }

    public double rmse() {
        return count == 0 ? Double.NaN : Math.sqrt(sumSq / count);
    }

    public double naiveMae() {
        return count == 0 ? Double.NaN : naiveSumAbs / count;
    }

    public double naiveRmse() {
        return count == 0 ? Double.NaN : Math.sqrt(naiveSumSq / count);
    }

    public double mse() {
        return count == 0 ? Double.NaN : sumSq / count;
    }

    public double naiveMse() {
        return count == 0 ? Double.NaN : naiveSumSq / count;
    }

    /** 1 − MSE/MSE_naive of the served forecasts: above 0 beats the naive forecast; 0 when the naive one is perfect. */
    public double skill() {
        return naiveSumSq == 0 ? 0.0 : 1.0 - sumSq / naiveSumSq;
    }

    /** {@link #skill} of the model's own forecasts: what the served ones would have scored without the guard. */
    public double modelSkill() {
        return naiveSumSq == 0 ? 0.0 : 1.0 - modelSumSq / naiveSumSq;
    }
}
