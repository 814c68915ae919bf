package dev.tickcast.model.feature;

import dev.tickcast.schema.FeatureSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * A model's view of the features: which ones, in what order, and the scaler fitted by the trainer.
 * Scaled input x_i = clip((raw_i − mean_i) / std_i); predicted log return = y · target_std + target_mean.
 */
public final class FeatureScaler {

    /**
     * Bounds of a scaler from a model file, wide around what training produces (clip 8; features of order 1-40;
     * target std of a tick's log return far below 1) and narrow enough that nothing can overflow: scaled inputs
     * stay within ±clip, and a predicted log return within ±({@link #MAX_CLIP} · {@link #MAX_TARGET_STD} +
     * {@link #MAX_TARGET_MEAN}) = ±65, so a forecast price is finite for every accepted tick price.
     */
    public static final double MAX_CLIP = 64;

    public static final double MAX_TARGET_STD = 1;
    public static final double MAX_TARGET_MEAN = 1;
    public static final double MIN_FEATURE_STD = 1e-12;
    public static final double MAX_FEATURE_STD = 1e6;
    public static final double MAX_FEATURE_MEAN = 1e6;

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
            throw new IllegalArgumentException(
                    "feature spec has " + n + " names, " + spec.getMean().size() + " means and "
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
            if (!(std >= MIN_FEATURE_STD && std <= MAX_FEATURE_STD) || !(Math.abs(m) <= MAX_FEATURE_MEAN)) {
                throw new IllegalArgumentException(
                        "feature '" + spec.getNames().get(i) + "' has mean " + m + " and std " + std
                                + "; std must be finite and > 0, within [" + MIN_FEATURE_STD + ", " + MAX_FEATURE_STD
                                + "], and |mean| <= "
                                + MAX_FEATURE_MEAN);
            }
            mean[i] = (float) m;
            invStd[i] = (float) (1.0 / std);
        }
        if (!(spec.getClip() > 0 && spec.getClip() <= MAX_CLIP)) {
            throw new IllegalArgumentException(
                    "feature clip must be > 0 and <= " + MAX_CLIP + ", got " + spec.getClip());
        }
        if (!(spec.getTargetStd() > 0 && spec.getTargetStd() <= MAX_TARGET_STD)
                || !(Math.abs(spec.getTargetMean()) <= MAX_TARGET_MEAN)) {
            throw new IllegalArgumentException("target scaler has mean " + spec.getTargetMean() + " and std "
                    + spec.getTargetStd()
                    + "; std must be finite and > 0, at most " + MAX_TARGET_STD + ", and |mean| <= " + MAX_TARGET_MEAN
                    + " (the target is a tick's log return)");
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

    /**
     * The training target for a realised cumulative log return over {@code horizon} ticks: as {@link #scaleTarget(double)}
     * with the one-tick target's mean times the horizon and its std times √horizon (a sum of horizon returns),
     * so that every output of a model of several horizons is of order 1. At horizon 1, {@link #scaleTarget(double)}.
     */
    public float scaleTarget(double logReturn, int horizon) {
        return clip((float) ((logReturn - targetMean * horizon) / (targetStd * Math.sqrt(horizon))));
    }

    /**
     * Output {@code output} of the horizon {@code horizon} back in log-return units, as {@link #logReturn(float)};
     * at horizon 1, exactly that. Within ±{@link #MAX_LOG_RETURN}, as one tick's prediction always is.
     */
    public double logReturn(float output, int horizon) {
        double r = clip(output) * (targetStd * Math.sqrt(horizon)) + targetMean * horizon;
        return Math.max(-MAX_LOG_RETURN, Math.min(MAX_LOG_RETURN, r));
    }

    /** Bound of a predicted log return: {@link #MAX_CLIP} · {@link #MAX_TARGET_STD} + {@link #MAX_TARGET_MEAN}. */
    public static final double MAX_LOG_RETURN = MAX_CLIP * MAX_TARGET_STD + MAX_TARGET_MEAN;

    /**
     * The model output back in log-return units, clipped first as the training targets were: an output beyond
     * the clip is outside anything the model was trained to say, and unclipped it could overflow the forecast.
     */
    public double logReturn(float output) {
        return clip(output) * targetStd + targetMean;
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
        return FeatureSpec.newBuilder()
                .setNames(names)
                .setMean(means)
                .setStd(stds)
                .setClip(clip)
                .setTargetMean(tm)
                .setTargetStd(safeStd(variance(targets, rows, tm)))
                .build();
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
