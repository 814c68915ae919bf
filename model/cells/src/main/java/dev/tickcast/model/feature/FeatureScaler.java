package dev.tickcast.model.feature;

import dev.tickcast.schema.FeatureSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * A model's view of the features: which ones, in what order, and the scaler fitted by the trainer.
 * Scaled input x_i = clip((raw_i − mean_i) / std_i); predicted log return = y · target_std + target_mean.
 */
public final class FeatureScaler {

    private final FeatureSpec spec;
    private final int[] source; // model input i reads raw feature source[i]
    private final float[] mean;
    private final float[] invStd;
    private final float clip;
    private final double targetMean;
    private final double targetStd;

    public FeatureScaler(FeatureSpec spec) {
        int n = spec.getNames().size();
        if (n < 1 || spec.getMean().size() != n || spec.getStd().size() != n) {
            throw new IllegalArgumentException("feature spec has " + n + " names, " + spec.getMean().size() + " means and "
                    + spec.getStd().size() + " stds; they must be equal and >= 1");
        }
        this.spec = spec;
        this.source = new int[n];
        this.mean = new float[n];
        this.invStd = new float[n];
        for (int i = 0; i < n; i++) {
            source[i] = Feature.fromWireName(spec.getNames().get(i)).ordinal();
            double std = spec.getStd().get(i);
            double m = spec.getMean().get(i);
            if (!(std > 0) || !Double.isFinite(std) || !Double.isFinite(m)) {
                throw new IllegalArgumentException("feature '" + spec.getNames().get(i) + "' has mean " + m + " and std " + std
                        + "; std must be finite and > 0");
            }
            mean[i] = (float) m;
            invStd[i] = (float) (1.0 / std);
        }
        if (!(spec.getClip() > 0)) {
            throw new IllegalArgumentException("feature clip must be > 0, got " + spec.getClip());
        }
        if (!(spec.getTargetStd() > 0) || !Double.isFinite(spec.getTargetStd()) || !Double.isFinite(spec.getTargetMean())) {
            throw new IllegalArgumentException("target scaler has mean " + spec.getTargetMean() + " and std " + spec.getTargetStd()
                    + "; std must be finite and > 0");
        }
        this.clip = (float) spec.getClip();
        this.targetMean = spec.getTargetMean();
        this.targetStd = spec.getTargetStd();
    }

    public FeatureSpec spec() {
        return spec;
    }

    public int inputSize() {
        return source.length;
    }

    /** Scales one step's raw features (all of {@link Feature}, at {@code rawOffset}) into the model input x. */
    public void scale(float[] raw, int rawOffset, float[] x) {
        for (int i = 0; i < source.length; i++) {
            x[i] = clip((raw[rawOffset + source[i]] - mean[i]) * invStd[i]);
        }
    }

    /** The training target for a realised log return, scaled and clipped as the model sees it. */
    public float scaleTarget(double logReturn) {
        return clip((float) ((logReturn - targetMean) / targetStd));
    }

    /** The model output back in log-return units. */
    public double logReturn(float output) {
        return output * targetStd + targetMean;
    }

    private float clip(float v) {
        return Math.max(-clip, Math.min(clip, v));
    }

    /**
     * Fits mean and std of each chosen feature, and of the target, on training rows.
     *
     * @param raw raw feature rows (all of {@link Feature} per row), row-major
     * @param targets realised next log return of each row
     */
    public static FeatureSpec fit(List<Feature> features, float[] raw, int rows, double[] targets, double clip) {
        List<String> names = new ArrayList<>();
        List<Double> means = new ArrayList<>();
        List<Double> stds = new ArrayList<>();
        double[] column = new double[rows];
        for (Feature f : features) {
            for (int r = 0; r < rows; r++) {
                column[r] = raw[r * Feature.COUNT + f.ordinal()];
            }
            double m = mean(column, rows);
            names.add(f.wireName());
            means.add(m);
            stds.add(safeStd(variance(column, rows, m)));
        }
        double tm = mean(targets, rows);
        return FeatureSpec.newBuilder().setNames(names).setMean(means).setStd(stds).setClip(clip)
                .setTargetMean(tm).setTargetStd(safeStd(variance(targets, rows, tm))).build();
    }

    private static double mean(double[] v, int rows) {
        double sum = 0;
        for (int r = 0; r < rows; r++) {
            sum += v[r];
        }
        return rows == 0 ? 0 : sum / rows;
    }

    /**
     * Population variance, two-pass: E[v²] − m² cancels catastrophically for a constant non-zero
     * feature (e.g. log_gap of daily bars) and leaves ~1e-14 instead of 0, so safeStd missed it.
     */
    private static double variance(double[] v, int rows, double m) {
        double sumSq = 0;
        for (int r = 0; r < rows; r++) {
            double d = v[r] - m;
            sumSq += d * d;
        }
        return rows == 0 ? 0 : sumSq / rows;
    }

    /** A constant feature (e.g. no volume anywhere) gets std 1 so it scales to 0 rather than dividing by 0. */
    private static double safeStd(double variance) {
        double std = Math.sqrt(Math.max(0, variance));
        return std > 1e-12 ? std : 1.0;
    }
}
