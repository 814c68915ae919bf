package dev.tickcast.model.forecast;

import dev.tickcast.schema.Evaluation;

/** Accumulated next-price errors of a model and of the naive last-price forecast over the same ticks. */
public final class ErrorStats {

    private long count;
    private double sumAbs;
    private double sumSq;
    private double naiveSumAbs;
    private double naiveSumSq;

    public void add(Evaluation e) {
        add(e.getError(), e.getNaiveError());
    }

    public void add(double error, double naiveError) {
        count++;
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

    /** 1 − MSE/MSE_naive: above 0 beats the naive forecast; 0 when the naive forecast is perfect. */
    public double skill() {
        return naiveSumSq == 0 ? 0.0 : 1.0 - sumSq / naiveSumSq;
    }
}
